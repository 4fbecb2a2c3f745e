"""Reading items back: their properties, metadata, thumbnails, originals and events.

Everything returned is what the signed log states (issue 9 §1, vault/evidence/record.py):
rows that disagree with it are not shown, and the item says so in `problems`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from vault.custody.entry import (
    ITEM_ENTERING,
    Entry,
    entry_hash_of,
    is_signed_content,
    read_entries,
    signed_line_content,
    signed_text,
)
from vault.custody.packed import PackedRecords
from vault.errors import NotFound
from vault.evidence.blobstore import blob_chunks
from vault.evidence.fields import empty_fields
from vault.evidence.record import (
    DIGEST_KEYS,
    item_records,
    package_sources,
    parse_content,
    sha256_hex,
)
from vault.evidence.rows import WITH_THUMBNAIL
from vault.i18n import _
from vault.sharedjson import Loads, loads_shared

METADATA_FIELDS = (
    "captured_at", "captured_offset", "gps_lat", "gps_lon", "gps_alt", "make", "model",
    "body_serial", "software", "orientation", "width", "height",
    "duration_ms", "rotation", "video_codec", "audio_codec",  # video and audio (DESIGN §11)
)  # fmt: skip

BATCH = 500  # item rows read at a time by iter_items and iter_signed_records
_COLUMNS = (
    "i.id, i.sha256, i.original_name, i.size, i.mime, i.imported_at, i.source, i.method,"
    " i.metadata, i.warnings, i.entered_seq, i.blob_id"
)
# The entry's content is read once per entry by _Records, never joined to each item's row:
# a package.import lists thousands of items, and a copy of it per item made reading a
# received case quadratic in time and memory.
_FROM = "FROM items i"


@dataclass(frozen=True)
class Item:
    """One piece of evidence as its signed record states it (issue 9 §1): name, size, type,
    source, method, time and digest come from the entry that brought it in; metadata and
    warnings from rows whose digest that entry signed. `problems` says what the case file's
    rows claim that the signed record does not (never shown); `verify` lists them too."""

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
    problems: tuple[str, ...] = ()
    # A working copy (DESIGN §10): parent, parent_sha256, operation, tool as its signed
    # `item.derive` states them; None for an original.
    derivation: dict[str, Any] | None = None
    # DIGEST_KEYS the signed record lacks (schema v1-v3 items): what they cover was never
    # signed, and stays unverified until `verify` recomputes it from the original.
    unsigned: tuple[str, ...] = ()

    @property
    def derived_from(self) -> str | None:
        """The parent's item id, for a derived item."""
        parent = (self.derivation or {}).get("parent")
        return parent if isinstance(parent, str) else None

    def to_json(self) -> dict[str, Any]:
        """The documented `items --json` object."""
        obj = asdict(self)
        del obj["metadata"], obj["blob_id"]
        obj["problems"], obj["unsigned"] = list(self.problems), list(self.unsigned)
        obj["derived_from"] = self.derived_from
        obj.update({name: self.metadata.get(name) for name in METADATA_FIELDS})
        return obj


SIGNED_COLUMNS = "content, content_hash, prev, entry_hash"  # a custody row, for `signed_content`


def signed_content(
    text: Any, content_hash: Any, prev: Any, entry_hash: Any, loads: Loads = loads_shared
) -> dict[str, Any] | None:
    """An entry's content, if it holds the values whose hash was signed: its stored text is
    the signed one, or (rarely: altered, yet not in what it says) parses to those values;
    and that hash is the one its entry hash commits to (a content hash recomputed for
    altered values is not). The signature is verify's: one per entry costs too much here."""
    if not all(isinstance(v, bytes) for v in (content_hash, prev, entry_hash)):
        return None
    if entry_hash_of(prev, content_hash) != entry_hash:
        return None
    signed = signed_text(text, bytes(content_hash)) is not None  # hashed before it is parsed: a
    content = parse_content(text, loads)  # receipt's text and its parse are not both held
    return content if signed or is_signed_content(content, bytes(content_hash)) else None


