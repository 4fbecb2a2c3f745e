"""Receiving a package into a case: verify first, then import everything in one transaction.

The sender's chain (and the chains it carried) are kept verbatim in `lineage`, their keys
in `lineage_keys`, and one `package.import` entry links this case's chain to the sender's
head, so custody is provable from the first hands to the last.

Metadata: a folder package is probed like an import; from a zip or .zip.age the originals
are never written to disk as plain files, so the sender's extracted fields are kept
(informative, recomputable from the original) and no thumbnail is made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from vault.case.handle import Case
from vault.custody.entry import Entry, Finding
from vault.errors import PackageRefused
from vault.evidence.blobstore import StoredBlob, blob_chunks, store_stream
from vault.evidence.filetype import InMemory
from vault.evidence.metadata import Extracted, quick_look
from vault.evidence.probe import MetadataProbe
from vault.i18n import _
from vault.package.read import open_members
from vault.package.verify import PackageContents, PackageVerification, verify_package
from vault.progress import Cancel, Progress

IN_MEMORY_LIMIT = 64 << 20  # the largest received image read back whole for its metadata


@dataclass
class ReceiveResult:
    verification: PackageVerification
    items: int
    notes: int
    seq: int  # the package.import entry


def receive(
    case: Case,
    package_path: Path | str,
    passphrase: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancel | None = None,
) -> ReceiveResult:
    """Verify the package; on a pass import it, else raise PackageRefused with every finding."""
    path = Path(package_path)
    verification = verify_package(path, passphrase, progress, cancelled)
    if not verification.ok or verification.contents is None:
        raise PackageRefused(verification.findings)
    contents = verification.contents
    items = {i["id"]: i for i in contents.doc["items"]}
    with case.transaction() as conn, MetadataProbe() as probe:
        _keep_chains(conn, contents)
        stored = _store_originals(conn, path, passphrase, items, cancelled)
        entry = case.record("package.import", details=_import_details(verification, items))
        for item_id, blob in stored.items():
            meta = _metadata(conn, probe, str(items[item_id]["original_name"]), blob)
            _insert_item(conn, items[item_id], blob, entry, meta)
        notes = _insert_notes(conn, contents, entry.seq)
    return ReceiveResult(verification, len(stored), notes, entry.seq)


def _import_details(v: PackageVerification, items: dict) -> dict:
    notes = v.contents.doc.get("notes") or []
    return {
        "package": v.package_id, "sender": v.sender, "source_case": v.case_id,
        "source_head": v.contents.head, "verification": "passed",
        "items": [{"id": i["id"], "sha256": i["sha256"]} for i in items.values()],
        "notes": [{"id": n["id"], "sha256": n["sha256"]} for n in notes],
    }  # fmt: skip


def _keep_chains(conn: sqlcipher.Connection, contents: PackageContents) -> None:
    """Store each chain line by line; a line already kept must be the same entry."""
    for case_id, lines in contents.lines.items():
        for line in filter(str.strip, lines):
            obj = json.loads(line)
            row = conn.execute(
                "SELECT line FROM lineage WHERE source_case = ? AND seq = ?", (case_id, obj["seq"])
            ).fetchone()
            if row and json.loads(row[0])["entry_hash"] != obj["entry_hash"]:
                raise PackageRefused([Finding(obj["seq"], _(
                    "the sender's log differs from the one received before from case {id}"
                ).format(id=case_id))])  # fmt: skip
            if row is None or ("content" in obj and "content" not in json.loads(row[0])):
                conn.execute("INSERT OR REPLACE INTO lineage VALUES (?, ?, ?)",
                             (case_id, obj["seq"], line))  # fmt: skip
    for fp, key in contents.keys.items():
        conn.execute("INSERT OR IGNORE INTO lineage_keys VALUES (?, ?)", (fp, key))


def _store_originals(
    conn: sqlcipher.Connection,
    path: Path,
    passphrase: str | None,
    items: dict[str, dict],
    cancelled: Cancel | None,
) -> dict[str, StoredBlob]:
    """Second pass over the package: store each original, and refuse if it changed since."""
    by_path = {i["path"]: i for i in items.values()}
    stored = {}
    with open_members(path, passphrase) as members:
        for name, _size, read in members:
            item = by_path.get(name)
            if item is None:
                continue
            blob = store_stream(conn, read, cancelled=cancelled)
            if blob.sha256 != item["sha256"]:
                raise PackageRefused([Finding(None, _("the package changed while it was read"))])
            stored[item["id"]] = blob
    return stored


def _metadata(
    conn: sqlcipher.Connection, probe: MetadataProbe, name: str, blob: StoredBlob
) -> Extracted:
    """Metadata recomputed from the stored original, read back into memory: received
    originals never exist as plaintext files on disk, even from an encrypted package."""
    first = next(iter(blob_chunks(conn, blob.id)), b"")
    glance = quick_look(InMemory(name, first))
    if not glance.mime.startswith("image/"):
        return glance
    if blob.size > IN_MEMORY_LIMIT:
        glance.warnings.append(_("The image is too large to read its metadata in memory."))
        return glance
    return probe.extract(InMemory(name, b"".join(blob_chunks(conn, blob.id))))


def _insert_item(
    conn: sqlcipher.Connection, item: dict, blob: StoredBlob, entry: Entry, meta: Extracted
) -> None:
    known = conn.execute("SELECT sha256 FROM items WHERE id = ?", (item["id"],)).fetchone()
    if known and known[0] != blob.sha256:
        raise PackageRefused([Finding(None, _(
            "item {id} is already in this case with other content"
        ).format(id=item["id"]))])  # fmt: skip
    if known:
        return  # received before: the new package.import records this delivery too
    conn.execute(
        "INSERT INTO items (id, blob_id, sha256, original_name, size, mime, imported_at, source,"
        " method, metadata, tags, warnings, thumbnail, entered_seq)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (item["id"], blob.id, blob.sha256, str(item["original_name"]), blob.size, meta.mime,
         entry.content["at"], _("package {id}").format(id=entry.content["details"]["package"]),
         "package", json.dumps(meta.fields), json.dumps(meta.tags),
         json.dumps(meta.warnings), meta.thumbnail, entry.seq),
    )  # fmt: skip


def _insert_notes(conn: sqlcipher.Connection, contents: PackageContents, seq: int) -> int:
    count = 0
    for note in contents.doc.get("notes") or []:
        conn.execute(
            "INSERT OR IGNORE INTO notes (id, about, text, supersedes, seq) VALUES (?, ?, ?, ?, ?)",
            (note["id"], note.get("about"), note["text"], note.get("supersedes"), seq),
        )
        count += 1
    return count
