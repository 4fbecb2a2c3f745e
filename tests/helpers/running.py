"""A task that surely runs while the test acts (it pauses at its first progress report until
released or cancelled), and answering the question that then comes up."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.main_window import MainWindow

HOLD_SECONDS = 30


def hold_the_import(window: MainWindow, release: threading.Event, jobs: list) -> None:
    """The next job pauses at its first progress report (on its own thread) until
    `release` is set or it is cancelled, so the window is closed while it surely runs."""

    def hold(*_args: object) -> None:
        job = jobs[-1]
        deadline = time.monotonic() + HOLD_SECONDS
        while not (release.is_set() or job.cancel_requested.is_set()):
            if time.monotonic() > deadline:
                return
            release.wait(0.01)

    def on_started(job, _title: str) -> None:
        jobs.append(job)
        job.progressed.connect(hold, Qt.ConnectionType.DirectConnection)

    window.session.job_started.connect(on_started)


def answer_when_asked(qtbot, answer) -> dict:
    """Once the close question is up, record how it is set up and answer it with `answer(box)`."""
    seen: dict = {}

    def respond() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, respond)
            return
        seen["text"] = box.text()
        seen["default"] = box.standardButton(box.defaultButton())
        seen["escape"] = box.standardButton(box.escapeButton())
        answer(box)

    QTimer.singleShot(0, respond)
    return seen
