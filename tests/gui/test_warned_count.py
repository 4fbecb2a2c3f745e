"""Issue 17 §4: the evidence list's count line says how many items carry warnings again,
counted in a thread of its own (ui/workspace/warned_counter.py) so a 100,000-item case
never stalls the window; the count follows imports, and every counting thread is stopped
and joined when its case closes (tests/gui/conftest.py checks none is left after a test)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tests.helpers.case import new_case, reopen
from ui.widgets.text import warned_count
from ui.workspace import warned_counter
from ui.workspace.warned_counter import WORKER_PREFIX
from vault.evidence.ingest import import_paths
from vault.i18n import set_language

WAIT_MS = 20_000


def _counting_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(WORKER_PREFIX)]


def test_the_count_line_says_how_many_items_carry_warnings(
    qtbot, case_window, corpus: Path, import_and_wait
) -> None:
    workspace = case_window.workspace
    with qtbot.waitSignal(workspace.warned_counted, timeout=WAIT_MS) as counted:
        import_and_wait(case_window, [corpus / "camera" / "Canon_40D.jpg"])
    assert counted.args == [0]
    assert workspace.items.count.text() == "1 item · with warnings: 0"
    hostile = corpus / "hostile"
    with qtbot.waitSignal(workspace.warned_counted, timeout=WAIT_MS) as counted:
        import_and_wait(case_window, [hostile / "text-file-named.jpg", hostile / "empty.jpg"])
    assert counted.args == [2]
    assert workspace.items.count.text() == "3 items · with warnings: 2"


def test_a_count_goes_on_from_where_it_ended_span_by_span(
    qtbot, case_window, corpus: Path, import_and_wait, monkeypatch
) -> None:
    """Only the items imported since are counted again: spans start at the last one's end."""
    monkeypatch.setattr(warned_counter, "SPAN", 1)
    spans: list[tuple[int, int]] = []
    real = warned_counter.count_warned
    monkeypatch.setattr(  # records what each read covers (in the thread), then reads
        warned_counter, "count_warned", lambda conn, a, b: spans.append((a, b)) or real(conn, a, b)
    )
    workspace = case_window.workspace
    hostile = corpus / "hostile"
    with qtbot.waitSignal(workspace.warned_counted, timeout=WAIT_MS):
        import_and_wait(case_window, [corpus / "camera" / "Canon_40D.jpg", hostile / "empty.jpg"])
    with qtbot.waitSignal(workspace.warned_counted, timeout=WAIT_MS) as counted:
        import_and_wait(case_window, [hostile / "text-file-named.jpg"])
    assert spans == [(0, 1), (1, 2), (2, 3)]
    assert counted.args == [2] and workspace.items.count.text() == "3 items · with warnings: 2"


def test_locking_stops_and_joins_the_count_before_the_case_closes(
    qtbot, window, tmp_path: Path, corpus: Path
) -> None:
    case = new_case(tmp_path)
    import_paths(case, sorted((corpus / "camera").iterdir()))
    window.on_case_ready(reopen(case))
    workspace = window.workspace
    workspace._count_warned()  # what the timer after a reload starts: a thread now
    assert workspace.warned_counter.running()  # started, and not joined yet
    window.lock()  # the case's file closes: the count's connection and thread are gone first
    assert not _counting_threads()
    assert window.session is None and window.workspace is None


def _scrolled_case(window, tmp_path: Path, corpus: Path):
    """The window on a case of 20 photos, its list short enough to scroll."""
    case = new_case(tmp_path)
    import_paths(case, sorted((corpus / "camera").iterdir()))
    window.resize(640, 300)
    window.on_case_ready(reopen(case))
    workspace = window.workspace
    workspace._count_timer.stop()  # counted below, once the list has scrolled
    bar = workspace.items.table.verticalScrollBar()
    assert bar.maximum() > 0, "the list scrolls"
    return workspace, bar


def test_the_count_waits_while_the_list_scrolls_and_goes_on_once_it_is_still(
    qtbot, window, tmp_path: Path, corpus: Path
) -> None:
    """The count's Python work would take the GIL and a core from the list's paints."""
    workspace, bar = _scrolled_case(window, tmp_path, corpus)
    bar.setValue(bar.maximum())
    scrolled = time.monotonic()
    with qtbot.waitSignal(workspace.warned_counted, timeout=WAIT_MS) as counted:
        workspace._count_warned()
        assert workspace.warned_counter.running()
    # It waited for the hold to end (a coarse Qt timer may fire up to 5% early).
    assert time.monotonic() - scrolled >= 0.9 * warned_counter.HOLD_MS / 1000
    assert counted.args == [1]
    assert workspace.items.count.text() == "20 items · with warnings: 1"


def test_locking_while_the_count_waits_for_the_scroll_joins_it(
    qtbot, window, tmp_path: Path, corpus: Path
) -> None:
    workspace, bar = _scrolled_case(window, tmp_path, corpus)
    bar.setValue(bar.maximum())
    workspace._count_warned()
    assert workspace.warned_counter.running()  # waiting for the list to be still
    window.lock()
    assert not _counting_threads()


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
