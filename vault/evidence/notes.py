"""Notes on the case or an item, and an item's descriptive fields. Nothing is overwritten:
an amendment is a new note that supersedes the old, a new description a new entry."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from vault.case.handle import Case
from vault.custody.entry import Entry
from vault.errors import InvalidInput, NotFound
from vault.evidence.items import get_item
from vault.i18n import _

DESCRIPTIVE_FIELDS = ("title", "description", "location", "captured_by")


@dataclass(frozen=True)
class Note:
    id: str
    about: str | None
    text: str
    sha256: str
    supersedes: str | None
    seq: int


def note_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_note(case: Case, text: str, about: str | None = None) -> Note:
    """A note on the case (`about` None) or on an item; the log holds its digest, not its text."""
    return _write_note(case, text, about, supersedes=None)


def amend_note(case: Case, note_id: str, text: str) -> Note:
    """A new note that supersedes `note_id`; the old one stays, as the log says."""
    old = get_note(case.conn, note_id)
    return _write_note(case, text, old.about, supersedes=old.id)


def _write_note(case: Case, text: str, about: str | None, supersedes: str | None) -> Note:
    if not text.strip():
        raise InvalidInput(_("A note cannot be empty."))
    if about is not None:
        get_item(case.conn, about)
    note_id, digest = str(uuid.uuid4()), note_digest(text)
    action, details = (
        ("note.amend", {"about": about, "supersedes": supersedes})
        if supersedes
        else ("note.add", {"about": about})
    )
    with case.transaction() as conn:
        entry = case.record(action, note_id, digest, details)
        conn.execute(
            "INSERT INTO notes (id, about, text, supersedes, seq) VALUES (?, ?, ?, ?, ?)",
            (note_id, about, text, supersedes, entry.seq),
        )
    return Note(note_id, about, text, digest, supersedes, entry.seq)


_NOTE_COLUMNS = "id, about, text, supersedes, seq"


def _note(row: tuple[Any, ...]) -> Note:
    note_id, about, text, supersedes, seq = row
    return Note(note_id, about, text, note_digest(text), supersedes, seq)


def get_note(conn: sqlcipher.Connection, note_id: str) -> Note:
    row = conn.execute(f"SELECT {_NOTE_COLUMNS} FROM notes WHERE id = ?", (note_id,)).fetchone()
    if row is None:
        raise NotFound()
    return _note(row)


def list_notes(
    conn: sqlcipher.Connection, about: str | None = None, current_only: bool = False
) -> list[Note]:
    """Notes in the order written; `about=None` lists all. `current_only` hides superseded."""
    where = "WHERE about = ?" if about else ""
    rows = conn.execute(
        f"SELECT {_NOTE_COLUMNS} FROM notes {where} ORDER BY seq", (about,) if about else ()
    )
    notes = [_note(r) for r in rows]
    if current_only:
        superseded = {n.supersedes for n in notes}
        notes = [n for n in notes if n.id not in superseded]
    return notes


def describe_item(case: Case, item_id: str, fields: dict[str, Any]) -> Entry:
    """Record the item's descriptive fields (title, description, location, captured_by...)."""
    get_item(case.conn, item_id)
    details = {k: str(v) for k, v in fields.items() if v is not None}
    with case.transaction():
        return case.record("item.describe", item_id, None, details)