class _Records:
    """Signed records of items, each entry parsed once however many items it brought in.

    A received item's name, size and type are those its first hands signed: the
    `item.import` in a kept sender chain (the sender's key signed it, `verify` re-verifies
    the chain). They are not repeated in `package.import`, so that a later partial export,
    which ships that entry whole, does not disclose the names of items it leaves out."""

    def __init__(self, conn: sqlcipher.Connection, loads: Loads = loads_shared) -> None:
        self._conn, self.loads = conn, loads
        self._by_seq: dict[int, Mapping[str, dict[str, Any]]] = {}
        self._first: PackedRecords[tuple[str, str]] | None = None

    def load_all(self) -> _Records:
        """Parse, in one query, every entry that brought items in (listing many items)."""
        rows = self._conn.execute(
            f"SELECT seq, {SIGNED_COLUMNS} FROM custody"
            " WHERE seq IN (SELECT DISTINCT entered_seq FROM items)"
        )
        for seq, text, content_hash, prev, entry_hash in rows:
            signed = signed_content(text, content_hash, prev, entry_hash, self.loads)
            self._by_seq[seq] = item_records(signed)
        return self

    def load(self, seqs: list[int]) -> None:
        """Parse, in one query per few hundred, the entries `seqs` not parsed yet (the rows
        of one screen of a long list)."""
        wanted = [seq for seq in seqs if seq not in self._by_seq]
        for start in range(0, len(wanted), 500):
            batch = wanted[start : start + 500]
            rows = self._conn.execute(
                f"SELECT seq, {SIGNED_COLUMNS} FROM custody WHERE seq IN"
                f" ({','.join('?' * len(batch))})", batch
            )  # fmt: skip
            for seq, text, content_hash, prev, entry_hash in rows:
                content = signed_content(text, content_hash, prev, entry_hash, self.loads)
                del text  # a receipt's text (8 MB at 20,000 items) is not held beside it
                self._by_seq[seq] = item_records(content)
                del content  # nor parsed, while the next is parsed

    def keep_only(self, seqs: set[int]) -> None:
        """Forget the records of entries other than `seqs` (a package.import that brought
        in thousands of items stays held, its records packed, while its items are read)."""
        self._by_seq = {seq: found for seq, found in self._by_seq.items() if seq in seqs}

    def get(self, item_id: str, seq: int) -> dict[str, Any] | None:
        if seq not in self._by_seq:
            row = self._conn.execute(
                f"SELECT {SIGNED_COLUMNS} FROM custody WHERE seq = ?", (seq,)
            ).fetchone()
            stored, content_hash, prev, entry_hash = row or (None, None, None, None)
            content = signed_content(stored, content_hash, prev, entry_hash, self.loads)
            self._by_seq[seq] = item_records(content)
        record = self._by_seq[seq].get(item_id)
        if record is None or record.get("method") != "package":
            return record
        if self._first is None:
            self._first = first_hands(self._conn)
        signed = self._first.get((item_id, str(record.get("sha256"))), {})
        return {**signed, **record}


def first_hands(conn: sqlcipher.Connection) -> PackedRecords[tuple[str, str]]:
    """(item id, SHA-256) -> original_name, size and mime as an `item.import` of those bytes,
    in a kept chain, signed them (and the derivation, for an `item.derive`). Keyed by the
    digest too, so that a chain naming the same id for other bytes never lends its name to
    the item. Held packed: a received case's items are read with one each."""
    found = PackedRecords[tuple[str, str]]()
    rows = conn.execute(
        "SELECT line FROM lineage WHERE line LIKE '%item.import%' OR line LIKE '%item.derive%'"
    )
    for (line,) in rows:
        content = signed_line_content(line)  # an altered line lends no name (verify finds it)
        if content is None or content.get("action") not in ITEM_ENTERING:
            continue
        for item_id, signed in item_records(content).items():
            key = (item_id, str(signed.get("sha256")))
            found.add(key, {k: signed[k] for k in _FIRST_HANDS if k in signed})
    return found


_FIRST_HANDS = ("original_name", "size", "mime", "derivation")


def _item(row: tuple[Any, ...], records: _Records) -> Item:
    (item_id, sha256, name, size, mime, imported_at, source, method, metadata, warnings,
     seq, blob_id) = row  # fmt: skip
    record = records.get(item_id, seq)
    if record is None:
        problem = _("No signed entry records this item; what the case file says about it is "
                    "not shown.")  # fmt: skip
        return Item(item_id, "", "", 0, "", "", "", "", empty_fields(), [problem], seq, blob_id,
                    (problem,))  # fmt: skip
    rows = {"sha256": sha256, "original_name": name, "size": size, "mime": mime,
            "imported_at": imported_at, "source": source, "method": method}  # fmt: skip
    problems = [_changed(key) for key, value in rows.items() if differs(record, key, value)]
    shown = {key: record.get(key, value) for key, value in rows.items()}
    fields = checked_json(metadata, record, "metadata_sha256", problems, records.loads)
    warned = checked_json(warnings, record, "warnings_sha256", problems, records.loads)
    meta = {**empty_fields(), **fields} if isinstance(fields, dict) else empty_fields()
    said = [str(w) for w in warned] if isinstance(warned, list) else []
    derived = record.get("derivation")
    return Item(
        item_id, str(shown["sha256"]), str(shown["original_name"]), _int(shown["size"]),
        str(shown["mime"]), str(shown["imported_at"]), str(shown["source"]),
        str(shown["method"]), meta, said + problems, seq, blob_id, tuple(problems),
        dict(derived) if isinstance(derived, dict) else None,
        tuple(key for key in DIGEST_KEYS if key not in record),
    )  # fmt: skip


