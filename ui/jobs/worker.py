"""The one worker idiom of the app: long core work runs in a QThread and reports back
through signals; widgets are only ever touched on the main thread.

A task is a plain function `task(ctx) -> result` that calls the core with
`ctx.progress`, `ctx.cancelled` and `ctx.file_started` as its callbacks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ui.jobs.priority import lower_this_thread, start_low

log = logging.getLogger(__name__)
PROGRESS_INTERVAL = 0.05


class JobContext:
    """What a task gets: callbacks that re-emit as signals, and the cancel flag."""

    def __init__(self, job: Job) -> None:
        self._job = job
        self._last_emit = 0.0

    def progress(self, done: int, total: int) -> None:
        """Re-emitted at most every PROGRESS_INTERVAL s (and at the end), so a fast task
        cannot flood the main thread's event queue."""
        now = time.monotonic()
        if done >= total or now - self._last_emit >= PROGRESS_INTERVAL:
            self._last_emit = now
            self._job.progressed.emit(done, total)

    def file_started(self, name: str) -> None:
        self._job.file_started.emit(name)

    def cancelled(self) -> bool:
        return self._job.cancel_requested.is_set()


Task = Callable[[JobContext], Any]


class Job(QObject):
    """One task on its own thread. Emits `succeeded(result)` or `failed(error)`, then
    `finished()` once the thread has let go of the case."""

    progressed = Signal(int, int)
    file_started = Signal(str)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, task: Task) -> None:
        super().__init__()
        self._task = task
        self.cancel_requested = threading.Event()
        self._thread = QThread()
        self._thread.setObjectName("vault-job")
        self.moveToThread(self._thread)
        self._thread.started.connect(self._run)
        self._thread.finished.connect(self.finished)

    def start(self) -> None:
        # Below the UI thread, which then keeps up while an import runs on a busy machine.
        start_low(self._thread)

    def cancel(self) -> None:
        """Ask the task to stop at its next check; what finished stays (the core's contract)."""
        self.cancel_requested.set()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self) -> None:
        """Block until the thread has ended (used at lock and shutdown)."""
        self._thread.wait()

    @Slot()
    def _run(self) -> None:
        lower_this_thread()
        try:
            result = self._task(JobContext(self))
        except Exception as err:  # noqa: BLE001 - every failure must reach the user
            log.info("job failed: %s", type(err).__name__)
            self.failed.emit(err)
        else:
            self.succeeded.emit(result)
        finally:
            self._thread.quit()
