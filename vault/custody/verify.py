"""Verifying a whole case: its chain, and every original, note and identity it holds
against what the signed log recorded (DESIGN §4). Fails closed: anything not covered by
the log is a finding."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import sqlcipher3.dbapi2 as sqlcipher

from vault.case.certificate import check_certificates
from vault.case.handle import Case
from vault.case.identity import fingerprint
from vault.custody.anchors import AnchorSummary, anchor_blobs, verify_anchors
from vault.custody.chain import verify_chain
from vault.custody.entry import (
    ChainResult,
    Entry,
    Finding,
    entered_digests,
    is_signed_content,
    read_indexed_entries,
    signed_text,
    utc_now,
)
from vault.custody.records import check_items, check_notes, check_people
from vault.custody.tsa import trusted_roots
from vault.custody.witness import check_witness
from vault.errors import Cancelled
from vault.evidence.blobstore import hash_blob
from vault.evidence.derive import check_derivations
from vault.evidence.notes import note_digest
from vault.i18n import _
from vault.package.model import ChainKey, verify_lineage
from vault.progress import Cancel, Progress


@dataclass
class CaseVerification:
    """Everything one verification established, and what it checked."""

    chain: ChainResult
    findings: list[Finding] = field(default_factory=list)
    items_checked: int = 0
    notes_checked: int = 0
    bytes_hashed: int = 0
    at: str = ""
    anchors: AnchorSummary = field(default_factory=AnchorSummary)
    rolled_back: Finding | None = None  # the witness finding (§8), shown before all else
    # Each kept chain's seqs it does not vouch for; a chain that could not be read is absent.
    kept_unvouched: dict[ChainKey, set[int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)


def verify_case(
    case: Case, *, progress: Progress | None = None, cancelled: Cancel | None = None
) -> CaseVerification:
    """Recompute the chain and re-hash every original; list every finding by seq."""
    conn = case.conn
    entries, reindexed, unreadable, retexted = [], [], [], []
    for entry, columns, text in read_indexed_entries(conn):
        entries.append(entry)
        if entry.content is None:  # withheld is for a sender's log, never this case's own
            unreadable.append(entry.seq)
            continue
        if columns != (entry.action, entry.subject):
            reindexed.append(entry.seq)
        if signed_text(text, entry.content_hash) is None and is_signed_content(
            entry.content, entry.content_hash
        ):  # its values are the signed ones (else the chain's check finds the entry)
            retexted.append(entry.seq)
    # Time-stamp tokens are checked beside the chain's signatures (issue 11: on their own
    # they made a verify 1.2x longer); only their stored bytes are read here first.
    blobs = anchor_blobs(case, entries)
    with ThreadPoolExecutor(1) as anchor_thread:
        anchors = anchor_thread.submit(verify_anchors, entries, blobs.get, trusted_roots())
        chain = verify_chain(entries, case.id)
        report = _verify_rows(case, entries, chain, progress, cancelled)
        report.findings += _changed_index(reindexed)
        report.findings += _changed_text(retexted)
        changed = _("content was changed after signing")
        report.findings += [Finding(seq, changed) for seq in unreadable]
        report.chain.unvouched.update(unreadable)
        report.anchors = anchors.result()
    report.findings += report.anchors.findings
    report.findings.sort(key=lambda f: (f.seq is None, f.seq or 0))
    report.rolled_back = check_witness(conn, case.id)
    if report.rolled_back:
        report.findings.insert(0, report.rolled_back)
    return report


def _verify_rows(
    case: Case,
    entries: list[Entry],
    chain: ChainResult,
    progress: Progress | None,
    cancelled: Cancel | None,
) -> CaseVerification:
    """Everything but the anchors: the case's rows and originals against the chain."""
    conn = case.conn
    report = CaseVerification(chain, list(chain.findings), at=utc_now()[0])
    by_seq = {e.seq: e for e in entries}
    _check_case_info(conn, by_seq.get(0), report)
    _check_identities(conn, chain, report)
    _check_items(conn, entries, by_seq, report, progress, cancelled)
    _check_notes(conn, entries, by_seq, report)
    report.findings += check_derivations(entries)
    report.findings += check_people(case)
    report.findings += check_items(conn, cancelled)
    lineage = verify_lineage(conn, case.id)
    report.findings += check_notes(conn, lineage.chains.values())
    report.findings += lineage.findings
    report.kept_unvouched = lineage.unvouched
    report.findings += check_certificates(conn, entries)
    return report


def record_verification(case: Case, report: CaseVerification) -> Entry:
    """Log that the case was verified, and the result, as `case.verify`."""
    details = {
        "result": "passed" if report.ok else "failed",
        "findings": sum(1 for f in report.findings if f.level == "error"),
        "entries": report.chain.length,
        "items": report.items_checked,
        "notes": report.notes_checked,
    }
    with case.act("case.verify", details=details) as act:
        return act.log()


