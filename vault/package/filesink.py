"""A folder package's files made on a second thread (issue 17).

Making thousands of small files is mostly the kernel's work (mkdir, create, write, close:
system calls that release the GIL), while the export's own work (reading items and their
signed records, hashing, case.json) is Python's. A `FileSink` takes the files in order and
makes them on its own thread, so the two overlap on two cores. What waits to be written
is bounded: at most QUEUED batches of at most BATCH_FILES files or BATCH_BYTES bytes (one
piece of a large file may exceed it: a piece as read, up to the blob store's 1 MiB).
A failure on the thread (a full disk) is raised in the exporting thread at its next
write, at `drain` or at `finish`; `stop` ends the thread without making the rest.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Sequence

from vault.private import FILE_MODE, FOLDER_MODE, create_fd, make_folder, umask_spares_owner

QUEUED = 8
BATCH_FILES = 64
BATCH_BYTES = 1 << 20

# (folders to make first, the file to create or None to go on with the open one, bytes
# to append to it, whether that ends the file)
_Piece = tuple[Sequence[str], str | None, bytes, bool]


class FileSink:
    """Files made in the order given, on a thread of their own."""

    def __init__(self) -> None:
        self._queue: queue.Queue[list[_Piece] | None] = queue.Queue(QUEUED)
        self._batch: list[_Piece] = []
        self._bytes = 0
        self._fd = -1  # the file being written (on the thread)
        self._error: BaseException | None = None
        self._stopping = False
        self._exact = umask_spares_owner()  # read once, on this thread
        self._thread = threading.Thread(target=self._run, name="package-files", daemon=True)
        self._thread.start()

    def write(self, folders: Sequence[str], path: str | None, data: bytes, last: bool) -> None:
        """Queue one piece: make `folders`, create `path` (unless None: the file the last
        piece left open), append `data`, and close the file when `last`."""
        self._batch.append((folders, path, data, last))
        self._bytes += len(data)
        if len(self._batch) >= BATCH_FILES or self._bytes >= BATCH_BYTES:
            self._send()

    def flush(self) -> None:
        """Hand what is queued to the thread now (without waiting for it to be made)."""
        self._send()

    def drain(self) -> None:
        """Wait until every file queued so far is made; raises what made one fail. The
        thread goes on taking files."""
        self._send()
        self._queue.join()
        if self._error is not None:
            raise self._error

    def finish(self) -> None:
        """Wait until every queued file is made and closed; raises what made one fail."""
        self._send()
        self._end()
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """End the thread without making what is still queued (the export failed)."""
        self._stopping = True
        self._batch = []
        self._end()

    def _send(self) -> None:
        if self._error is not None:
            raise self._error
        if self._batch:
            self._queue.put(self._batch)
            self._batch, self._bytes = [], 0

    def _end(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)  # the thread keeps taking batches, so there will be room
            self._thread.join()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            try:
                if not self._stopping and self._error is None:  # else taken and dropped,
                    self._make(batch)  # so that a waiting put never blocks for good
            except BaseException as error:  # noqa: BLE001 - raised in the exporting thread
                self._error = error
            finally:
                self._queue.task_done()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _make(self, batch: list[_Piece]) -> None:
        for folders, path, data, last in batch:
            for folder in folders:  # every item's, when made ahead: a stop need not wait
                if self._stopping:
                    return
                self._make_folder(folder)
            if path is not None:
                self._fd = self._create(path)
            view = memoryview(data)
            while view:  # a regular file takes it all at once; a short write goes on
                view = view[os.write(self._fd, view) :]
            if last:
                fd, self._fd = self._fd, -1
                os.close(fd)

    def _make_folder(self, folder: str) -> None:
        if self._exact:
            os.mkdir(folder, FOLDER_MODE)  # mode 0700 exactly: the umask spares the owner
        else:
            make_folder(folder)

    def _create(self, path: str) -> int:
        if self._exact:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
        return create_fd(path)
