"""What the desktop app reads of a case: `CaseReader`, a read-only view of an open case.

The app reads only through a reader, never through the case's connection: a reader has no
method that writes, and the connection it reads through refuses writes outside `Case.act`
anyway. Writes go through the core's act functions (import, notes, verify...). No Qt here.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from vault.case.casefile import CaseInfo
from vault.case.certificate import ReportKey, current_key
from vault.case.handle import Case
from vault.case.identity import Identity
from vault.case.people import public_keys, signed_in_place
from vault.case.signatures import Signatures
from vault.custody.anchors import AnchorSummary, case_anchors
from vault.custody.entry import Entry, Finding, read_entries
from vault.custody.hands import Event, Hands, signed_in_its_chain
from vault.errors import NotFound
from vault.evidence import items as _items
from vault.evidence import sensitive as _sensitive
from vault.evidence.blobreader import BlobReader
from vault.evidence.items import Item
from vault.evidence.listing import ItemLister
from vault.evidence.notes import Note, list_notes, text_withheld
from vault.i18n import _
from vault.provenance.record import provenance_by_item


@dataclass(frozen=True)
class LastVerification:
    """The latest `case.verify` entry: when (UTC), by whom, and what it found. `seq` is the
    entry's own: everything entered before it was checked by it."""

    seq: int
    at: str
    actor: str
    passed: bool
    entries: int
    items: int
    notes: int


# Signatures `sensitive_ids` checks at once (0.13-0.2 ms each here): the rest are checked
# a slice at a time while the window stays responsive.
SIGNATURE_BUDGET = 500


