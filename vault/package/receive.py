"""Receiving a package into a case: verify first, then import everything in one transaction.

The sender's chain (and the chains it carried) are kept verbatim in `lineage`, their keys
in `lineage_keys`, and one `package.import` entry links this case's chain to the sender's
head, so custody is provable from the first hands to the last.

The import reads the same package that was verified (one open file) and stores only the
verified bytes: each original is re-hashed as it is stored, and unless every verified item
and note is stored, nothing is. Metadata and thumbnails are recomputed from the stored
originals in memory (received originals never exist as plaintext files on disk), and
`package.import` signs their digests.

Receiving again a package whose items, notes and logs the case already holds records
nothing (no custody fact changed) and says so: `ReceiveResult.nothing_new`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from vault.case.handle import Case
from vault.custody.entry import Entry, Finding
from vault.custody.logchain import LoggedChain
from vault.custody.witness import refuse_rewritten_sender
from vault.errors import Cancelled, PackageRefused
from vault.evidence.blobstore import StoredBlob, store_bytes, store_stream
from vault.evidence.metadata import Extracted
from vault.evidence.probe import MetadataProbe, extract_stored
from vault.evidence.record import metadata_digests, package_source, stored_metadata
from vault.evidence.rows import NewItem, insert_item
from vault.i18n import _
from vault.package.anchors import shipped_anchors, token_folder
from vault.package.model import JsonObject, amending_order, creator_of, sources_of
from vault.package.read import PackageSource, open_package
from vault.package.verify import PackageContents, PackageVerification, verify_package
from vault.package.ziparchive import BadArchive
from vault.progress import Cancel, Progress


@dataclass
class ReceiveResult:
    """What a receive did. `items` and `notes` count what is new to the case; `seq` is the
    package.import entry, or None when the case already held everything (nothing recorded)."""

    verification: PackageVerification
    items: int
    notes: int
    seq: int | None
    already: int = 0  # items and notes of the package that the case held before

    @property
    def nothing_new(self) -> bool:
        return self.seq is None


def receive(
    case: Case,
    package_path: Path | str,
    *,
    passphrase: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancel | None = None,
    confirm: Callable[[PackageVerification], bool] | None = None,
) -> ReceiveResult:
    """Verify the package; on a pass import it, else raise PackageRefused with every finding.

    The package is opened once: the import reads the very file that was verified (an
    archive's descriptor stays open), and every original is re-hashed as it is stored and
    must be the verified one; nothing is recorded unless every verified item and note is
    stored. `confirm` sees the verification before anything is imported; False cancels.
    """
    with open_package(package_path, passphrase) as source:
        verification = verify_package(
            source, passphrase=passphrase, progress=progress, cancelled=cancelled
        )
        if not verification.ok or verification.contents is None:
            raise PackageRefused(verification.findings)
        _refuse_own_case(case, verification)
        refuse_rewritten_sender(case.conn, verification.case_id, verification.contents.entries)
        if confirm is not None and not confirm(verification):
            raise Cancelled(_("Nothing was received."))
        return _import(case, source, verification, cancelled)


def _refuse_own_case(case: Case, v: PackageVerification) -> None:
    """A case never receives its own log back, as the sender or as an earlier holder: the
    kept copy would stand beside the case's own chain and could contradict it."""
    if v.case_id == case.id:
        raise PackageRefused([Finding(None, _(
            "This package was exported from this very case: there is nothing to receive."
        ))], _own_log())  # fmt: skip
    contents = v.contents
    assert contents is not None
    chains = [contents.entries, *contents.lineage.values()]
    if case.id in contents.lineage or any(case.id in sources_of(c) for c in chains):
        raise PackageRefused([Finding(None, _(
            "The package carries this case's own custody log as an earlier holder's; "
            "a case cannot receive its own log back."
        ))], _own_log())  # fmt: skip


def _own_log() -> str:
    return _("The package holds this case's own log. Nothing was imported.")


def _import(
    case: Case, source: PackageSource, v: PackageVerification, cancelled: Cancel | None
) -> ReceiveResult:
    with case.act("package.import") as act:
        conn = act.conn
        details, item_ids, new_notes, already = _store(conn, source, v, cancelled)
        if details is None:
            act.abandon()  # nothing new: nothing recorded
            return ReceiveResult(v, 0, 0, None, already)
        entry = act.log(details=details)
        # Row by row: one statement over every new row would keep, in memory, a copy of
        # each page it changes until it ends (SQLite's statement journal; temp_store is
        # MEMORY), tens of megabytes for a big package.
        conn.executemany("UPDATE items SET imported_at = ? WHERE id = ?",
                         ((entry.at, item_id) for item_id in item_ids))  # fmt: skip
        _insert_notes(conn, new_notes, entry.seq)
    return ReceiveResult(v, len(item_ids), len(new_notes), entry.seq, already)


def _store(
    conn: sqlcipher.Connection,
    source: PackageSource,
    v: PackageVerification,
    cancelled: Cancel | None,
) -> tuple[JsonObject | None, list[str], list[JsonObject], int]:
    """Keep the chains, store what is new; return the package.import details (None when
    nothing is new), the ids of the items stored, the new notes and how many the case held.
    Only these leave: the parsed logs are let go of before the originals are stored, and
    case.json's records before the entry is signed (a big package's are tens of megabytes)."""
    assert v.contents is not None
    contents, v.contents = (
        v.contents,
        replace(v.contents, doc={}, entries=LoggedChain(), lineage={}, logs={}, anchors={}),
    )
    new_lines = _keep_chains(conn, contents)
    _keep_anchors(conn, contents)
    doc, head = contents.doc, contents.head
    del contents
    items = {i["id"]: i for i in doc["items"]}
    notes = doc.get("notes") or []
    held = _held_items(conn, items)
    stored = _store_originals(conn, source, {k: i for k, i in items.items() if k not in held},
                              cancelled)  # fmt: skip
    new_notes = _new_notes(conn, notes, set(items))
    already = len(held) + len(notes) - len(new_notes)
    if not stored and not new_notes and not new_lines:
        return None, [], [], already
    # Rows first, under the seq their package.import will take (the writer lock is
    # held), so each item's signed line can hold the digests of what was stored for it.
    seq, lines, seen = _next_seq(conn), {}, dict[object, object]()
    if stored:
        with MetadataProbe() as probe:
            # in the sender's order (case.json's), not the order the files were read in
            for item_id in (i for i in items if i in stored):
                item, blob = items[item_id], stored[item_id]
                meta = extract_stored(conn, probe, str(item["original_name"]), blob.id, blob.size)
                signed = _insert_item(conn, item, blob, seq, v, meta)
                # the same digest (no tags, no warnings) held once, not once an item
                signed = {k: seen.setdefault(d, d) for k, d in signed.items()}
                lines[item_id] = {"id": item_id, "sha256": item["sha256"], **signed}
    return _import_details(v, head, notes, items, lines), list(stored), new_notes, already


def _next_seq(conn: sqlcipher.Connection) -> int:
    row = conn.execute("SELECT max(seq) FROM custody").fetchone()
    return 0 if row[0] is None else int(row[0]) + 1


def _import_details(
    v: PackageVerification,
    head: str,
    notes: list[JsonObject],
    items: dict[str, JsonObject],
    lines: dict[str, JsonObject],
) -> JsonObject:
    """What package.import signs (issue 9 §1): for each item stored now the digests of the
    metadata, tags, warnings and thumbnail this case recomputed for it (`lines`, the very
    objects the entry holds: not built twice); for each note the
    item it is about and the note it amends. Names, sizes and types are signed by the
    items' first hands (kept in `lineage`): a later partial export ships this entry whole,
    so it must not name items it leaves out."""
    return {
        "package": v.package_id, "sender": v.sender, "source_case": v.case_id,
        "source_head": head, "verification": "passed",
        "items": [lines.get(k) or {"id": i["id"], "sha256": i["sha256"]}
                  for k, i in items.items()],
        "notes": [{"id": n["id"], "sha256": n["sha256"], "about": n.get("about"),
                   "supersedes": n.get("supersedes")} for n in notes],
    }  # fmt: skip


def _keep_chains(conn: sqlcipher.Connection, contents: PackageContents) -> int:
    """Store each chain line by line, under its case id and creator's key (a stranger's chain
    claiming a case id is kept apart from the real one); a line already kept must be the
    same entry.
    Returns how many lines were new (or newly disclosed)."""
    new = 0
    for case_id, chain in contents.logs.items():
        creator = creator_of(contents.lineage.get(case_id, contents.entries))
        for line in chain.lines():
            obj = json.loads(line)
            row = conn.execute(
                "SELECT line FROM lineage WHERE source_case = ? AND creator = ? AND seq = ?",
                (case_id, creator, obj["seq"]),
            ).fetchone()
            if row and json.loads(row[0])["entry_hash"] != obj["entry_hash"]:
                raise PackageRefused([Finding(obj["seq"], _(
                    "the sender's log differs from the one received before from case {id}"
                ).format(id=case_id))])  # fmt: skip
            if row is None or ("content" in obj and "content" not in json.loads(row[0])):
                conn.execute(
                    "INSERT OR REPLACE INTO lineage (source_case, creator, seq, line)"
                    " VALUES (?, ?, ?, ?)",
                    (case_id, creator, obj["seq"], line),
                )
                new += 1
    for fp, key in contents.keys.items():
        conn.execute("INSERT OR IGNORE INTO lineage_keys VALUES (?, ?)", (fp, key))
    return new


def _keep_anchors(conn: sqlcipher.Connection, contents: PackageContents) -> None:
    """Keep the time-stamp tokens (and their CA files) of the sender's chain and of every
    chain it carried, so they travel on when this case exports (DESIGN §8). Only the very
    bytes a signed anchor entry names are kept, content-addressed in the blob store."""
    chains: list[tuple[str | None, Sequence[Entry]]] = [(None, contents.entries)]
    chains += list(contents.lineage.items())
    for case_id, entries in chains:
        kept = shipped_anchors(entries, dict(contents.anchors), token_folder(case_id))
        for digest, data in kept.items():
            if hashlib.sha256(data).hexdigest() == digest:
                store_bytes(conn, data)


def _held_items(conn: sqlcipher.Connection, items: dict[str, JsonObject]) -> set[str]:
    """The package's items this case already holds; the same id with other bytes is refused."""
    held = set()
    for item_id, item in items.items():
        known = conn.execute("SELECT sha256 FROM items WHERE id = ?", (item_id,)).fetchone()
        if known and known[0] != item["sha256"]:
            raise PackageRefused([Finding(None, _(
                "item {id} is already in this case with other content"
            ).format(id=item_id))])  # fmt: skip
        if known:
            held.add(item_id)
    return held


def _store_originals(
    conn: sqlcipher.Connection,
    source: PackageSource,
    items: dict[str, JsonObject],
    cancelled: Cancel | None,
) -> dict[str, StoredBlob]:
    """Second pass over the same open package: store each wanted original, re-hashed as it
    is stored; refuse unless every one is stored and is the verified file."""
    if not items:
        return {}
    by_path = {i["path"]: i for i in items.values()}
    stored: dict[str, StoredBlob] = {}
    try:
        with source.members() as members:
            for name, _size, read in members:
                item = by_path.get(name)
                if item is None:
                    continue
                blob = store_stream(conn, read, cancelled=cancelled)
                if blob.sha256 != item["sha256"] or item["id"] in stored:
                    raise _changed()
                stored[item["id"]] = blob
    except (BadArchive, UnicodeDecodeError):
        raise _changed() from None
    if len(stored) != len(items):
        raise _changed()
    return stored


def _changed() -> PackageRefused:
    return PackageRefused([Finding(None, _(
        "the package changed while it was read: it is not the one that was verified"
    ))])  # fmt: skip


def _new_notes(
    conn: sqlcipher.Connection, notes: list[JsonObject], items: set[str]
) -> list[JsonObject]:
    """The package's notes this case does not hold yet. A note held with other text, or
    one about an item (or amending a note) that neither the package nor the case holds,
    is refused: every verified note is stored, or nothing is."""
    new, ids = [], {n["id"] for n in notes}
    for note in notes:
        known = conn.execute("SELECT text FROM notes WHERE id = ?", (note["id"],)).fetchone()
        if known and known[0] != note["text"]:
            raise PackageRefused([Finding(None, _(
                "note {id} is already in this case with other text"
            ).format(id=note["id"]))])  # fmt: skip
        if _dangling(conn, note, items, ids):
            raise PackageRefused([Finding(None, _(
                "note {id} is about an item, or amends a note, that is neither in the package "
                "nor in this case"
            ).format(id=note["id"]))])  # fmt: skip
        if not known:
            new.append(note)
    return new


def _dangling(
    conn: sqlcipher.Connection, note: JsonObject, items: set[str], notes: set[str]
) -> bool:
    about, amends = note.get("about"), note.get("supersedes")
    return (about is not None and about not in items and not _exists(conn, "items", about)) or (
        amends is not None and amends not in notes and not _exists(conn, "notes", amends)
    )


def _exists(conn: sqlcipher.Connection, table: str, row_id: str) -> bool:
    query = f"SELECT 1 FROM {table} WHERE id = ?"  # table is one of two literals
    return conn.execute(query, (row_id,)).fetchone() is not None


def _insert_item(
    conn: sqlcipher.Connection,
    item: JsonObject,
    blob: StoredBlob,
    seq: int,
    v: PackageVerification,
    meta: Extracted,
) -> JsonObject:
    """Store a received item's row under `seq`; return the digests its signed line holds."""
    stored = stored_metadata(meta)
    row = NewItem(str(item["id"]), blob, str(item["original_name"]), meta.mime, "",
                  package_source(v.package_id), "package", seq)  # fmt: skip
    insert_item(conn, row, stored)
    return dict(metadata_digests(stored))


def _insert_notes(conn: sqlcipher.Connection, notes: list[JsonObject], seq: int) -> None:
    for note in amending_order(notes) or notes:  # verified: never a circle
        conn.execute(
            "INSERT INTO notes (id, about, text, supersedes, seq) VALUES (?, ?, ?, ?, ?)",
            (note["id"], note.get("about"), note["text"], note.get("supersedes"), seq),
        )
