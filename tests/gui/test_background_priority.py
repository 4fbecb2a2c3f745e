"""Issue 17 §4: on a busy machine the window keeps up while the app works in the
background. A job (an import, a verification) and the evidence list's count of items with
warnings run on threads the scheduler prefers the window's thread over (Linux sets each
thread's own nice value; ui/jobs/priority.py)."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from tests.helpers.case import new_case, reopen
from ui.jobs.priority import BACKGROUND_NICE
from ui.workspace import warned_counter
from vault.evidence.ingest import import_paths

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice is Linux's")


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_a_job_runs_below_the_window(qtbot, case_window) -> None:
    session = case_window.session
    seen: list[int] = []
    with qtbot.waitSignal(session.job_ended, timeout=20_000):
        session.run(lambda _ctx: _nice(), "a job", seen.append, lambda _err: None)
    assert seen == [min(_nice() + BACKGROUND_NICE, 19)]


def test_the_warnings_count_runs_below_the_window(
    qtbot, window, tmp_path: Path, corpus: Path, monkeypatch
) -> None:
    seen: list[int] = []
    real = warned_counter.count_warned
    monkeypatch.setattr(  # notes the counting thread's nice value, then counts
        warned_counter,
        "count_warned",
        lambda lister, a, b: seen.append(_nice()) or real(lister, a, b),
    )
    case = new_case(tmp_path)
    import_paths(case, [corpus / "camera" / "Canon_40D.jpg"])
    window.on_case_ready(reopen(case))
    with qtbot.waitSignal(window.workspace.warned_counted, timeout=20_000):
        pass  # the count starts shortly after the list is shown
    assert seen == [min(_nice() + BACKGROUND_NICE, 19)]
