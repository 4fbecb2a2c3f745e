"""The app's background threads run at a lower priority than its UI thread (issue 17 §4).

On a busy machine (two cores, other programs running) the window waits in the run queue
behind everything runnable, the app's own background threads included. The scheduler
prefers the UI thread over threads set lower, so the window keeps up while a count or an
import goes on, and a background thread still gets every core nobody else wants.
"""

from __future__ import annotations

import os
import sys
import threading

from PySide6.QtCore import QThread

# Nice steps below the process: preferred well less than the UI thread, never starved (a
# thread starved while it holds the GIL would stall the UI thread waiting for it).
BACKGROUND_NICE = 5


def lower_this_thread() -> None:
    """Lower the calling thread's priority (call it first thing in the thread).

    Linux schedules every thread on its own: its nice value is set on its thread id. On
    Windows and macOS `start_low()` sets a QThread's priority; a plain Python thread there
    keeps the process's."""
    if sys.platform != "linux":
        return
    tid = threading.get_native_id()
    try:
        nice = os.getpriority(os.PRIO_PROCESS, tid) + BACKGROUND_NICE
        os.setpriority(os.PRIO_PROCESS, tid, min(nice, 19))
    except OSError:  # a sandbox refusing it: the thread keeps the process's priority
        return


def start_low(thread: QThread) -> None:
    """Start a QThread at a low priority (Qt's, for Windows and macOS; on Linux Qt cannot
    lower a normal thread's priority, and the thread calls `lower_this_thread()`)."""
    thread.start(QThread.Priority.LowPriority)
