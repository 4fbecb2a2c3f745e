"""The evidence list's "with warnings: N", counted off the UI thread (issue 17 §4).

Counting the items with warnings reads and checks every item against its signed record
(the count shown is evidence too): seconds at 100,000 items. `WarnedCounter` counts in a
plain Python thread, on a read-only connection of its own (`CaseReader.own_connection`,
made on the UI thread before the thread starts, closed by the thread when it ends), one
span of row keys at a time (`count_warned`, a few short reads each), so a writer waits
for a read at most. Items are never deleted and their signed warnings never change: what
was counted stays counted, and a later count reads only the keys added since.

The count must not slow the window down (issue 17 §4). Its checks are Python work: a
thread doing them takes the GIL the UI thread needs to paint, and a core from it on a busy
machine (scrolling a 100,000-item list on 2 busy cores, a paint of ~7 ms of the UI thread's
CPU took a median 19 ms with the count running, 15 ms without). So the thread
runs below the UI thread's priority (ui/jobs/priority.py), and between spans it waits while
the list scrolls (`hold()`, from the list's scroll bar) until the list has been still for
HOLD_MS; a span of SPAN keys is ~15 ms of checks, so a hold takes effect soon.

Thread lifecycle, the whole of it:
- the thread creates no Qt object and touches none but two signals of the counter, which
  lives on the UI thread; it emits plain ints, queued to the UI thread (the only Qt object
  made for the thread is Qt's own record of it, made and freed in the thread itself);
- `stop()` sets a flag, wakes a held thread, interrupts the running query and joins the
  thread. The workspace calls it when a job starts (a job's writes never wait for the
  count), when the case closes or locks, when its window is rebuilt or closes, and when the
  app quits;
- a thread ends on its own once it has counted; one runs at a time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import sqlcipher3.dbapi2 as sqlcipher
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from ui.jobs.priority import lower_this_thread
from vault.evidence.listing import ItemLister, count_warned

log = logging.getLogger(__name__)

# Every thread the evidence list starts is named with this prefix (tests check that none is
# left running once a window has closed).
WORKER_PREFIX = "vault-list-"
SPAN = 200  # row keys per count query: a writer (a note, an import) or a hold waits less
HOLD_MS = 250  # a held count goes on once the list has been still this long


class WarnedCounter(QObject):
    """Emits `counted(upto_key, n)`: `n` items with a row key up to `upto_key` carry
    warnings (emitted when a count reaches the key it was asked for)."""

    counted = Signal(int, int)
    _span_counted = Signal(int, int, int, int)  # run, after key, upto key, count (queued)
    _ended = Signal(int, bool)  # run, whether it counted every span it was given

    def __init__(self, connect: Callable[[], sqlcipher.Connection]) -> None:
        super().__init__()
        self._connect = connect
        self._upto, self._count = 0, 0  # counted so far (UI thread only)
        self._target = 0  # the key the current count goes to
        self._run = 0  # bumped for every thread: a stopped thread's late spans are dropped
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._go = threading.Event()  # cleared while the list scrolls: the thread waits
        self._go.set()
        self._resume = QTimer(self)
        self._resume.setSingleShot(True)
        self._resume.setInterval(HOLD_MS)
        self._resume.timeout.connect(self._go.set)
        self._lock = threading.Lock()  # the running thread's connection: interrupt vs close
        self._conn: sqlcipher.Connection | None = None
        queued = Qt.ConnectionType.QueuedConnection
        self._span_counted.connect(self._on_span_counted, queued)
        self._ended.connect(self._on_ended, queued)

    @property
    def upto(self) -> int:
        """The row key counted up to (0: nothing counted yet)."""
        return self._upto

    @property
    def warned(self) -> int:
        """How many items up to `upto` carry warnings."""
        return self._count

    def running(self) -> bool:
        return self._thread is not None

    def count_to(self, last_key: int) -> None:
        """Count the keys not counted yet, up to `last_key` (no-op when counted already; a
        count running goes on, and the rest is counted once it ends)."""
        self._target = max(self._target, last_key)
        if self._thread is not None or self._upto >= self._target:
            return
        try:
            conn = self._connect()
        except sqlcipher.Error as err:  # the file busy: counted at the next reload
            log.info("warnings count not started: %s", type(err).__name__)
            return
        self._run += 1
        self._stopping.clear()
        self._conn = conn
        self._thread = threading.Thread(
            target=self._count_spans,
            args=(self._run, conn, self._upto, self._target),
            name=f"{WORKER_PREFIX}warned-count",
            daemon=True,
        )
        self._thread.start()

    def hold(self) -> None:
        """Pause the count after its current span until HOLD_MS pass without another
        hold (the list scrolls: its paints get the GIL and the core)."""
        self._go.clear()
        self._resume.start()

    def stop(self) -> None:
        """Interrupt the count and wait for its thread (what it counted in whole spans and
        was taken in stays counted). Safe to call at any time, again and again."""
        thread = self._thread
        if thread is None:
            return
        self._stopping.set()
        self._go.set()  # a held thread wakes to see the stop flag
        with self._lock:
            if self._conn is not None:
                self._conn.interrupt()
        thread.join()
        self._thread = None
        self._run += 1  # its spans still queued are dropped

    def forget(self) -> None:
        """Stop, and count from nothing next time (another case)."""
        self.stop()
        self._upto = self._count = self._target = 0

    def _count_spans(self, run: int, conn: sqlcipher.Connection, after: int, upto: int) -> None:
        """The thread: spans of SPAN keys until `upto`, the stop flag or a failed read."""
        whole = False
        lower_this_thread()
        try:
            lister = ItemLister(conn)
            for low in range(after, upto, SPAN):
                self._go.wait()  # not a sleep: woken by the end of a hold, or by stop()
                if self._stopping.is_set():
                    break
                high = min(low + SPAN, upto)
                self._span_counted.emit(run, low, high, count_warned(lister, low, high))
            else:
                whole = True
        except sqlcipher.Error as err:  # interrupted, or the file busy past its timeout
            log.info("warnings count stopped: %s", type(err).__name__)
        finally:
            with self._lock:
                self._conn = None
                conn.close()
            self._ended.emit(run, whole)

    def _on_span_counted(self, run: int, after: int, upto: int, count: int) -> None:
        if run != self._run or after != self._upto:
            return
        self._upto, self._count = upto, self._count + count
        if upto >= self._target:
            self.counted.emit(self._upto, self._count)

    def _on_ended(self, run: int, whole: bool) -> None:
        """The thread has ended (or is about to): join it, and count the items listed
        meanwhile. After a failed read nothing is retried until the list reloads (a count
        not finished shows none rather than a wrong one)."""
        if run != self._run or self._thread is None:
            return
        self._thread.join()
        self._thread = None
        if whole and self._upto < self._target:
            self.count_to(self._target)
