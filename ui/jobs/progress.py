"""The progress strip at the bottom of the window: what runs, the current file, how much
is done, the time left, and Cancel."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from ui.jobs.worker import Job
from ui.widgets.text import display_text, plain_label
from vault.i18n import _

MIN_SECONDS_FOR_ESTIMATE = 1.0


def time_left(elapsed: float, done: int, total: int) -> str:
    """'about N s/min left', or '' while too early to tell."""
    if done <= 0 or total <= 0 or elapsed < MIN_SECONDS_FOR_ESTIMATE:
        return ""
    seconds = int(elapsed * (total - done) / done)
    if seconds < 90:
        return _("{n} s left").format(n=seconds)
    return _("{n} min left").format(n=round(seconds / 60))


class JobProgress(QWidget):
    """Follows one Job at a time; hidden when nothing runs."""

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName(_("Task progress"))
        self.label = plain_label(_("Current task"), wrap=False)
        self.bar = QProgressBar()
        self.bar.setAccessibleName(_("Progress"))
        self.bar.setRange(0, 1000)
        self.cancel = QPushButton(_("Cancel"))
        self.cancel.setAccessibleName(_("Cancel the task"))
        self.cancel.clicked.connect(self.on_cancel_clicked)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 2)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel)
        self._job: Job | None = None
        self._title = ""
        self._file = ""
        self._started = 0.0
        self.hide()

    def track(self, job: Job, title: str) -> None:
        self._job, self._title, self._file = job, title, ""
        self._started = time.monotonic()
        self.bar.setValue(0)
        self.cancel.setEnabled(True)
        self.label.setText(title)
        job.progressed.connect(self.on_job_progressed)
        job.file_started.connect(self.on_job_file_started)
        self.show()

    def on_job_file_started(self, name: str) -> None:
        self._file = display_text(name, limit=80)

    def on_job_progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setValue(int(1000 * done / total))
        left = time_left(time.monotonic() - self._started, done, total)
        self.label.setText(" · ".join(p for p in (self._title, self._file, left) if p))

    def on_cancel_clicked(self) -> None:
        # Called directly, not through a queued signal: the job's thread is busy working.
        if self._job is not None:
            self._job.cancel()
        self.cancel.setEnabled(False)
        self.label.setText(_("Stopping after the current file… what finished is kept."))

    def on_job_finished(self) -> None:
        """Connected to the session's `job_ended` (not the job's own `finished`), so the bar
        is gone by the time the session is no longer busy: no moment shows both."""
        self._job = None
        self.hide()
