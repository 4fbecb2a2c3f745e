"""Reading items back: their properties, metadata, thumbnails, originals and events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from vault.custody.entry import Entry, read_entries
from vault.errors import NotFound
from vault.evidence.blobstore import blob_chunks

METADATA_FIELDS = (
    "captured_at", "captured_offset", "gps_lat", "gps_lon", "gps_alt", "make", "model",
    "body_serial", "software", "orientation", "width", "height",
)  # fmt: skip

_COLUMNS = (
    "id, sha256, original_name, size, mime, imported_at, source, method, metadata, warnings,"
    " entered_seq, blob_id"
)


@dataclass(frozen=True)
class Item:
    """One piece of evidence as the case holds it."""

    id: str
    sha256: str
    original_name: str
    size: int
    mime: str
    imported_at: str
    source: str
    method: str
    metadata: dict[str, Any]
    warnings: list[str]
    entered_seq: int
    blob_id: int

    def to_json(self) -> dict[str, Any]:
        """The documented `items --json` object."""
        obj = asdict(self)
        del obj["metadata"], obj["blob_id"]
        obj.update({name: self.metadata.get(name) for name in METADATA_FIELDS})
        return obj


def _item(row: tuple[Any, ...]) -> Item:
    item_id, sha256, name, size, mime, imported_at, source, method = row[:8]
    metadata, warnings, entered_seq, blob_id = row[8:]
    return Item(item_id, sha256, name, size, mime, imported_at, source, method,
                json.loads(metadata), json.loads(warnings), entered_seq, blob_id)  # fmt: skip


def list_items(conn: sqlcipher.Connection) -> list[Item]:
    """Every item, in the order it entered the case."""
    return [_item(r) for r in conn.execute(f"SELECT {_COLUMNS} FROM items ORDER BY rowid")]


def get_item(conn: sqlcipher.Connection, item_id: str) -> Item:
    row = conn.execute(f"SELECT {_COLUMNS} FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise NotFound()
    return _item(row)


def item_tags(conn: sqlcipher.Connection, item_id: str) -> dict[str, str]:
    """Every metadata tag read from the file (informative; recomputable from the original)."""
    row = conn.execute("SELECT tags FROM items WHERE id = ?", (item_id,)).fetchone()
    return json.loads(row[0]) if row else {}


def thumbnail(conn: sqlcipher.Connection, item_id: str) -> bytes | None:
    row = conn.execute("SELECT thumbnail FROM items WHERE id = ?", (item_id,)).fetchone()
    return bytes(row[0]) if row and row[0] is not None else None


def read_original(conn: sqlcipher.Connection, item_id: str) -> Iterator[bytes]:
    """The original bytes, chunk by chunk, exactly as imported."""
    return blob_chunks(conn, get_item(conn, item_id).blob_id)


def description(conn: sqlcipher.Connection, item_id: str) -> dict[str, Any]:
    """The latest `item.describe` details: the signed log is the only source of truth."""
    entries = list(read_entries(conn, "WHERE subject = ? AND action = 'item.describe'", (item_id,)))
    details = (entries[-1].content or {}).get("details") if entries else None
    return dict(details) if isinstance(details, dict) else {}


def item_events(conn: sqlcipher.Connection, item_id: str) -> list[Entry]:
    """Every entry about the item: its own, notes about it, and packages that carried it."""
    note_ids = [r[0] for r in conn.execute("SELECT id FROM notes WHERE about = ?", (item_id,))]
    subjects = [item_id, *note_ids]
    marks = ",".join("?" * len(subjects))
    own = read_entries(conn, f"WHERE subject IN ({marks})", tuple(subjects))
    carried = read_entries(
        conn, "WHERE action IN ('package.export', 'package.import', 'report.generate')"
        " AND content LIKE ?", (f'%"{item_id}"%',)
    )  # fmt: skip
    return sorted({e.seq: e for e in (*own, *carried)}.values(), key=lambda e: e.seq)
