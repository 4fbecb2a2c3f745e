"""The evidence list of a big case, read a window at a time (issue 17 §4).

`list_items` reads every item whole: its metadata, tags, warnings and the entry that
signed it. A case of 100,000 items cannot afford that before its first screen. Here the
list is read in three lean steps:

- `ItemLister.keys()`: the items' row keys, in the order they entered the case, from the
  smallest index of the items table (no row is read);
- `ItemLister.rows(keys)`: the few rows on screen, as `ItemRow`s, each checked against its
  signed record like `list_items` does (issue 9 §1): name, size and type are the signed
  ones, the capture time and GPS are shown only when the stored metadata's digest is the
  signed one. No thumbnail, tag, metadata or warning text leaves the database: SQL picks
  the two metadata fields and the digests;
- `ItemLister.index()`: for filtering and sorting every item, the row values as the case
  file stores them (not checked: they only choose and order rows; what a row shows is
  always checked). Read once, when first asked for;
- `count_warned(lister, after, upto)`: how many items in a span of row keys the list
  marks with a warning, each row checked against its signed record as `rows` checks it
  (no warning text leaves the database: SQL gives its digest). Items are never deleted and
  their signed warnings never change, so the app counts the whole case once, a span at a
  time on a connection of its own (ui/workspace/warned_counter.py), and then only the keys
  added since.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from vault.evidence.items import _int, _Records, checked_thumbnail, differs
from vault.evidence.record import DIGEST_KEYS, sha256_hex

# How many rows one query reads: SQLite limits bound parameters (999 in older builds).
BATCH = 500
_DIGEST_FUNCTION = "evidence_sha256"


@dataclass(frozen=True, slots=True)
class ItemRow:
    """What the evidence list shows of one item: no thumbnail, tags, metadata or warnings,
    only the capture time and whether a position is known. `problems` counts what the case
    file claims that the signed record does not (the details pane says what)."""

    key: int
    id: str
    original_name: str
    size: int
    mime: str
    captured_at: str
    gps: bool
    entered_seq: int
    derived_from: str | None = None
    warned: bool = False
    unsigned: bool = False
    problems: int = 0
    thumbnail: bool = True  # False when its signed record says it has no thumbnail


@dataclass(frozen=True, slots=True)
class IndexRow:
    """One item's stored values for filtering and sorting (as the case file has them)."""

    key: int
    id: str
    name: str
    size: int
    mime: str
    captured_at: str
    gps: bool
    entered_seq: int


_ROW_SQL = (
    "SELECT rowid, id, sha256, original_name, size, mime, imported_at, source, method,"
    f" {_DIGEST_FUNCTION}(metadata), {_DIGEST_FUNCTION}(warnings), warnings <> '[]',"
    " CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.captured_at') END,"
    " CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.gps_lat') END,"
    " CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.gps_lon') END,"
    " entered_seq FROM items WHERE rowid IN ({marks})"
)
_INDEX_SQL = (
    "SELECT rowid, id, original_name, size, mime,"
    " CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.captured_at') END,"
    " CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.gps_lat') END,"
    " CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.gps_lon') END,"
    " entered_seq FROM items"
)