class CaseReader:
    """A read-only view of an open case: what the app shows, and nothing that writes."""

    def __init__(self, case: Case) -> None:
        self._case = case
        self._hands: tuple[tuple[int, int], Hands] | None = None
        # descriptions as read for the sensitive mark: this case's up to a seq (read on from
        # there after an act); the kept chains', by the count of kept lines they were read at
        self._own_marks: tuple[int, list[_sensitive.Mark]] = (-1, [])
        self._kept_marks: tuple[int, list[_sensitive.Mark]] | None = None
        self._signatures = Signatures()  # seen to verify or fail, or waiting

    def hands(self) -> Hands:
        """Every chain of the case, first hands first (vault/custody/hands.py); rebuilt only
        when the log or the kept chains grew since the last call."""
        conn = self._case.conn
        size = (
            conn.execute("SELECT count(*) FROM custody").fetchone()[0],
            conn.execute("SELECT count(*) FROM lineage").fetchone()[0],
        )
        if self._hands is None or self._hands[0] != size:
            self._hands = (size, Hands(conn, self._case.id, per_item=True))
        return self._hands[1]

    def history(self, item_id: str) -> list[Event]:
        """The item's custody from the first hands: every kept chain's entries, then ours."""
        return self.hands().item(item_id)

    def described_by(self, item_id: str) -> Event | None:
        """The entry of the description shown, in whichever chain it was signed."""
        return self.hands().description(item_id)[1]

    def kept_events(self) -> list[Event]:
        """Every entry of every kept sender log that a package.import links to, first hands
        first, each with its chain (the actors as that log introduced them)."""
        return list(self.hands().kept_events())

    def note_authors(self, notes: list[Note]) -> dict[str, Event]:
        """note id -> the entry that wrote it: a received note keeps its first author. Only
        an entry as signed by someone its chain introduced names one."""
        hands = self.hands()
        return {
            note.id: event
            for note in notes
            if (event := hands.note(note.id, note.seq)) is not None and signed_in_its_chain(event)
        }

    def shown_notes(self, notes: list[Note]) -> tuple[list[Note], dict[str, Event]]:
        """The notes as the window shows them, and who wrote each: a note's text only when
        an entry as signed by someone its chain introduced wrote that very text (a note
        added by a stranger, or whose entry's signature fails, shows why instead)."""
        authors = self.note_authors(notes)
        return [_as_written(note, authors.get(note.id)) for note in notes], authors

    @property
    def info(self) -> CaseInfo:
        return self._case.info

    @property
    def info_signed(self) -> bool:
        """Whether `info` is as the case's `case.create` signed it (else it is the row's)."""
        return self._case.info_signed

    @property
    def witness_finding(self) -> Finding | None:
        """DESIGN §8: the rolled-back-or-rewritten finding made when the case was opened."""
        return self._case.witness_finding

    @property
    def actor(self) -> Identity:
        """Who is acting in this session."""
        return self._case.signer.identity

    def items(self) -> list[Item]:
        return _items.list_items(self._case.conn)

    def lister(self) -> ItemLister:
        """The evidence list, read a window at a time (vault/evidence/listing.py)."""
        return ItemLister(self._case.conn)

    def item(self, item_id: str) -> Item | None:
        """One item whole, as its signed record states it; None if not in the case."""
        try:
            return _items.get_item(self._case.conn, item_id)
        except NotFound:
            return None

    def copy_names(self, item_id: str) -> list[str]:
        """The names of the item's working copies in this case (DESIGN §10)."""
        return copy_names(self._case, item_id)

    def tags(self, item_id: str) -> dict[str, str]:
        return _items.item_tags(self._case.conn, item_id)

    def description(self, item_id: str) -> dict[str, Any]:
        """The latest signed description in any chain: a received item keeps its sender's."""
        return self.hands().description(item_id)[0]

    def sensitive_ids(self) -> set[str]:
        """Items whose latest signed description marks them sensitive, in this case or
        as received, or whose mark cannot be read (issue 15 §4; `sensitive_ids`). At most
        SIGNATURE_BUDGET signatures are checked now: an item whose description's signature
        waits (`pending_signatures`, `check_signatures`) counts as sensitive until then.
        Only descriptions new since the last call are read."""
        conn, signatures = self._case.conn, self._signatures
        after, own = self._own_marks
        new, last = _sensitive.own_marks(self._case, after)
        self._own_marks = (last, own + new)
        kept_rows = conn.execute("SELECT count(*) FROM lineage").fetchone()[0]
        if self._kept_marks is None or self._kept_marks[0] != kept_rows:
            self._kept_marks = (kept_rows, _sensitive.kept_marks(conn))  # a scan of them all
        signatures.allow(SIGNATURE_BUDGET)
        try:
            marks = itertools.chain(self._own_marks[1], self._kept_marks[1])
            return _sensitive.sensitive_from(marks, signatures)
        finally:
            signatures.allow(None)

    @property
    def pending_signatures(self) -> int:
        """How many signatures `sensitive_ids` left to check."""
        return self._signatures.pending

    def check_signatures(self, most: int) -> int:
        """Check up to `most` of the signatures left; how many are still left (then ask
        `sensitive_ids` again)."""
        return self._signatures.check(most)

    def thumbnail(self, item_id: str) -> bytes | None:
        return _items.thumbnail(self._case.conn, item_id)

    def original(self, item_id: str) -> Iterator[bytes]:
        return _items.read_original(self._case.conn, item_id)

    def stream(self, item_id: str) -> BlobReader:
        """Random access to the original in the case file (report strips; nothing on disk)."""
        return BlobReader(self._case.conn, _items.get_item(self._case.conn, item_id).blob_id)

    def own_connection(self) -> sqlcipher.Connection:
        """A read-only connection of its own to the case file (the app's background reads,
        such as counting the items with warnings, go through it while a job or the UI uses
        the case's connection); the caller closes it before the case closes."""
        return self._case.file.reader()

    def playback(self, item_id: str) -> BlobReader:
        """Random access to the original through a read-only connection of its own, so
        playback goes on while a job uses the case's connection; `close()` it when done
        (before the case closes). Nothing is written to disk."""
        conn = self.own_connection()
        conn.execute("PRAGMA busy_timeout = 100")  # short waits: closing the player never lags
        try:
            blob_id = _items.get_item(conn, item_id).blob_id
            # A read waits out a job's commit (moments); a write that holds the file longer
            # (an import larger than SQLite's cache) ends the stream short after 5 s rather
            # than freeze the player's stop for as long.
            return BlobReader(conn, blob_id, owns_connection=True, wait=5.0)
        except BaseException:
            conn.close()
            raise

    def events(self, item_id: str) -> list[Entry]:
        return _items.item_events(self._case.conn, item_id)

    def notes(self, about: str | None = None) -> list[Note]:
        return list_notes(self._case.conn, about=about)

    def log_entries(self) -> list[Entry]:
        return log_entries(self._case)

    def actor_names(self) -> dict[str, str]:
        return actor_names(self._case)

    def subject_labels(self, items: list[Item]) -> dict[str, str]:
        return subject_labels(self._case, items)

    def last_verification(self) -> LastVerification | None:
        return last_verification(self._case)

    def provenance(self) -> dict[str, list[dict[str, Any]]]:
        """Every item's provenance results from the signed log, oldest first (DESIGN §9)."""
        return provenance_by_item(self._case.conn)

    def report_certificate(self) -> ReportKey | None:
        """The certificate the signer's next report is signed with; None before the first
        (one is self-issued then)."""
        return current_key(self._case)

    def anchors(self) -> AnchorSummary:
        """What the case's time-stamp anchors prove (DESIGN §8), checked now against the
        TSA roots this computer's user trusts."""
        return case_anchors(self._case)