def _changed_index(seqs: list[int]) -> list[Finding]:
    """Entries whose `action` or `subject` column, the log's unsigned index (which item's
    description, which copies, which notes are looked up by them), is not their content's."""
    changed = _("the log's index of this entry (its action or subject) was changed outside the log")
    return [Finding(seq, changed) for seq in seqs]


def _changed_text(seqs: list[int]) -> list[Finding]:
    """Entries whose stored text is not the text that was signed, though it parses to the
    signed values (re-spaced, escaped, a key given twice): what the app reads of them is
    what was signed, but a tool reading the text its own way may read something else."""
    edited = _("the stored text of this entry was edited outside the log; its values are "
               "still the signed ones")  # fmt: skip
    return [Finding(seq, edited, "warning") for seq in seqs]


def _check_case_info(
    conn: sqlcipher.Connection, create: Entry | None, report: CaseVerification
) -> None:
    details = create.details if create else {}
    row = conn.execute("SELECT id, title, number, organization FROM case_info").fetchone()
    recorded = (create.content or {}).get("case") if create else None
    fields = (details.get("title"), details.get("number"), details.get("organization"))
    if row is None or row[0] != recorded or tuple(row[1:]) != fields:
        report.findings.append(
            Finding(0, _("the case's title, number or organization was changed outside the log"))
        )


def _check_identities(
    conn: sqlcipher.Connection, chain: ChainResult, report: CaseVerification
) -> None:
    for fp, name, key in conn.execute("SELECT fingerprint, name, public_key FROM identities"):
        if chain.keys.get(fp) != bytes(key) or fingerprint(bytes(key)) != fp:
            report.findings.append(Finding(None, _(
                "identity {name} ({fp}) was not introduced by the custody log"
            ).format(name=name, fp=fp[:16])))  # fmt: skip


def _check_items(
    conn: sqlcipher.Connection,
    entries: list[Entry],
    by_seq: dict[int, Entry],
    report: CaseVerification,
    progress: Progress | None,
    cancelled: Cancel | None,
) -> None:
    size_of = "(SELECT size FROM blobs WHERE id = blob_id)"
    (total,) = conn.execute(f"SELECT COALESCE(SUM({size_of}), 0) FROM items").fetchone()
    rows = conn.execute(  # read as they go by: a big case's rows are never held at once
        f"SELECT id, original_name, blob_id, entered_seq, {size_of} FROM items ORDER BY rowid"
    )
    done, hashes, present = 0, {}, set()
    for item_id, name, blob_id, seq, size in rows:
        present.add(item_id)
        if cancelled and cancelled():
            raise Cancelled()
        recorded = entered_digests(by_seq.get(seq)).get(item_id)
        if blob_id not in hashes:
            hashes[blob_id] = hash_blob(conn, blob_id)[0]
            report.bytes_hashed += size or 0
        if recorded is None:
            report.findings.append(
                Finding(seq, _("item {name} is not covered by the custody log").format(name=name))
            )
        elif hashes[blob_id] != recorded:
            report.findings.append(
                Finding(seq, _("the stored bytes of {name} were changed").format(name=name))
            )
        report.items_checked += 1
        done += size or 0
        if progress:
            progress(done, total)
    for entry in entries:
        for item_id in entered_digests(entry):
            if item_id not in present:
                report.findings.append(
                    Finding(
                        entry.seq, _("item {id} is missing from the case file").format(id=item_id)
                    )
                )


def _received_notes(entry: Entry | None) -> dict[str, object]:
    """note id -> SHA-256 for notes that came with a package (listed by its package.import)."""
    notes = entry.details.get("notes") if entry and entry.action == "package.import" else None
    if not isinstance(notes, list):
        return {}
    return {
        n["id"]: n.get("sha256")
        for n in notes
        if isinstance(n, dict) and isinstance(n.get("id"), str)
    }


def _check_notes(
    conn: sqlcipher.Connection,
    entries: list[Entry],
    by_seq: dict[int, Entry],
    report: CaseVerification,
) -> None:
    present = set()
    for note_id, text, seq in conn.execute("SELECT id, text, seq FROM notes"):
        present.add(note_id)
        entry = by_seq.get(seq)
        content = entry.content if entry else None
        received = _received_notes(entry)
        digest = received.get(note_id, (content or {}).get("digest"))
        if not content or (content.get("subject") != note_id and note_id not in received):
            report.findings.append(Finding(seq, _("a note is not covered by the custody log")))
        elif digest != note_digest(text):
            report.findings.append(Finding(seq, _("the text of a note was changed")))
        report.notes_checked += 1
    for entry in entries:
        if entry.action in ("note.add", "note.amend") and entry.subject not in present:
            report.findings.append(
                Finding(entry.seq, _("a note recorded here is missing from the case file"))
            )