class ItemLister:
    """Reads the evidence list of an open case window by window (see the module's text)."""

    def __init__(self, conn: sqlcipher.Connection) -> None:
        self._conn = conn
        self._records = _Records(conn)
        conn.create_function(_DIGEST_FUNCTION, 1, sha256_hex, deterministic=True)

    def keys(self) -> list[int]:
        """Every item's row key, in the order the items entered the case."""
        low, high, count = self._conn.execute(
            "SELECT min(rowid), max(rowid), count(*) FROM items"
        ).fetchone()
        if not count:
            return []
        if high - low + 1 == count:  # no gap (items are never deleted): nothing to read
            return list(range(low, high + 1))
        # The covering index is a fraction of the table's pages (tags, metadata).
        rows = self._conn.execute("SELECT rowid FROM items INDEXED BY items_by_sha256")
        return sorted(key for (key,) in rows)

    def rows(self, keys: Sequence[int]) -> dict[int, ItemRow]:
        """key -> the checked row of each item in `keys` that is still in the case."""
        found: dict[int, ItemRow] = {}
        for start in range(0, len(keys), BATCH):
            batch = list(keys[start : start + BATCH])
            sql = _ROW_SQL.format(marks=",".join("?" * len(batch)))
            fetched = self._conn.execute(sql, batch).fetchall()
            self._records.load(sorted({row[-1] for row in fetched}))
            for row in fetched:
                found[row[0]] = self._checked(row)
        return found

    def thumbnail(self, row: ItemRow) -> bytes | None:
        """The row's thumbnail, None when there is none or it is not the one its entry
        signed (as `vault.evidence.items.thumbnail`), checked against the signed record
        `rows` already parsed: no second read of the entry for a painted row."""
        data, withheld = checked_thumbnail(
            self._conn, row.id, self._records.get(row.id, row.entered_seq)
        )
        return None if withheld else data

    def forget_records(self) -> None:
        """Let go of the signed entries parsed so far (a count over the whole case)."""
        self._records.keep_only(set())

    def key_of(self, item_id: str) -> int | None:
        """The row key of an item, if it is in the case."""
        row = self._conn.execute("SELECT rowid FROM items WHERE id = ?", (item_id,)).fetchone()
        return None if row is None else int(row[0])

    def index(self) -> list[IndexRow]:
        """Every item's stored values, in the order they entered the case."""
        rows = self._conn.execute(f"{_INDEX_SQL} ORDER BY rowid")
        return [
            IndexRow(key, item_id, str(name), _int(size), str(mime), _text(at), _gps(lat, lon), seq)
            for key, item_id, name, size, mime, at, lat, lon, seq in rows
        ]

    def _checked(self, row: tuple[Any, ...]) -> ItemRow:
        (key, item_id, sha256, name, size, mime, imported_at, source, method, meta_digest,
         warn_digest, warned, captured, lat, lon, seq) = row  # fmt: skip
        record = self._records.get(item_id, seq)
        if record is None:  # not shown: the details say why (`get_item`)
            return ItemRow(key, item_id, "", 0, "", "", False, seq, None, True, False, 1, False)
        stored = {"sha256": sha256, "original_name": name, "size": size, "mime": mime,
                  "imported_at": imported_at, "source": source, "method": method}  # fmt: skip
        problems = sum(1 for k, v in stored.items() if differs(record, k, v))
        meta_ok = record.get("metadata_sha256", meta_digest) == meta_digest
        warn_ok = record.get("warnings_sha256", warn_digest) == warn_digest
        problems += (not meta_ok) + (not warn_ok)
        derivation = record.get("derivation")
        parent = derivation.get("parent") if isinstance(derivation, dict) else None
        return ItemRow(
            key, item_id, str(record.get("original_name", name)),
            _int(record.get("size", size)), str(record.get("mime", mime)),
            _text(captured) if meta_ok else "", meta_ok and _gps(lat, lon), seq,
            parent if isinstance(parent, str) else None,
            bool(warned and warn_ok) or problems > 0,
            any(k not in record for k in DIGEST_KEYS), problems,
            record.get("thumbnail_sha256", "") is not None,
        )  # fmt: skip


def count_warned(lister: ItemLister, after: int, upto: int) -> int:
    """How many items with a row key in (after, upto] the list marks with a warning: those
    whose warnings the signed record confirms, and those the case file misstates (`rows`,
    one span at a time, so a long count never holds the file against a writer for long).
    Emptying an item's stored warnings hides nothing: they no longer match the signed
    digest. The span's parsed entries are let go of afterwards (memory stays flat)."""
    found = lister.rows(range(after + 1, upto + 1))  # gaps: keys no row has are skipped
    lister.forget_records()
    return sum(1 for row in found.values() if row.warned)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _gps(lat: Any, lon: Any) -> bool:
    return bool(lat) and bool(lon)
