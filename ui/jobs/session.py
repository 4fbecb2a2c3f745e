"""The open case as the window sees it, and the one rule about its connection: while a
job writes on its thread, the main thread does not query the case.

Widgets ask `session.busy` before reading; the session announces when a job starts and
ends, and when the case changed so that views reload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ui.jobs.worker import Job, Task
from vault.case.handle import Case
from vault.case.view import CaseReader


def _ignore(_value: object) -> None:
    pass


class CaseSession(QObject):
    """One open case and at most one job running on it."""

    job_started = Signal(object, str)  # the Job (not yet started) and what it does
    job_ended = Signal()
    case_changed = Signal()

    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case: Case | None = case
        self.job: Job | None = None
        # One reader per open case: it keeps what is costly to rebuild (the chains of hands,
        # rebuilt only when the log grows), which a new reader per read built again at every
        # selection (20 s at 100,000 entries).
        self._reader: tuple[Case, CaseReader] | None = None
        self._handlers: tuple[Callable[[Any], None], Callable[[BaseException], None]] = (
            _ignore,
            _ignore,
        )

    @property
    def busy(self) -> bool:
        return self.job is not None

    @property
    def reader(self) -> CaseReader:
        """The read-only view the window reads the case through (never `case.conn`)."""
        assert self.case is not None, "the case is locked"
        if self._reader is None or self._reader[0] is not self.case:
            self._reader = (self.case, CaseReader(self.case))
        return self._reader[1]

    @property
    def open(self) -> bool:
        return self.case is not None

    def run(
        self,
        task: Task,
        title: str,
        on_succeeded: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> Job:
        """Start `task` on a worker thread. Every connection is made before the thread
        starts, so no signal is missed. MUST NOT be called while another job runs."""
        if self.busy:
            raise RuntimeError("a job is already running on this case")
        job = Job(task)
        self._handlers = (on_succeeded, on_failed)
        job.succeeded.connect(self.on_job_succeeded)
        job.failed.connect(self.on_job_failed)
        job.finished.connect(self.on_job_finished)
        self.job = job
        self.job_started.emit(job, title)
        job.start()
        return job

    def on_job_succeeded(self, result: Any) -> None:
        # Once the case is closed (lock, quit) a late result has nobody to show it to, and
        # must not be: an import summary names files of a case that is now locked.
        if self.case is not None:
            self._handlers[0](result)

    def on_job_failed(self, err: BaseException) -> None:
        if self.case is not None:
            self._handlers[1](err)

    def on_job_finished(self) -> None:
        job, self.job = self.job, None
        if job is not None:
            # Qt emits `finished` from the job's thread just before it ends: wait for the
            # end (a moment) so that dropping the job never destroys a running QThread.
            job.wait()
        self.job_ended.emit()
        self.case_changed.emit()

    def stop_job(self) -> None:
        """Cancel a running job and wait until it has let go of the case."""
        if self.job is not None:
            self.job.cancel()
            self.job.wait()

    def close(self) -> None:
        """Stop any job and close the case file; nothing of the case stays in memory here."""
        self.stop_job()
        if self.case is not None:
            self.case.close()
            self.case = None