def differs(record: dict[str, Any], key: str, value: Any) -> bool:
    """Whether a row value disagrees with the signed record (a received item's source was
    written in the language the app spoke then)."""
    if key == "source" and record.get("method") == "package":
        return value not in package_sources(record.get("package"))
    return key in record and record[key] != value


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _changed(key: str) -> str:
    return _("The case file's {field} of this item differs from its signed record; the signed "
             "value is shown.").format(field=key)  # fmt: skip


def digest_name(key: str) -> str:
    """What a digest key of item.import covers, in words."""
    names = {
        "metadata_sha256": _("extracted metadata"),
        "tags_sha256": _("list of metadata tags"),
        "warnings_sha256": _("list of warnings"),
        "thumbnail_sha256": _("thumbnail"),
    }
    return names.get(key, key)


def checked_json(
    text: str, record: dict[str, Any], key: str, problems: list[str], loads: Loads = loads_shared
) -> Any:
    """A JSON column's value if the signed record's digest covers it (or it predates such
    digests: `verify` then recomputes it from the original), else None and a problem."""
    if key in record and record[key] != sha256_hex(text):
        problems.append(_("The {what} stored for this item differs from its signed digest; it "
                          "is not shown.").format(what=digest_name(key)))  # fmt: skip
        return None
    try:
        return loads(text)
    except (ValueError, RecursionError, TypeError):
        return None


def list_items(conn: sqlcipher.Connection) -> list[Item]:
    """Every item, in the order it entered the case."""
    records = _Records(conn).load_all()
    rows = conn.execute(f"SELECT {_COLUMNS} {_FROM} ORDER BY i.rowid").fetchall()
    return [_item(r, records) for r in rows]


def iter_items(conn: sqlcipher.Connection, loads: Loads = loads_shared) -> Iterator[Item]:
    """Every item, in the order it entered the case, read a batch at a time: a big case's
    whole list is never held at once (issue 17: export's memory flat in the items). A
    reader that holds no item past its batch passes `json.loads` (sharing strings saves
    memory only when many are held)."""
    for batch in iter_item_batches(conn, loads):
        yield from batch


def iter_item_batches(
    conn: sqlcipher.Connection, loads: Loads = loads_shared
) -> Iterator[list[Item]]:
    """Every item, in the order it entered the case, BATCH items at a time, each checked
    against its signed record as `list_items` does (issue 17: `items` prints a batch while
    the next is read, its memory flat in the number of items)."""
    cursor = conn.execute(f"SELECT {_COLUMNS} {_FROM} ORDER BY i.rowid")
    for rows, records in _batches(conn, cursor, 10, loads):  # row[10]: entered_seq
        yield [_item(row, records) for row in rows]


def iter_signed_items(
    conn: sqlcipher.Connection, only: set[str]
) -> Iterator[tuple[Item, dict[str, Any] | None]]:
    """`iter_items` of the items `only` names, each with its signed record (None when no
    entry records it): a reader that checks more of each item (its thumbnail) against the
    record it was read with, holding no other batch's. The others' entries are not parsed."""
    cursor = conn.execute(f"SELECT {_COLUMNS} {_FROM} ORDER BY i.rowid")
    for rows, records in _batches(conn, cursor, 10, loads_shared, only):  # row[10]: seq
        yield from ((_item(row, records), records.get(row[0], row[10])) for row in rows)


def iter_signed_records(
    conn: sqlcipher.Connection, cursor: sqlcipher.Cursor
) -> Iterator[tuple[tuple[Any, ...], dict[str, Any] | None]]:
    """Each row of `cursor` (an item's id first, its entered_seq second) with the item's
    signed record (None when no entry records it), a batch at a time (see iter_items)."""
    for rows, records in _batches(conn, cursor, 1, loads_shared):
        yield from ((row, records.get(row[0], row[1])) for row in rows)


