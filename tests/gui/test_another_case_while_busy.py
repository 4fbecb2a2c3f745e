"""New case / Open case while a task runs in the open case: the app asks first. "Keep
working" leaves the case open and the task running; "Stop" cancels the task, waits for its
thread, closes the case (what finished is kept and verifies) and goes on to the dialog."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.helpers.case import PASSPHRASE
from tests.helpers.running import answer_when_asked, hold_the_import
from ui.dialogs.new_case_dialog import NewCaseDialog
from ui.dialogs.open_case_dialog import OpenCaseDialog
from vault.case.handle import Case
from vault.custody.verify import verify_case
from vault.evidence.items import list_items

ACTS = {"new case": ("new_case", NewCaseDialog), "open case": ("open_case", OpenCaseDialog)}
# A verification needs an import first: about 10 s each, so those run with the slow tests.
TASKS = ["import", pytest.param("verify", marks=pytest.mark.slow)]


def start(window, camera, task: str, release: threading.Event, jobs: list):
    """Start a real import of the camera folder, or a verification, held at its start."""
    hold_the_import(window, release, jobs)
    if task == "import":
        window.import_paths([camera])
        return window.workspace.import_finished
    window.workspace.start_verify()
    return window.workspace.verify_finished


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("task", TASKS)
def test_keep_working_leaves_the_case_open_and_the_task_running(
    qtbot, case_window, camera, act, task
):
    if task == "verify":
        case_window.import_paths([camera])
        qtbot.waitUntil(lambda: not case_window.session.busy, timeout=60_000)
    release, jobs = threading.Event(), []
    finished = start(case_window, camera, task, release, jobs)
    assert case_window.session.busy
    seen = answer_when_asked(qtbot, lambda box: qtbot.keyClick(box, Qt.Key.Key_Escape))
    method, dialog_kind = ACTS[act]
    getattr(case_window, method)()
    assert "Stop it and close the case?" in seen["text"]
    assert seen["default"] == seen["escape"] == QMessageBox.StandardButton.No
    assert case_window.session is not None and case_window.session.busy
    assert not isinstance(case_window.dialog, dialog_kind) or not case_window.dialog.isVisible()
    assert not jobs[0].cancel_requested.is_set()
    with qtbot.waitSignal(finished, timeout=60_000) as done:
        release.set()
    result = done.args[0]
    assert not getattr(result, "cancelled", False)
    qtbot.waitUntil(lambda: not case_window.session.busy)


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("task", TASKS)
def test_stopping_closes_the_case_cleanly_then_opens_the_dialog(
    qtbot, case_window, camera, act, task
):
    path = case_window.session.case.path
    if task == "verify":
        case_window.import_paths([camera])
        qtbot.waitUntil(lambda: not case_window.session.busy, timeout=60_000)
    release, jobs = threading.Event(), []
    start(case_window, camera, task, release, jobs)
    answer_when_asked(qtbot, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    method, dialog_kind = ACTS[act]
    getattr(case_window, method)()
    job = jobs[0]
    assert job.cancel_requested.is_set() and not job.is_running()  # cancelled and joined
    assert case_window.session is None and case_window.workspace is None
    assert isinstance(case_window.dialog, dialog_kind) and case_window.dialog.isVisible()
    assert not case_window.progress.isVisible()
    case_window.dialog.reject()
    case = Case.open(path, PASSPHRASE)  # the case file was let go of: it opens again
    try:
        kept = list_items(case.conn)
        if task == "import":
            assert len(kept) < len(list(camera.iterdir()))  # the rest was not done
        report = verify_case(case)
        assert report.ok and report.items_checked == len(kept)  # what finished is whole
    finally:
        case.close()
