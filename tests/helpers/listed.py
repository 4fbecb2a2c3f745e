"""What the evidence list draws once its worker has answered (ui/workspace/list_reader.py):
a row's first paint asks for its thumbnail and shows a blank square until it comes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from ui.workspace.case_workspace import CaseWorkspace
from ui.workspace.item_model import NAME, ItemRole

WAIT_MS = 20_000


def settle(qtbot: Any, workspace: CaseWorkspace) -> None:
    """Wait, on the worker's signals, until every row and thumbnail asked has come."""
    model = workspace.item_model
    while workspace.list_reader is not None and not model.settled():
        with qtbot.waitSignal(model.answered, timeout=WAIT_MS):
            pass


def drawn_thumbnail(qtbot: Any, workspace: CaseWorkspace, row: int) -> Any:
    """The thumbnail the list draws at `row` once its worker has read it."""
    index = workspace.items.proxy.index(row, NAME)
    item = index.data(ItemRole)
    reader = workspace.list_reader
    while reader is not None and not workspace.thumbnails.cached(item.id):
        # A paint's ask (again if the cache was cleared since: its answer is dropped).
        index.data(Qt.ItemDataRole.DecorationRole)
        with qtbot.waitSignal(workspace.item_model.answered, timeout=WAIT_MS):
            pass
    return index.data(Qt.ItemDataRole.DecorationRole)
