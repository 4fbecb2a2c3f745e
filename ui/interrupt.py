"""Ctrl+C (SIGINT) and SIGTERM end the desktop app cleanly, from a terminal or under
`xvfb-run`: the running task is stopped (what finished is kept and logged), the case is
closed, and the event loop returns — no traceback.

Python runs a signal handler only between bytecodes, and Qt's event loop runs in C++, so a
plain handler would wait for the next mouse move. The C-level handler therefore also writes
the signal's number to a pipe (`signal.set_wakeup_fd`) that a `QSocketNotifier` watches: the
loop wakes at once and runs the Python handler. Where a pipe cannot be watched (Windows), a
slow timer gives Python the same chance.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier, QTimer

WINDOWS_POLL_MS = 250
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class InterruptHandler(QObject):
    """While it lives, SIGINT and SIGTERM call `on_interrupt(signum)` on the event loop."""

    def __init__(self, on_interrupt: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_interrupt = on_interrupt
        self._previous = {sig: signal.signal(sig, self._handle) for sig in SIGNALS}
        self._fds: tuple[int, int] | None = None
        if os.name == "posix":
            read_fd, write_fd = os.pipe()
            os.set_blocking(write_fd, False)
            os.set_blocking(read_fd, False)
            self._fds = (read_fd, write_fd)
            self._old_wakeup = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
            self._notifier = QSocketNotifier(read_fd, QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(self._drain)
        else:
            self._timer = QTimer(self)
            self._timer.timeout.connect(lambda: None)  # Python runs pending handlers here
            self._timer.start(WINDOWS_POLL_MS)

    def _drain(self) -> None:
        """The wakeup bytes are only a knock: the Python handler has run by now."""
        if self._fds is not None:
            try:
                while os.read(self._fds[0], 64):
                    pass
            except BlockingIOError:
                pass

    def _handle(self, signum: int, _frame: object) -> None:
        # Deferred to the loop: a handler may run in the middle of any Python code.
        QTimer.singleShot(0, lambda: self._on_interrupt(signum))

    def uninstall(self) -> None:
        """Give the signals back to their previous handlers and close the pipe."""
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        if self._fds is not None:
            signal.set_wakeup_fd(self._old_wakeup)
            self._notifier.setEnabled(False)
            for fd in self._fds:
                os.close(fd)
            self._fds = None