def log_entries(case: Case) -> list[Entry]:
    """Every entry of the case's own chain, in seq order."""
    return list(read_entries(case.conn))


def copy_names(case: Case, item_id: str) -> list[str]:
    """Names of the items whose signed `item.derive` names `item_id` as their parent."""
    entries = read_entries(case.conn, "WHERE action = 'item.derive' AND content LIKE ?",
                           (f'%"parent":"{item_id}"%',))  # fmt: skip
    names = []
    for entry in entries:
        try:
            copy = _items.get_item(case.conn, str(entry.subject))
        except NotFound:
            continue
        if copy.derived_from == item_id:
            names.append(copy.original_name)
    return names


def actor_names(case: Case) -> dict[str, str]:
    """Fingerprint -> the name the case knows its holder by."""
    return {identity.fingerprint: identity.name for identity in case.identities()}


def subject_labels(case: Case, items: list[Item]) -> dict[str, str]:
    """Item and note ids -> what the log shows for them: an item's original name, or the
    item a note is about. `items` is the case's list, already loaded by the caller."""
    names = {item.id: item.original_name for item in items}
    labels = dict(names)
    for note in list_notes(case.conn):
        about = names.get(note.about) if note.about else None
        label = _("note on {name}").format(name=about) if about else _("note on the case")
        labels[note.id] = label
    return labels


def last_verification(case: Case) -> LastVerification | None:
    """The latest recorded verification, or None if the case was never verified or that
    entry is not as its actor signed it (then the window says "not verified", and a verify
    names the entry)."""
    rows = list(read_entries(case.conn, "WHERE seq = (SELECT max(seq) FROM custody"
                                        " WHERE action = 'case.verify')"))  # fmt: skip
    if not rows or rows[0].action != "case.verify" or rows[0].content is None:
        return None
    keys = public_keys(case.identities())
    if not signed_in_place(rows[0], case.id, keys):
        return None
    content = rows[0].content
    details = content.get("details") or {}
    return LastVerification(
        seq=rows[0].seq,
        at=str(content.get("at", "")),
        actor=str(content.get("actor", "")),
        passed=details.get("result") == "passed",
        entries=int(details.get("entries") or 0),
        items=int(details.get("items") or 0),
        notes=int(details.get("notes") or 0),
    )


def _as_written(note: Note, writer: Event | None) -> Note:
    if not note.text_signed:
        return note  # already withheld, with its reason
    if writer is None or (writer.entry.content or {}).get("digest") != note.sha256:
        return text_withheld(note, _(
            "The entry that wrote this note is not as signed; its text is not shown."
        ))  # fmt: skip
    said = writer.entry.details
    if (said.get("about"), said.get("supersedes")) != (note.about, note.supersedes):
        return text_withheld(note, _(
            "The case file places this note otherwise than the entry that wrote it (its "
            "item, or the note it amends); its text is not shown."
        ))  # fmt: skip
    return note
