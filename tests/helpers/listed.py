"""What the evidence list draws once a paint's deferred work is done: a thumbnail not
decoded yet is drawn as a blank square, then read, checked and decoded after the paint
(ui/workspace/item_model.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from ui.workspace.case_workspace import CaseWorkspace

WAIT_MS = 20_000


def drawn_thumbnail(qtbot: Any, workspace: CaseWorkspace, row: int) -> Any:
    """The thumbnail the list draws at `row` (of the list as shown) once it is decoded."""
    index = workspace.items.proxy.index(row, 0)
    model = workspace.item_model
    index.data(Qt.ItemDataRole.DecorationRole)  # as a paint asks for it
    while model.deferred():
        with qtbot.waitSignal(model.read_after_paint, timeout=WAIT_MS):
            pass
    return index.data(Qt.ItemDataRole.DecorationRole)
