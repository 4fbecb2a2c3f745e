"""Closing the window while an import runs: it asks first; Enter and Escape keep working
(the destructive answer is never the default); "stop" cancels the job, waits for its
thread, and leaves a case that verifies with what finished."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.helpers.case import PASSPHRASE
from tests.helpers.running import answer_when_asked, hold_the_import
from vault.case.handle import Case
from vault.custody.verify import verify_case
from vault.evidence.items import list_items


def test_enter_at_the_close_question_keeps_the_import_running(qtbot, case_window, camera):
    release, jobs = threading.Event(), []
    hold_the_import(case_window, release, jobs)
    case_window.import_paths([camera])
    assert case_window.session.busy
    seen = answer_when_asked(qtbot, lambda box: qtbot.keyClick(box, Qt.Key.Key_Return))
    assert not case_window.close()
    assert seen["default"] == seen["escape"] == QMessageBox.StandardButton.No
    assert "Stop it and close?" in seen["text"]
    assert case_window.isVisible() and case_window.session.busy
    assert not jobs[0].cancel_requested.is_set()
    with qtbot.waitSignal(case_window.workspace.import_finished, timeout=60_000) as done:
        release.set()
    assert not done.args[0].cancelled
    assert len(done.args[0].imported) == len(list(camera.iterdir()))
    qtbot.waitUntil(lambda: not case_window.session.busy)


def test_escape_at_the_close_question_keeps_the_import_running(qtbot, case_window, camera):
    release, jobs = threading.Event(), []
    hold_the_import(case_window, release, jobs)
    case_window.import_paths([camera])
    answer_when_asked(qtbot, lambda box: qtbot.keyClick(box, Qt.Key.Key_Escape))
    assert not case_window.close()
    assert case_window.isVisible() and not jobs[0].cancel_requested.is_set()
    release.set()
    qtbot.waitUntil(lambda: not case_window.session.busy, timeout=60_000)


def test_stopping_at_the_close_question_cancels_and_waits_for_the_import(
    qtbot, case_window, camera
):
    path = case_window.session.case.path
    release, jobs = threading.Event(), []
    hold_the_import(case_window, release, jobs)
    case_window.import_paths([camera])
    answer_when_asked(qtbot, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    assert case_window.close()
    job = jobs[0]
    assert job.cancel_requested.is_set() and not job.is_running()  # cancelled and joined
    assert case_window.session is None and case_window.workspace is None
    assert not case_window.isVisible()
    QApplication.processEvents()  # the ended job's queued signals: nothing shows for a closed case
    assert case_window.summary is None
    case = Case.open(path, PASSPHRASE)
    try:
        kept = list_items(case.conn)
        assert len(kept) < len(list(camera.iterdir()))  # the rest was not done
        report = verify_case(case)
        assert report.ok and report.items_checked == len(kept)  # what finished is whole
    finally:
        case.close()
