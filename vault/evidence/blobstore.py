"""Content-addressed storage of originals inside the case file, in 1 MiB chunks.

Bytes are hashed in the same pass that stores them, so a file larger than memory streams
in and out. Identical content is stored once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from vault.errors import Cancelled, NotFound

CHUNK_SIZE = 1 << 20


@dataclass(frozen=True)
class StoredBlob:
    id: int
    sha256: str
    size: int
    new: bool  # False when identical content was already in the case


def store_stream(
    conn: sqlcipher.Connection,
    read: Callable[[int], bytes],
    on_bytes: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> StoredBlob:
    """Store everything `read` yields. MUST be called inside a transaction.

    Content that fits in one chunk (a photo) is hashed before it is stored, so content
    already in the case costs no write. Anything larger goes in chunk by chunk under a fresh
    blob id inside a savepoint that is rolled back when the content, hashed on the way,
    turns out to be stored already.
    """
    digest = hashlib.sha256()
    chunks = _read_ahead(read, digest)
    first = next(chunks, b"")
    second = next(chunks, None) if first else None
    if second is None:
        return _store_whole(conn, first, digest.hexdigest(), on_bytes, cancelled)
    return _store_chunks(conn, chain((first, second), chunks), digest, on_bytes, cancelled)


def _store_whole(conn: sqlcipher.Connection, data: bytes, sha256: str,
                 on_bytes: Callable[[int], None] | None,
                 cancelled: Callable[[], bool] | None) -> StoredBlob:  # fmt: skip
    """One chunk's worth, its hash known: three statements instead of seven (issue 17)."""
    if cancelled and cancelled():
        raise Cancelled()
    existing = conn.execute("SELECT id, size FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
    if on_bytes and data:
        on_bytes(len(data))
    if existing:
        return StoredBlob(existing[0], sha256, existing[1], new=False)
    blob_id = conn.execute(
        "INSERT INTO blobs (sha256, size) VALUES (?, ?)", (sha256, len(data))
    ).lastrowid
    assert blob_id is not None  # an INSERT always sets it
    if data:
        conn.execute("INSERT INTO chunks (blob_id, n, data) VALUES (?, 0, ?)", (blob_id, data))
    return StoredBlob(blob_id, sha256, len(data), new=True)


def _store_chunks(conn: sqlcipher.Connection, chunks: Iterator[bytes], digest: Any,
                  on_bytes: Callable[[int], None] | None,
                  cancelled: Callable[[], bool] | None) -> StoredBlob:  # fmt: skip
    conn.execute("SAVEPOINT store_blob")
    blob_id = conn.execute("INSERT INTO blobs (sha256, size) VALUES (NULL, 0)").lastrowid
    assert blob_id is not None  # an INSERT always sets it
    size, n = 0, 0
    for chunk in chunks:
        if cancelled and cancelled():
            conn.execute("ROLLBACK TO store_blob")
            raise Cancelled()
        conn.execute("INSERT INTO chunks (blob_id, n, data) VALUES (?, ?, ?)", (blob_id, n, chunk))
        size, n = size + len(chunk), n + 1
        if on_bytes:
            on_bytes(len(chunk))
    sha256 = digest.hexdigest()
    existing = conn.execute("SELECT id, size FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
    if existing:
        conn.execute("ROLLBACK TO store_blob")
        conn.execute("RELEASE store_blob")
        return StoredBlob(existing[0], sha256, existing[1], new=False)
    conn.execute("UPDATE blobs SET sha256 = ?, size = ? WHERE id = ?", (sha256, size, blob_id))
    conn.execute("RELEASE store_blob")
    return StoredBlob(blob_id, sha256, size, new=True)


def store_bytes(conn: sqlcipher.Connection, data: bytes) -> StoredBlob:
    """Store a small blob held in memory (a time-stamp token, a CA file); inside an act."""
    chunks = iter([data])
    return store_stream(conn, lambda _n: next(chunks, b""))


def _read_ahead(read: Callable[[int], bytes], digest: Any) -> Iterator[bytes]:
    """Chunks of `read`, hashed into `digest`; the next chunk is read and hashed in a helper
    thread while the caller stores this one. File reads, hashing and SQLCipher's encryption
    all release the GIL, so they overlap."""

    def next_chunk() -> bytes:
        chunk = read(CHUNK_SIZE)
        digest.update(chunk)
        return chunk

    chunk = next_chunk()
    if len(chunk) < CHUNK_SIZE:  # a small file, the common case: a thread would cost more
        while chunk:
            yield chunk
            chunk = next_chunk()
        return
    from concurrent.futures import ThreadPoolExecutor  # with logging: not for every start-up

    with ThreadPoolExecutor(1) as reader:
        while chunk:
            pending = reader.submit(next_chunk)
            yield chunk
            chunk = pending.result()


def blob_chunks(conn: sqlcipher.Connection, blob_id: int) -> Iterator[bytes]:
    """The stored bytes, chunk by chunk, in order (bounded memory). One query per blob, not
    one per chunk: an export or verify of many small items pays it once for each."""
    expected = 0
    rows = conn.execute("SELECT n, data FROM chunks WHERE blob_id = ? ORDER BY n", (blob_id,))
    for n, data in rows:
        if n != expected:
            return  # a missing chunk shows up as a hash mismatch, never as an exception
        yield bytes(data)
        expected += 1
    if (
        expected == 0
        and conn.execute("SELECT 1 FROM blobs WHERE id = ?", (blob_id,)).fetchone() is None
    ):
        raise NotFound()


def small_blobs(conn: sqlcipher.Connection, blob_ids: list[int]) -> dict[int, list[bytes]]:
    """The stored bytes of several small blobs, in one query (one query per blob was a
    third of the reading in an export of many small items): blob id -> its chunks, up to
    the first missing one as blob_chunks reads them; a blob without chunks is absent."""
    found: dict[int, list[bytes]] = {}
    wanted = sorted(set(blob_ids))
    if not wanted:
        return found
    rows = conn.execute(
        "SELECT blob_id, n, data FROM chunks"
        f" WHERE blob_id IN ({','.join('?' * len(wanted))}) ORDER BY blob_id, n", wanted
    )  # fmt: skip
    for blob_id, n, data in rows:
        pieces = found.setdefault(blob_id, [])
        if n == len(pieces):  # after a gap nothing more: a hash mismatch, as blob_chunks
            pieces.append(bytes(data))
    return found


def hash_blob(conn: sqlcipher.Connection, blob_id: int) -> tuple[str, int]:
    """Recompute (SHA-256 hex, size) of what is stored now."""
    digest, size = hashlib.sha256(), 0
    for chunk in blob_chunks(conn, blob_id):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size
