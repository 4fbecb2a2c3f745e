"""What a report states, gathered from the case: the signed log, the items chosen, and a
verification computed now. Nothing here draws; nothing here trusts an unsigned row where
the log has the answer."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from vault.case.certificate import ReportKey
from vault.case.handle import Case
from vault.case.identity import Identity
from vault.custody.checked import CheckedLog
from vault.custody.entry import ITEM_ENTERING, Entry
from vault.custody.hands import Chain, Event, Hands, doubted_description, latest_description
from vault.custody.verify import CaseVerification, verify_case
from vault.errors import NotFound
from vault.evidence.items import Item, checked_thumbnail, iter_signed_items
from vault.evidence.metadata import empty_fields
from vault.evidence.notes import Note, list_notes
from vault.evidence.sensitive import redaction_copies
from vault.progress import Cancel, Progress

_HISTORIES = 64  # exhibits whose custody is read together (a query per chain)


@dataclass
class Exhibit:
    """One item as the report shows it."""

    number: int
    item: Item
    description: dict[str, Any]
    notes: list[Note]
    history: list[Event]  # every chain's entries about it, first hands first
    thumbnail: bytes | None
    intact: bool  # no verification finding at the entry that brought it in
    disagrees: bool = False  # the case file's rows disagree with the signed record
    described: Event | None = None  # the entry of the description shown, in whichever chain
    doubted: bool = False  # a description of it is not as signed: treated as sensitive
    # what the entry that first brought it in signed (`origin`); None: not vouched for
    origin: dict[str, Any] | None = None

    @property
    def events(self) -> list[Entry]:
        """This case's own entries about the item (the last hands of its history)."""
        return [event.entry for event in self.history if event.chain.own]

    def recorded(self, key: str) -> Any:
        """A property as the entry that first brought the item in (its first hands'
        `item.import` or `item.derive`) states it, else as the item's signed record holds
        it; None when that entry is not vouched for."""
        if self.origin is None:
            return None
        return self.origin.get(key, getattr(self.item, key))


