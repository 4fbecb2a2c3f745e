"""An item's rows as the case file keeps them: one in `items`, and its thumbnail, when it
has one, in `thumbnails`.

Schema 6 moved thumbnails out of `items` (issue 17): SQLite reaches a column stored after
a large value only by reading through that value's pages, so every query that read many
items' `entered_seq` (the evidence list, verify, export, the report) decrypted every
thumbnail. `items.thumbnail` stays, always NULL: released migrations are frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from vault.evidence.blobstore import StoredBlob

# An item's row with its thumbnail beside it as `t.data` (NULL when it has none), and
# where in it each stored column lies (named as record.DIGEST_COLUMNS names them).
WITH_THUMBNAIL = "items i LEFT JOIN thumbnails t ON t.item_id = i.id"
STORED_AT = {"metadata": "i.metadata", "tags": "i.tags", "warnings": "i.warnings",
             "thumbnail": "t.data"}  # fmt: skip


@dataclass(frozen=True)
class NewItem:
    """What an import, a derivation or a receipt stores of one item."""

    id: str
    blob: StoredBlob
    original_name: str
    mime: str
    imported_at: str | None  # the entry's time; "" for a received item (its first hands')
    source: str
    method: str
    seq: int  # the custody entry that brings it in


def insert_item(conn: sqlcipher.Connection, item: NewItem, stored: dict[str, Any]) -> None:
    """Store `item` with `stored` (record.stored_metadata: the texts and thumbnail bytes
    its entry's digests sign), inside the act that logs that entry."""
    blob = item.blob
    conn.execute(
        "INSERT INTO items (id, blob_id, sha256, original_name, size, mime, imported_at,"
        " source, method, metadata, tags, warnings, entered_seq)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (item.id, blob.id, blob.sha256, item.original_name, blob.size, item.mime,
         item.imported_at, item.source, item.method, stored["metadata"], stored["tags"],
         stored["warnings"], item.seq),
    )  # fmt: skip
    if stored["thumbnail"] is not None:
        conn.execute(
            "INSERT INTO thumbnails (item_id, data) VALUES (?, ?)", (item.id, stored["thumbnail"])
        )