def _batches(
    conn: sqlcipher.Connection,
    cursor: sqlcipher.Cursor,
    seq_at: int,
    loads: Loads,
    only: set[str] | None = None,
) -> Iterator[tuple[list[Any], _Records]]:
    """The rows of `cursor` a batch at a time, with the entries that brought that batch in
    parsed (row[seq_at]: entered_seq); a package.import that brought in thousands of
    items stays held while its items go by, the others are forgotten. With `only`, the
    rows of other items (row[0]: id) are dropped before any entry is parsed."""
    records = _Records(conn, loads)
    while batch := cursor.fetchmany(BATCH):
        rows = batch if only is None else [row for row in batch if row[0] in only]
        seqs = {row[seq_at] for row in rows}
        records.keep_only(seqs)
        records.load(sorted(seqs))
        yield rows, records


def get_item(conn: sqlcipher.Connection, item_id: str) -> Item:
    row = conn.execute(f"SELECT {_COLUMNS} {_FROM} WHERE i.id = ?", (item_id,)).fetchone()
    if row is None:
        raise NotFound()
    return _item(row, _Records(conn))


def signed_record(conn: sqlcipher.Connection, item_id: str) -> dict[str, Any] | None:
    """What the entry that brought the item in signed about it (vault/evidence/record.py)."""
    row = conn.execute("SELECT entered_seq FROM items WHERE id = ?", (item_id,)).fetchone()
    return _Records(conn).get(item_id, row[0]) if row else None


def item_tags(conn: sqlcipher.Connection, item_id: str) -> dict[str, str]:
    """Every metadata tag read from the file (informative; recomputable from the original);
    {} when the stored tags are not the ones the item's entry signed."""
    row = conn.execute("SELECT tags FROM items WHERE id = ?", (item_id,)).fetchone()
    record = signed_record(conn, item_id)
    if row is None or record is None:
        return {}
    tags = checked_json(row[0], record, "tags_sha256", [])
    return tags if isinstance(tags, dict) else {}


def thumbnail(conn: sqlcipher.Connection, item_id: str) -> bytes | None:
    """The preview image; None when there is none or it is not the one the item's entry
    signed (an edited thumbnail is never shown)."""
    data, withheld = checked_thumbnail(conn, item_id, signed_record(conn, item_id))
    return None if withheld else data


def checked_thumbnail(
    conn: sqlcipher.Connection, item_id: str, record: dict[str, Any] | None
) -> tuple[bytes | None, bool]:
    """(the stored thumbnail, whether it is withheld because `record`, the item's signed
    record, does not cover it). Callers showing many items pass the record each was read with
    (`iter_signed_items`)."""
    row = conn.execute(f"SELECT t.data FROM {WITH_THUMBNAIL} WHERE i.id = ?", (item_id,)).fetchone()
    if row is None or record is None:
        return None, row is not None
    data = row[0]
    if data is not None and not isinstance(data, bytes):  # text put in behind the app's back
        return None, True
    if "thumbnail_sha256" in record and record["thumbnail_sha256"] != sha256_hex(data):
        return None, True
    return data, False


def stored_thumbnail(conn: sqlcipher.Connection, item_id: str) -> bytes | None:
    """An item's thumbnail bytes as stored, unchecked: only to compare with bytes that
    `checked_thumbnail` gave (a report reads each again as its PDF is written)."""
    row = conn.execute("SELECT data FROM thumbnails WHERE item_id = ?", (item_id,)).fetchone()
    return row[0] if row is not None and isinstance(row[0], bytes) else None


def read_original(conn: sqlcipher.Connection, item_id: str) -> Iterator[bytes]:
    """The original bytes, chunk by chunk, exactly as imported."""
    return blob_chunks(conn, get_item(conn, item_id).blob_id)


def item_events(conn: sqlcipher.Connection, item_id: str) -> list[Entry]:
    """Every entry about the item: its own, notes about it, packages that carried it, and
    working copies made from it (their `item.derive` names it as parent)."""
    # Notes are found by the item their signed entry names, not by the rows' `about`.
    own = read_entries(
        conn, "WHERE subject = ? OR (action IN ('note.add', 'note.amend') AND content LIKE ?)",
        (item_id, f'%"about":"{item_id}"%'),
    )  # fmt: skip
    carried = read_entries(
        conn, "WHERE action IN ('package.export', 'package.import', 'report.generate')"
        " AND content LIKE ?", (f'%"{item_id}"%',)
    )  # fmt: skip
    copies = read_entries(
        conn, "WHERE action = 'item.derive' AND content LIKE ?", (f'%"parent":"{item_id}"%',)
    )
    return sorted({e.seq: e for e in (*own, *carried, *copies)}.values(), key=lambda e: e.seq)