@dataclass
class ReportFacts:
    """Everything one report states, apart from the exhibits (read one at a time)."""

    case: Case
    report_id: str
    verification: CaseVerification
    people: dict[str, Identity]
    item_ids: list[str]  # the exhibits', in the order they entered the case (read as needed)
    case_item_count: int
    hands: Hands
    signing: ReportKey | None = None  # the certificate the PDF is signed with
    withheld: set[int] = field(default_factory=set)  # seqs shown with hashes only
    case_notes: list[Note] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Everyone any chain introduced, for names in sentences ("received from Olena").
        self.everyone: dict[str, Identity] = {}
        for _chain, person in self.hands.people():
            self.everyone.setdefault(person.fingerprint, person)
        self.everyone.update(self.people)

    @functools.cached_property
    def redactions(self) -> dict[str, Item]:
        """Item id -> its latest redacted copy (a sensitive exhibit shows that copy)."""
        return redaction_copies(self.case.conn)

    @property
    def log(self) -> CheckedLog:
        """The case's own log, read again as it is shown (never held whole)."""
        return self.hands.own.log

    def entry(self, seq: int) -> Entry | None:
        """An entry of the case's own log (vault/custody/hands.py `own_entry`)."""
        return self.hands.own_entry(seq)

    def vouched(self, entry: Entry, chain: Chain) -> bool:
        """Whether the report may show what the entry says: not when its chain does not
        vouch for it (`ChainResult.unvouched`, the own log's or a kept chain's), nor for any
        entry of a kept chain that the verification could not read."""
        verified = self.verification
        if chain.own:
            return entry.seq not in verified.chain.unvouched
        key = chain.key if isinstance(chain.key, tuple) else None
        unvouched = verified.kept_unvouched.get(key) if key else None
        return unvouched is not None and entry.seq not in unvouched

    def vouched_event(self, event: Event) -> bool:
        """`vouched` of an event's entry in its chain."""
        return self.vouched(event.entry, event.chain)

    @property
    def partial(self) -> bool:
        return len(self.item_ids) < self.case_item_count

    def items(self) -> Iterator[Item]:
        """The exhibits' items, read a batch at a time: a big case's are never all held."""
        return (item for item, _record in self._signed_items())

    def _signed_items(self) -> Iterator[tuple[Item, dict[str, Any] | None]]:
        return iter_signed_items(self.case.conn, set(self.item_ids))

    @functools.cached_property
    def names(self) -> dict[str, str]:
        """Exhibit item id -> its original name (for ProofMode's commands)."""
        return {item.id: item.original_name for item in self.items()}

    def who(self, fingerprint: str) -> str:
        person = self.everyone.get(fingerprint)
        return f"{person.name} ({fingerprint[:8]}…)" if person else fingerprint[:8] + "…"

    def name(self, fingerprint: str) -> str:
        """A person's name as a signed entry introduced them, else their key's short form."""
        person = self.everyone.get(fingerprint)
        return person.name if person else fingerprint[:8] + "…"

    def note_written(self, note: Note) -> Event | None:
        """The entry that wrote a note: the first hands' for a received note."""
        return self.hands.note(note.id)

    def exhibits(self) -> Iterator[Exhibit]:
        """One exhibit at a time, so thumbnails and events of a big case never pile up."""
        failed = {f.seq for f in self.verification.findings if f.level == "error"}
        notes: dict[str | None, list[Note]] = {}
        for note in list_notes(self.case.conn):  # grouped by the item their signed entry names
            notes.setdefault(note.about, []).append(note)
        signed = enumerate(self._signed_items(), start=1)
        while batch := list(itertools.islice(signed, _HISTORIES)):
            histories = self.hands.histories(item.id for _n, (item, _r) in batch)
            for number, (item, record) in batch:
                yield self._exhibit(number, item, record, histories[item.id], failed, notes)

    def _exhibit(
        self,
        number: int,
        item: Item,
        record: dict[str, Any] | None,
        history: list[Event],
        failed: set[int | None],
        notes: dict[str | None, list[Note]],
    ) -> Exhibit:
        preview, withheld = checked_thumbnail(self.case.conn, item.id, record)
        if item.unsigned and item.entered_seq in failed:
            # An older file's metadata and thumbnail were never signed, and verify just
            # found them not as the original yields: shown nowhere as evidence.
            preview, withheld = None, True
            item = replace(item, metadata=empty_fields())
        described, by = latest_description(item.id, history, self.vouched_event)
        return Exhibit(
            number,
            item,
            described,
            notes.get(item.id, []),
            history,
            preview,
            item.entered_seq not in failed,
            bool(item.problems) or withheld,
            by,
            doubted_description(item.id, history, self.vouched_event),
            self._origin(item.id, history),
        )

    def _origin(self, item_id: str, history: list[Event]) -> dict[str, Any] | None:
        """What the entry that first brought the item in signed about it, in whichever
        chain; None when that entry is missing or not vouched for."""
        first = next((e for e in history if e.entry.action in ITEM_ENTERING
                      and e.entry.subject == item_id), None)  # fmt: skip
        return first.entry.details if first is not None and self.vouched_event(first) else None


def selected_items(case: Case, item_ids: list[str] | None) -> list[str]:
    """The chosen items' ids in the order they entered the case; unknown ids raise NotFound."""
    rows = case.conn.execute("SELECT id FROM items ORDER BY rowid")
    everything = [item_id for (item_id,) in rows]
    if item_ids is None:
        return everything
    wanted = set(item_ids)
    if wanted - set(everything):
        raise NotFound()
    return [item_id for item_id in everything if item_id in wanted]


def _withheld_seqs(hands: Hands, case: Case, shown: set[str]) -> set[int]:
    # Entries about items left out (and notes on them) would disclose their names and when
    # they were taken; like a package (DESIGN §5) the report keeps only their hashes.
    hidden = {item_id for (item_id,) in case.conn.execute("SELECT id FROM items")} - shown
    if not hidden:
        return set()
    hidden |= {note.id for note in list_notes(case.conn) if note.about in hidden}
    return {e.seq for e in hands.own.log if e.content and e.content.get("subject") in hidden}


def gather(
    case: Case,
    report_id: str,
    item_ids: list[str] | None,
    progress: Progress | None = None,
    cancelled: Cancel | None = None,
    signing: ReportKey | None = None,
) -> ReportFacts:
    """Verify the case now (chain and every original re-hashed) and collect the facts."""
    chosen = selected_items(case, item_ids)
    verification = verify_case(case, progress=progress, cancelled=cancelled)
    hands = Hands(case.conn, case.id)
    return ReportFacts(
        case=case,
        report_id=report_id,
        verification=verification,
        people={person.fingerprint: person for person in case.identities()},
        item_ids=chosen,
        case_item_count=case.conn.execute("SELECT count(*) FROM items").fetchone()[0],
        hands=hands,
        signing=signing,
        withheld=_withheld_seqs(hands, case, set(chosen)),
        case_notes=[note for note in list_notes(case.conn) if note.about is None],
    )
