"""Issue 17 §4, scrolling a big list: a paint of the evidence list does as little as it can
on the UI thread. It reads a screen of rows, never a thumbnail (a blank square stands in
until the thumbnail is read, checked against the signed record and decoded, after the
paint); the rows ahead of the scroll are read after it, a screen at a time."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt

from tests.helpers.case import new_case, reopen
from tests.helpers.listed import drawn_thumbnail
from ui.workspace.item_model import NAME, PAINT_ROWS
from vault.evidence.ingest import import_paths


def _opened(window, tmp_path: Path, corpus: Path) -> list[str]:
    """The camera photos' case open in the window; the SQL it runs from then on."""
    case = new_case(tmp_path)
    import_paths(case, sorted((corpus / "camera").iterdir()))
    case = reopen(case)
    statements: list[str] = []
    case.conn.set_trace_callback(statements.append)
    window.on_case_ready(case)
    return statements


def _rows_read(statements: list[str]) -> list[int]:
    """How many rows each list read asked for."""
    found = [re.search(r"WHERE rowid IN \(([^)]*)\)", s) for s in statements]
    return [m.group(1).count(",") + 1 for m in found if m]


def test_a_paint_draws_a_blank_square_and_the_checked_thumbnail_after_it(
    qtbot, window, tmp_path: Path, corpus: Path
) -> None:
    statements = _opened(window, tmp_path, corpus)
    workspace = window.workspace
    statements.clear()
    workspace.items.table.viewport().repaint()
    assert not [s for s in statements if "thumbnail" in s], "no thumbnail read in a paint"
    blank = workspace.items.proxy.index(0, NAME).data(Qt.ItemDataRole.DecorationRole)
    assert blank.width() == 48 and blank.toImage().pixelColor(24, 24).alpha() == 0
    drawn = drawn_thumbnail(qtbot, workspace, 0)
    assert not drawn.isNull() and drawn.toImage().pixelColor(24, 24).alpha() == 255
    assert [s for s in statements if "SELECT t.data FROM items" in s]  # read after


def test_a_paint_reads_a_screen_of_rows_and_the_rows_ahead_come_after_it(
    qtbot, window, tmp_path: Path, corpus: Path
) -> None:
    statements = _opened(window, tmp_path, corpus)
    workspace = window.workspace
    table = workspace.items.table
    shown = table.rowAt(table.viewport().height() - 1) + 1
    assert 0 < shown <= PAINT_ROWS < workspace.item_model.rowCount()
    statements.clear()
    table.viewport().repaint()
    assert _rows_read(statements) in ([], [PAINT_ROWS])  # the first screen, read at opening
    statements.clear()
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())  # the end
    table.viewport().repaint()
    assert max(_rows_read(statements)) <= PAINT_ROWS
    while workspace.item_model.deferred():  # the rows behind, then the thumbnails
        with qtbot.waitSignal(workspace.item_model.read_after_paint, timeout=20_000):
            pass
    assert all(n <= PAINT_ROWS for n in _rows_read(statements))
    last = workspace.items.proxy.rowCount() - 1
    assert workspace.items.proxy.index(last, NAME).data()  # every row shown has its name
