"""The evidence list's reads off the UI thread (issue 17 §4).

A paint must not wait for the case file: one thread with a read-only connection of its own
(`CaseFile.reader()`, no second key derivation) reads, in order of urgency,

1. the thumbnails of painted rows, each checked against its item's signed record
   (`vault.evidence.items.thumbnail`), blurred when hidden, decoded and scaled to a small
   QImage (QImage is safe off the UI thread; a QPixmap is made on the UI thread);
2. rows the paint did not find and the windows ahead of the scroll, checked against their
   signed records by the same `ItemLister.rows` the UI thread uses;
3. the count of items with warnings, one SQL count per span of row keys.

Results come back as signals, queued to the UI thread, tagged with the generation they were
asked in: what was asked before the list was reset is dropped. `stop()` interrupts the
running query and waits for the thread, before the case file closes.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import threading
from collections.abc import Callable, Sequence

import sqlcipher3.dbapi2 as sqlcipher
from PySide6.QtCore import QObject, Signal

from ui.widgets.thumbnail_cache import decode_image
from vault.evidence.items import thumbnail
from vault.evidence.listing import ItemLister

log = logging.getLogger(__name__)

THUMBNAIL, ROWS, COUNT = range(3)  # priorities: lower runs first
COUNT_SPAN = 5_000  # row keys per count query: more urgent reads go in between

Blur = Callable[[bytes], bytes | None]
_Task = Callable[[sqlcipher.Connection, ItemLister], None]


class ListReader(QObject):
    """Emits `thumbnail_read(generation, item id, QImage | None)`,
    `rows_read(generation, keys asked, {key: ItemRow})` and
    `warned_counted(after key, upto key, count)`, and `unread(item ids, row keys)` for
    reads that failed (asked again when painted again)."""

    thumbnail_read = Signal(int, str, object)
    rows_read = Signal(int, object, object)
    warned_counted = Signal(int, int, int)
    unread = Signal(object, object)

    def __init__(self, connect: Callable[[], sqlcipher.Connection], blur: Blur) -> None:
        super().__init__()
        self._connect = connect
        self._blur = blur
        self._tasks: queue.PriorityQueue[tuple[int, int, _Task | None]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._conn: sqlcipher.Connection | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vault-list-reader", daemon=True)
        self._thread.start()

    def thumbnail(self, generation: int, item_id: str, hidden: bool) -> None:
        """Read, check and decode the item's thumbnail (`hidden`: blurred first)."""

        def task(conn: sqlcipher.Connection, _lister: ItemLister) -> None:
            try:
                data = thumbnail(conn, item_id)
            except sqlcipher.Error:
                self.unread.emit([item_id], [])
                raise
            if data and hidden:
                data = self._blur(data)
            self.thumbnail_read.emit(generation, item_id, decode_image(data))

        self._put(THUMBNAIL, task)

    def rows(self, generation: int, keys: Sequence[int]) -> None:
        """Read and check the rows of `keys`."""
        wanted = list(keys)

        def task(_conn: sqlcipher.Connection, lister: ItemLister) -> None:
            try:
                rows = lister.rows(wanted)
            except sqlcipher.Error:
                self.unread.emit([], wanted)
                raise
            self.rows_read.emit(generation, wanted, rows)

        self._put(ROWS, task)

    def count_warned(self, after: int, upto: int) -> None:
        """Count the items with warnings among keys (after, upto], a span at a time; the
        total is emitted once, with `upto`."""
        spans = [(low, min(low + COUNT_SPAN, upto)) for low in range(after, upto, COUNT_SPAN)]
        found = {"count": 0, "failed": 0}

        def span(low: int, high: int) -> _Task:
            def task(_conn: sqlcipher.Connection, lister: ItemLister) -> None:
                try:
                    found["count"] += lister.warned(low, high)
                except sqlcipher.Error:
                    found["failed"] += 1  # no count is shown rather than a wrong one
                    raise
                if high == upto and not found["failed"]:
                    self.warned_counted.emit(after, upto, found["count"])

            return task

        for low, high in spans:
            self._put(COUNT, span(low, high))

    def stop(self) -> None:
        """Drop what is queued, interrupt what runs and wait for the thread (the case file
        closes after this)."""
        self._stopping.set()
        conn = self._conn
        if conn is not None:
            with contextlib.suppress(sqlcipher.Error):  # it closed meanwhile
                conn.interrupt()
        self._tasks.put((-1, -1, None))
        self._thread.join()

    def _put(self, priority: int, task: _Task) -> None:
        if not self._stopping.is_set():
            self._tasks.put((priority, next(self._order), task))

    def _run(self) -> None:
        try:
            conn = self._conn = self._connect()
        except sqlcipher.Error as err:  # the case closed as it opened: nothing to read
            log.info("list reader did not start: %s", type(err).__name__)
            return
        try:
            lister = ItemLister(conn)
            while not self._stopping.is_set():
                task = self._tasks.get()[2]
                if task is None:
                    break
                self._attempt(task, conn, lister)
        finally:
            self._conn = None
            conn.close()

    def _attempt(self, task: _Task, conn: sqlcipher.Connection, lister: ItemLister) -> None:
        """A read that fails (interrupted at lock, the file busy past its timeout) shows
        nothing new: the row or thumbnail is asked again when painted again."""
        try:
            task(conn, lister)
        except sqlcipher.Error as err:
            log.info("list read failed: %s", type(err).__name__)
