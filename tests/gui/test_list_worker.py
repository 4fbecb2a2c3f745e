"""Issue 17 §4: the evidence list's reads run in a worker with a connection of its own. A
paint never waits for a thumbnail (a blank square stands in until the checked, decoded one
is inserted) nor, in a big case, for a row; the count line says how many items carry
warnings, counted by SQL once and then only over the items imported since."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.helpers.case import PASSPHRASE
from tests.helpers.listed import drawn_thumbnail, settle
from ui.widgets.text import warned_count
from ui.workspace.item_model import NAME, SIZE, ItemRole
from vault.case.handle import Case
from vault.evidence.ingest import import_paths
from vault.i18n import set_language


def _count_line(qtbot, window) -> str:
    """The count line once the worker has counted every listed item."""
    workspace = window.workspace
    while workspace._warned[0] != workspace.item_model.last_key():
        with qtbot.waitSignal(workspace.warned_counted, timeout=20_000):
            pass
    return workspace.items.count.text()


def test_the_count_line_says_how_many_items_carry_warnings(
    qtbot, case_window, corpus: Path, import_and_wait
) -> None:
    spans: list[tuple[int, int, int]] = []
    workspace = case_window.workspace
    workspace.list_reader.warned_counted.connect(
        lambda *span: spans.append(span), Qt.ConnectionType.QueuedConnection
    )
    import_and_wait(case_window, [corpus / "camera" / "Canon_40D.jpg"])
    assert _count_line(qtbot, case_window) == "1 item · with warnings: 0"
    hostile = corpus / "hostile"
    import_and_wait(case_window, [hostile / "text-file-named.jpg", hostile / "empty.jpg"])
    assert _count_line(qtbot, case_window) == "3 items · with warnings: 2"
    assert spans == [(0, 1, 0), (1, 3, 2)]  # the second count read only the new items


def test_the_warnings_count_has_ukrainian_plural_forms() -> None:
    set_language("uk")
    try:
        shown = [warned_count(n) for n in (1, 3, 5, 11, 21)]
    finally:
        set_language("en")
    assert shown == [
        "1 доказ із попередженнями",
        "3 докази з попередженнями",
        "5 доказів із попередженнями",
        "11 доказів із попередженнями",
        "21 доказ із попередженнями",
    ]


def test_a_paint_asks_the_worker_for_thumbnails_and_never_reads_them_itself(
    qtbot, window, tmp_path: Path, corpus: Path
) -> None:
    path = tmp_path / "case.evault"
    with Case.create(path, PASSPHRASE, title="Worker", investigator="Olena K.") as case:
        import_paths(case, [corpus / "camera" / "Canon_40D.jpg"])
    case = Case.open(path, PASSPHRASE)
    statements: list[str] = []
    case.conn.set_trace_callback(statements.append)
    window.on_case_ready(case)
    workspace = window.workspace
    workspace.items.table.viewport().repaint()
    first = workspace.items.proxy.index(0, NAME).data(Qt.ItemDataRole.DecorationRole)
    assert first is not None and first.size().width() == 48  # the blank square meanwhile
    assert first.toImage().pixelColor(24, 24).alpha() == 0
    drawn = drawn_thumbnail(qtbot, workspace, 0)
    assert not drawn.isNull() and drawn.toImage().pixelColor(24, 24).alpha() == 255
    assert not [s for s in statements if "thumbnail" in s], "read by the worker, not the UI"


def test_a_big_list_shows_rows_the_paint_missed_once_the_worker_read_them(
    qtbot, window, tmp_path: Path, corpus: Path
) -> None:
    path = tmp_path / "case.evault"
    with Case.create(path, PASSPHRASE, title="Rows", investigator="Olena K.") as case:
        import_paths(case, sorted((corpus / "camera").iterdir()))
    window.on_case_ready(Case.open(path, PASSPHRASE))
    workspace = window.workspace
    model = workspace.item_model
    model.async_rows_from = 0  # as in a case of 20,000 items and more
    model.set_lister(workspace.reader.lister(), workspace.reader.item)
    last = model.rowCount() - 1
    assert model.index(last, NAME).data() is None  # not read yet: blank, asked of the worker
    settle(qtbot, workspace)
    row = model.index(last, NAME).data(ItemRole)  # read now: the same checked row
    assert model.index(last, NAME).data() == row.original_name
    assert model.index(last, SIZE).data() and row.problems == 0
