"""Verifying that the case file's rows say what the signed log says (issue 9 §1).

An item's name, size, type, source, method, time and digest must equal its signed record;
its metadata, tags, warnings and thumbnail must hash to the digests that record signed, or,
for items recorded before such digests existed, equal what the original yields now. A
note's item and the note it amends must be its signed ones; a person's name, role and
organization those of the entry that introduced them. Each difference is a finding with
the seq of the entry the row disagrees with.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from vault.case.handle import Case
from vault.custody.entry import Entry, Finding
from vault.custody.logchain import notable
from vault.errors import Cancelled
from vault.evidence.items import differs, digest_name, iter_signed_records
from vault.evidence.likeness import same_picture
from vault.evidence.metadata import Extracted, empty_fields, is_media
from vault.evidence.notes import list_notes
from vault.evidence.probe import MetadataProbe, extract_stored
from vault.evidence.record import DIGEST_COLUMNS, DIGEST_KEYS, SHOWN_KEYS, sha256_hex
from vault.evidence.rows import STORED_AT, WITH_THUMBNAIL
from vault.i18n import _
from vault.progress import Cancel


def check_people(case: Case) -> Iterator[Finding]:
    """Each local identity row against the entry that introduced its key."""
    people = case.introductions()
    rows = case.conn.execute("SELECT fingerprint, name, role, organization FROM identities")
    for fp, name, role, org in rows:
        known = people.get(fp)
        if known is None:
            continue  # not introduced at all: reported by the identity check
        signed = known.identity
        if (name, role, org) != (signed.name, signed.role, signed.organization):
            yield Finding(known.seq, _(
                "the name, role or organization of {name} ({fp}) in the case file differs from "
                "the entry that introduced them"
            ).format(name=signed.name, fp=fp[:16]))  # fmt: skip


def check_items(conn: sqlcipher.Connection, cancelled: Cancel | None) -> Iterator[Finding]:
    """Every item's row and stored metadata against its signed record."""
    legacy, left = [], 0
    rows = conn.execute(  # `thumbnail`: a column NULL since schema 6, read in the same pass
        f"SELECT id, entered_seq, blob_id, thumbnail IS NOT NULL, {', '.join(SHOWN_KEYS)}"
        " FROM items ORDER BY rowid"
    )
    for (item_id, seq, blob_id, old_thumbnail, *values), record in iter_signed_records(conn, rows):
        left += old_thumbnail
        if record is None:
            continue  # not covered by the log at all: reported by the item check
        name = str(record.get("original_name", values[1]))
        for key, value in zip(SHOWN_KEYS, values, strict=True):
            if differs(record, key, value):
                yield Finding(seq, _(
                    "item {name}: its {field} in the case file differs from its signed record"
                ).format(name=name, field=key))  # fmt: skip
        if "metadata_sha256" in record:
            yield from _check_digests(conn, item_id, name, seq, record)
            continue
        legacy.append((item_id, name, blob_id, seq, "mime" in record))
    if legacy:
        yield from _recompute(conn, legacy, cancelled)
    yield from _stray_thumbnails(conn, left)


def _stray_thumbnails(conn: sqlcipher.Connection, left: int) -> Iterator[Finding]:
    """Thumbnail bytes outside the one place an item's signed digest covers (vault/evidence/
    rows.py): a row of no item, a second row of one, or a thumbnail left in `items` (NULL
    since schema 6; `left` of them). None is ever shown; each is still bytes no entry
    vouches for."""
    (stray,) = conn.execute(
        "SELECT count(*) - (SELECT count(DISTINCT item_id) FROM thumbnails"
        " WHERE item_id IN (SELECT id FROM items)) FROM thumbnails"
    ).fetchone()
    if stray or left:
        yield Finding(None, _(
            "the case file holds thumbnails that belong to no item ({n}); none is shown"
        ).format(n=stray + left))  # fmt: skip


def _check_digests(
    conn: sqlcipher.Connection, item_id: str, name: str, seq: int, record: dict[str, Any]
) -> Iterator[Finding]:
    row = conn.execute(
        f"SELECT {', '.join(STORED_AT[c] for c in DIGEST_COLUMNS)} FROM {WITH_THUMBNAIL}"
        " WHERE i.id = ?",
        (item_id,),
    ).fetchone()
    for key, value in zip(DIGEST_KEYS, row, strict=True):
        if key in record and record[key] != sha256_hex(value):
            yield Finding(seq, _(
                "item {name}: the stored {what} differs from the digest its entry signed"
            ).format(name=name, what=digest_name(key)))  # fmt: skip


