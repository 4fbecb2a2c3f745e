"""Random access to a stored original, straight from the case file's chunks.

Playback (the app's QIODevice), report strips and saved frames read media this way: a
decoder seeks around a video, and the original never exists as a plaintext file on disk.
"""

from __future__ import annotations

import bisect
import threading
import time

import sqlcipher3.dbapi2 as sqlcipher

from vault.errors import NotFound


class BlobReader:
    """`read_at(offset, n)` over a blob's chunks; safe to call from several threads (calls
    are serialised, since one SQLite connection serves them). Keeps one chunk cached: a
    decoder reads small pieces in order most of the time.

    With `owns_connection` the reader has a connection of its own (playback's, see
    `CaseFile.reader`) and closes it in `close()`. Such a connection shares the file with a
    job that may be writing: while the writer holds the file for a moment (a commit), a
    read waits for it, up to `wait` seconds, rather than ending the stream."""

    def __init__(
        self,
        conn: sqlcipher.Connection,
        blob_id: int,
        *,
        owns_connection: bool = False,
        wait: float = 30.0,
    ) -> None:
        rows = conn.execute(
            "SELECT n, length(data) FROM chunks WHERE blob_id = ? ORDER BY n", (blob_id,)
        ).fetchall()
        if (
            not rows
            and conn.execute("SELECT 1 FROM blobs WHERE id = ?", (blob_id,)).fetchone() is None
        ):
            raise NotFound()
        self._conn, self._blob = conn, blob_id
        self._numbers = [int(n) for n, _length in rows]
        self._starts: list[int] = []
        position = 0
        for _n, length in rows:
            self._starts.append(position)
            position += int(length)
        self.size = position
        self._lock = threading.Lock()
        self._cached: tuple[int, bytes] = (-1, b"")
        self._owns, self._wait, self._closed = owns_connection, wait, False

    @property
    def closed(self) -> bool:
        """Whether `close()` was called: every read returns b"" from then on."""
        return self._closed

    def close(self) -> None:
        """No more reads (they return b""); the reader's own connection is closed. A read
        in flight, even one waiting out a writer, gives up within one busy timeout."""
        self._closed = True  # first, so a read waiting for the writer gives up
        with self._lock:
            if self._owns:
                self._conn.close()

    def read_at(self, offset: int, n: int) -> bytes:
        """Up to `n` bytes from `offset` (fewer only at the end)."""
        if offset < 0 or n <= 0 or offset >= self.size:
            return b""
        parts: list[bytes] = []
        end = min(self.size, offset + n)
        with self._lock:
            while offset < end and not self._closed:
                index = bisect.bisect_right(self._starts, offset) - 1
                data = self._chunk(index)
                if not data:
                    break  # a missing chunk: verification reports it; the reader just ends
                piece = data[offset - self._starts[index] : end - self._starts[index]]
                parts.append(piece)
                offset += len(piece)
        return b"".join(parts)

    def _chunk(self, index: int) -> bytes:
        if self._cached[0] != index:
            rows = self._select(index)
            if rows is None:
                return b""  # gave up waiting: this read ends short, a later one tries again
            self._cached = (index, bytes(rows[0][0]) if rows else b"")
        return self._cached[1]

    def _select(self, index: int) -> list[tuple[bytes]] | None:
        # fetchall: the statement ends at once, so a writer waiting to commit is not held up.
        query = "SELECT data FROM chunks WHERE blob_id = ? AND n = ?"
        args = (self._blob, self._numbers[index])
        give_up = time.monotonic() + self._wait
        while True:
            try:
                return self._conn.execute(query, args).fetchall()
            except sqlcipher.OperationalError as err:
                # "database is locked": a job is writing; its connection's busy timeout
                # already waited a while. Only a reader of its own waits longer.
                if not self._owns or "locked" not in str(err):
                    raise
                if self._closed or time.monotonic() > give_up:
                    return None
