"""Python's cyclic garbage collector, run on the UI thread only, between events.

CPython collects cycles in whichever thread crosses an allocation threshold, at whatever
line it has reached. A job's thread allocates the most (a report lays out thousands of
paragraphs), so a collection there can destroy a window's QObject caught in a reference
cycle from the wrong thread; and a collection started inside a widget's event handler can
free widgets Qt is still dispatching to. Either ends in a segfault: `make test` crashed
twice in tests/gui/test_screens.py with the UI thread garbage-collecting while a report
job ran. So the app turns automatic collection off and collects from a timer on the UI
thread, generation by generation as CPython would (the pattern calibre and pyqtgraph use).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 100  # cycles of garbage wait at most this long, with the event loop running


class UiThreadCollector(QObject):
    """While it exists and is installed, only the UI thread collects cyclic garbage."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)

    def install(self) -> None:
        gc.disable()
        self._timer.start(INTERVAL_MS)

    def uninstall(self) -> None:
        """Back to CPython's own collector (a test session's other tests)."""
        self._timer.stop()
        gc.enable()

    def collect_due(self) -> int:
        """Collect the oldest generation whose threshold is crossed, as CPython would;
        returns the generation collected, -1 when none was due."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return -1
        generation = next(g for g in (2, 1, 0) if g == 0 or counts[g] > thresholds[g])
        gc.collect(generation)
        return generation


def collect_on_ui_thread(app: QObject) -> UiThreadCollector:
    """Install the app's collector (once: a second call returns the first)."""
    found = app.findChild(UiThreadCollector)
    if found is None:
        found = UiThreadCollector(app)
        found.install()
    return found
