"""What a report states, gathered from the case: the signed log, the items chosen, and a
verification computed now. Nothing here draws; nothing here trusts an unsigned row where
the log has the answer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from vault.case.handle import Case
from vault.case.identity import Identity
from vault.custody.entry import ITEM_ENTERING, Entry, read_entries
from vault.custody.verify import CaseVerification, verify_case
from vault.errors import NotFound
from vault.evidence.items import (
    Item,
    checked_thumbnail,
    description,
    item_events,
    list_items,
    signed_records,
)
from vault.evidence.notes import Note, list_notes
from vault.progress import Cancel, Progress


@dataclass
class Exhibit:
    """One item as the report shows it."""

    number: int
    item: Item
    entered: Entry | None
    description: dict[str, Any]
    notes: list[Note]
    events: list[Entry]
    thumbnail: bytes | None
    intact: bool  # no verification finding at the entry that brought it in
    disagrees: bool = False  # the case file's rows disagree with the signed record

    def recorded(self, key: str) -> Any:
        """A property as the signed `item.import` (or `item.derive`) entry states it, else as
        the case holds it."""
        content = self.entered.content if self.entered else None
        signed = content.get("details") if content else None
        if content and content.get("action") in ITEM_ENTERING and isinstance(signed, dict):
            return signed.get(key, getattr(self.item, key))
        return getattr(self.item, key)


@dataclass
class ReportFacts:
    """Everything one report states, apart from the exhibits (read one at a time)."""

    case: Case
    report_id: str
    verification: CaseVerification
    entries: list[Entry]
    people: dict[str, Identity]
    items: list[Item]
    case_item_count: int
    withheld: set[int] = field(default_factory=set)  # seqs shown with hashes only
    case_notes: list[Note] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_seq = {e.seq: e for e in self.entries}

    def entry(self, seq: int) -> Entry | None:
        return self._by_seq.get(seq)

    @property
    def partial(self) -> bool:
        return len(self.items) < self.case_item_count

    def who(self, fingerprint: str) -> str:
        person = self.people.get(fingerprint)
        return f"{person.name} ({fingerprint[:16]})" if person else fingerprint[:16]

    def exhibits(self) -> Iterator[Exhibit]:
        """One exhibit at a time, so thumbnails and events of a big case never pile up."""
        failed = {f.seq for f in self.verification.findings if f.level == "error"}
        conn = self.case.conn
        notes: dict[str | None, list[Note]] = {}
        for note in list_notes(conn):  # grouped by the item their signed entry names
            notes.setdefault(note.about, []).append(note)
        records = signed_records(conn)  # one parse per entry, not one per exhibit
        for number, item in enumerate(self.items, start=1):
            preview, withheld = checked_thumbnail(conn, item.id, records.get(item.id))
            yield Exhibit(
                number,
                item,
                self.entry(item.entered_seq),
                description(conn, item.id),
                notes.get(item.id, []),
                item_events(conn, item.id),
                preview,
                item.entered_seq not in failed,
                bool(item.problems) or withheld,
            )


def selected_items(case: Case, item_ids: list[str] | None) -> list[Item]:
    """The chosen items in the order they entered the case; unknown ids raise NotFound."""
    everything = list_items(case.conn)
    if item_ids is None:
        return everything
    wanted = set(item_ids)
    if wanted - {item.id for item in everything}:
        raise NotFound()
    return [item for item in everything if item.id in wanted]


def _withheld_seqs(case: Case, entries: list[Entry], shown: set[str]) -> set[int]:
    # Entries about items left out (and notes on them) would disclose their names and when
    # they were taken; like a package (DESIGN §5) the report keeps only their hashes.
    hidden = {item.id for item in list_items(case.conn)} - shown
    hidden |= {note.id for note in list_notes(case.conn) if note.about in hidden}
    return {e.seq for e in entries if e.content and e.content.get("subject") in hidden}


def gather(
    case: Case,
    report_id: str,
    item_ids: list[str] | None,
    progress: Progress | None = None,
    cancelled: Cancel | None = None,
) -> ReportFacts:
    """Verify the case now (chain and every original re-hashed) and collect the facts."""
    items = selected_items(case, item_ids)
    verification = verify_case(case, progress=progress, cancelled=cancelled)
    entries = list(read_entries(case.conn))
    shown = {item.id for item in items}
    return ReportFacts(
        case=case,
        report_id=report_id,
        verification=verification,
        entries=entries,
        people={person.fingerprint: person for person in case.identities()},
        items=items,
        case_item_count=case.conn.execute("SELECT count(*) FROM items").fetchone()[0],
        withheld=_withheld_seqs(case, entries, shown),
        case_notes=[note for note in list_notes(case.conn) if note.about is None],
    )
