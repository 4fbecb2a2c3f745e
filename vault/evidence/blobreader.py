"""Random access to a stored original, straight from the case file's chunks.

Playback (the app's QIODevice), report strips and saved frames read media this way: a
decoder seeks around a video, and the original never exists as a plaintext file on disk.
"""

from __future__ import annotations

import bisect
import threading

import sqlcipher3.dbapi2 as sqlcipher

from vault.errors import NotFound


class BlobReader:
    """`read_at(offset, n)` over a blob's chunks; safe to call from several threads (calls
    are serialised, since one SQLite connection serves them). Keeps one chunk cached: a
    decoder reads small pieces in order most of the time."""

    def __init__(self, conn: sqlcipher.Connection, blob_id: int) -> None:
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

    def read_at(self, offset: int, n: int) -> bytes:
        """Up to `n` bytes from `offset` (fewer only at the end)."""
        if offset < 0 or n <= 0 or offset >= self.size:
            return b""
        parts: list[bytes] = []
        end = min(self.size, offset + n)
        with self._lock:
            while offset < end:
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
            row = self._conn.execute(
                "SELECT data FROM chunks WHERE blob_id = ? AND n = ?",
                (self._blob, self._numbers[index]),
            ).fetchone()
            self._cached = (index, bytes(row[0]) if row else b"")
        return self._cached[1]
