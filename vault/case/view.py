"""Read-only views of a case that the desktop app shows: the log with actor names, the last
verification. No Qt here; the app calls these instead of writing SQL of its own."""

from __future__ import annotations

from dataclasses import dataclass

from vault.case.handle import Case
from vault.custody.entry import Entry, read_entries
from vault.evidence.items import Item
from vault.evidence.notes import list_notes
from vault.i18n import _


@dataclass(frozen=True)
class LastVerification:
    """The latest `case.verify` entry: when (UTC), by whom, and what it found."""

    at: str
    actor: str
    passed: bool
    entries: int
    items: int
    notes: int


def log_entries(case: Case) -> list[Entry]:
    """Every entry of the case's own chain, in seq order."""
    return list(read_entries(case.conn))


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
    """The latest recorded verification, or None if the case was never verified."""
    rows = list(read_entries(case.conn, "WHERE seq = (SELECT max(seq) FROM custody"
                                        " WHERE action = 'case.verify')"))  # fmt: skip
    if not rows or rows[0].content is None:
        return None
    content = rows[0].content
    details = content.get("details") or {}
    return LastVerification(
        at=str(content.get("at", "")),
        actor=str(content.get("actor", "")),
        passed=details.get("result") == "passed",
        entries=int(details.get("entries") or 0),
        items=int(details.get("items") or 0),
        notes=int(details.get("notes") or 0),
    )
