"""Big cases for the desktop app's benchmarks (issue 17 §4), built in seconds, not hours.

A real import signs and commits one `item.import` per file (13 ms a photo): 100,000 items
would take twenty minutes. Here every item is written exactly as `import_file` writes it
(its bytes, its metadata columns, an `item.import` entry signing them, the item row), but
all in one transaction through a connection of the bench's own. Photos are a few hundred
generated phone photos whose metadata is extracted once; each item's copy gets a distinct
tail so that every item has bytes of its own. The case reads, lists and verifies like any
other: only the time it took to build differs."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from bench.data import note_text, phone_photo
from vault.case.casefile import key_pragma
from vault.case.handle import Case
from vault.custody.entry import sign_entry
from vault.evidence.blobstore import store_bytes
from vault.evidence.metadata import Extracted, extract_metadata, quick_look
from vault.evidence.record import metadata_digests, stored_metadata
from vault.evidence.rows import NewItem, insert_item

DISTINCT_PHOTOS = 200
PHOTO_EVERY = 10


def build_case(
    path: Path, passphrase: str, count: int, folder: Path, distinct_photos: int = DISTINCT_PHOTOS
) -> float:
    """Create `path` with `count` items (every PHOTO_EVERY-th a photo with EXIF, GPS and a
    thumbnail, the others text notes); the seconds it took. `folder`: scratch space."""
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    photos = _photo_metadata(folder, min(distinct_photos, max(1, count // PHOTO_EVERY)))
    part = path.with_suffix(".part")
    with Case.create(part, passphrase, title="Bench", investigator="B") as case:
        conn = sqlcipher.connect(str(part), isolation_level=None)
        try:
            conn.execute(key_pragma(passphrase))
            conn.execute("BEGIN")
            head = conn.execute("SELECT seq, entry_hash FROM custody ORDER BY seq DESC")
            seq, entry_hash = head.fetchone()
            after = (seq, bytes(entry_hash))
            for n in range(count):
                after = _add_item(conn, case, after, n, photos, folder)
            conn.execute("COMMIT")
        finally:
            conn.close()
    part.rename(path)
    return time.perf_counter() - started


def _photo_metadata(folder: Path, count: int) -> list[tuple[bytes, Extracted]]:
    found = []
    for n in range(count):
        source = folder / f"IMG_{n:06}.jpg"
        source.write_bytes(phone_photo(n, (160, 120)))
        found.append((source.read_bytes(), extract_metadata(str(source))))
    return found


def _add_item(
    conn: sqlcipher.Connection,
    case: Case,
    after: tuple[int, bytes],
    n: int,
    photos: list[tuple[bytes, Extracted]],
    folder: Path,
) -> tuple[int, bytes]:
    if n % PHOTO_EVERY == 0:
        base, meta = photos[(n // PHOTO_EVERY) % len(photos)]
        name, data = f"IMG_{n:06}.jpg", base + n.to_bytes(4, "big")  # after the JPEG's end
    else:
        name, data = f"note-{n:06}.txt", note_text(n).encode()
        source = folder / "note.txt"
        source.write_bytes(data)
        meta = quick_look(str(source))
    item_id = str(uuid.uuid4())
    blob = store_bytes(conn, data)
    stored = stored_metadata(meta)
    details = {"original_name": name, "size": blob.size, "mime": meta.mime, "source": "",
               "method": "copy", **metadata_digests(stored)}  # fmt: skip
    entry, text = sign_entry(case.id, case.signer, after, "item.import", item_id, blob.sha256,
                             details)  # fmt: skip
    conn.execute(
        "INSERT INTO custody VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (entry.seq, entry.prev, entry.content_hash, entry.entry_hash, entry.actor, entry.sig,
         text, "item.import", item_id),
    )  # fmt: skip
    at = entry.content["at"] if entry.content else ""
    insert_item(conn, NewItem(item_id, blob, name, meta.mime, at, "", "copy", entry.seq), stored)
    return entry.seq, entry.entry_hash