def _recompute(
    conn: sqlcipher.Connection,
    legacy: list[tuple[str, str, int, int, bool]],
    cancelled: Cancel | None,
) -> Iterator[Finding]:
    """Items recorded before their metadata was signed: recompute it from the original."""
    with MetadataProbe() as probe:
        for item_id, name, blob_id, seq, signed_mime in legacy:
            if cancelled and cancelled():
                raise Cancelled()
            size = conn.execute("SELECT size FROM blobs WHERE id = ?", (blob_id,)).fetchone()
            fresh = extract_stored(conn, probe, name, blob_id, size[0] if size else 0)
            if not fresh.complete:
                yield Finding(seq, _(
                    "item {name}: its metadata could not be recomputed from the original to "
                    "check it"
                ).format(name=name), "warning")  # fmt: skip
                continue
            row = conn.execute(
                f"SELECT i.metadata, i.tags, t.data, i.mime FROM {WITH_THUMBNAIL} WHERE i.id = ?",
                (item_id,),
            ).fetchone()
            differences = _differences(fresh, row)
            if not signed_mime and fresh.mime != row[3]:
                differences.append(_("type"))
            for what in differences:
                yield Finding(seq, _(
                    "item {name}: the stored {what} is not what its original yields"
                ).format(name=name, what=what))  # fmt: skip


def _differences(fresh: Extracted, row: tuple[Any, ...]) -> list[str]:
    metadata, tags, thumb, _mime = row
    found = []
    stored, expected = _loads(metadata), json.loads(json.dumps(fresh.fields))
    if is_media(fresh.mime) and isinstance(stored, dict) and "duration_ms" not in stored:
        expected = empty_fields()  # recorded before video and audio were read (DESIGN §11)
    if stored != expected:
        found.append(digest_name("metadata_sha256"))
    stored_tags = _loads(tags)
    if stored_tags != {} and stored_tags != fresh.tags:  # none stored shows none
        found.append(digest_name("tags_sha256"))
    # No stored thumbnail shows nothing (early receipts made none); one must show the
    # original's picture, made then by an earlier version's means (likeness.py).
    if thumb is not None and not _same_thumbnail(bytes(thumb), fresh.thumbnail):
        found.append(digest_name("thumbnail_sha256"))
    return found


def _same_thumbnail(stored: bytes, fresh: bytes | None) -> bool:
    if fresh is None or stored == fresh:
        return stored == fresh
    return same_picture(stored, fresh)


def _loads(text: Any) -> Any:
    try:
        return json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return None


def check_notes(conn: sqlcipher.Connection, kept: Iterable[Iterable[Entry]]) -> Iterator[Finding]:
    """Each note's item and amended note against its signed record (and, for notes received
    before package.import signed them, against the sender's signed note entry, in the
    `kept` sender chains)."""
    rows = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, about, supersedes FROM notes")}
    sent: dict[str, tuple[Any, Any]] | None = None
    for note in list_notes(conn):
        stored, signed = rows.get(note.id), (note.about, note.supersedes)
        if stored != signed:
            yield Finding(note.seq, _(
                "a note's item, or the note it amends, differs from its signed record"
            ))  # fmt: skip
            continue
        sent = _lineage_notes(kept) if sent is None else sent
        if note.id in sent and sent[note.id] != signed:
            yield Finding(note.seq, _(
                "a received note is about another item, or amends another note, than its "
                "sender signed"
            ))  # fmt: skip


def _lineage_notes(kept: Iterable[Iterable[Entry]]) -> dict[str, tuple[Any, Any]]:
    """note id -> (about, supersedes) as the sender's `note.add` / `note.amend` signed it."""
    notes = {}
    for chain in kept:
        for entry in notable(chain):
            subject = (entry.content or {}).get("subject")
            if entry.action in ("note.add", "note.amend") and isinstance(subject, str):
                notes[subject] = (entry.details.get("about"), entry.details.get("supersedes"))
    return notes
