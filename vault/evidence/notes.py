"""Notes on the case or an item, and an item's descriptive fields. Nothing is overwritten:
an amendment is a new note that supersedes the old, a new description a new entry."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, replace
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from vault.case.handle import Case
from vault.custody.entry import Entry
from vault.errors import InvalidInput, NotFound
from vault.evidence.fields import DESCRIPTIVE_FIELDS as FIELDS
from vault.evidence.items import SIGNED_COLUMNS, get_item, signed_content
from vault.evidence.record import note_records
from vault.i18n import _

DESCRIPTIVE_FIELDS = FIELDS  # vault/evidence/fields.py, which the CLI reads without the core


@dataclass(frozen=True)
class Note:
    id: str
    about: str | None
    text: str
    sha256: str
    supersedes: str | None
    seq: int
    problems: tuple[str, ...] = ()  # what the rows claim that the signed record does not
    text_signed: bool = True  # False: the stored text is not the signed one; `text` is ""


def note_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_note(case: Case, text: str, *, about: str | None = None) -> Note:
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
    with case.act(action, subject=note_id, digest=digest, details=details) as act:
        entry = act.log()
        act.conn.execute(
            "INSERT INTO notes (id, about, text, supersedes, seq) VALUES (?, ?, ?, ?, ?)",
            (note_id, about, text, supersedes, entry.seq),
        )
    return Note(note_id, about, text, digest, supersedes, entry.seq)


# The entry's content is read once per entry, never joined to each note's row (a received
# package.import would be copied once per note it brought in).
_NOTE_COLUMNS = "n.id, n.about, n.text, n.supersedes, n.seq"
_NOTE_FROM = "FROM notes n"


def _note(
    conn: sqlcipher.Connection, row: tuple[Any, ...], records: dict[int, dict[str, dict[str, Any]]]
) -> Note:
    """A note as its signed entry states it: the item it is about and the note it amends
    come from `note.add` / `note.amend` (or the receiving `package.import`), not the row."""
    note_id, about, text, supersedes, seq = row
    if seq not in records:  # one parse per entry, however many notes it brought in
        found = conn.execute(f"SELECT {SIGNED_COLUMNS} FROM custody WHERE seq = ?", (seq,))
        stored, content_hash, prev, entry_hash = found.fetchone() or (None, None, None, None)
        # json.loads: a receipt's thousands of item digests are read past, not held, and
        # interning them would grow the interpreter's table of shared strings for good.
        content = signed_content(stored, content_hash, prev, entry_hash, json.loads)
        records[seq] = note_records(content)
    record = records[seq].get(note_id)
    digest = note_digest(text)
    if record is None:
        problem = _("No signed entry records this note; its text is not shown.")
        return Note(note_id, about, "", digest, supersedes, seq, (problem,), False)
    problems = []
    for key, value in (("about", about), ("supersedes", supersedes)):
        if key in record and record[key] != value:
            problems.append(
                _("The case file's {field} of this note differs from its signed record; the "
                  "signed value is shown.").format(field=key)
            )  # fmt: skip
    signed = record.get("sha256") == digest
    if not signed:  # only the digest is signed: the text cannot be recovered, only withheld
        problems.append(_("The text of this note differs from its signed digest; it is not "
                          "shown."))  # fmt: skip
    return Note(note_id, record.get("about", about), text if signed else "", digest,
                record.get("supersedes", supersedes), seq, tuple(problems), signed)  # fmt: skip


def text_withheld(note: Note, problem: str) -> Note:
    """`note` with its text not shown, and why (nothing signed vouches for it)."""
    return replace(note, text="", text_signed=False, problems=(*note.problems, problem))


def get_note(conn: sqlcipher.Connection, note_id: str) -> Note:
    row = conn.execute(f"SELECT {_NOTE_COLUMNS} {_NOTE_FROM} WHERE n.id = ?", (note_id,)).fetchone()
    if row is None:
        raise NotFound()
    return _note(conn, row, {})


def list_notes(
    conn: sqlcipher.Connection, about: str | None = None, current_only: bool = False
) -> list[Note]:
    """Notes in the order written; `about=None` lists all. `current_only` hides superseded.
    A note belongs to the item its signed entry names, whatever its row says."""
    records: dict[int, dict[str, dict[str, Any]]] = {}
    rows = conn.execute(f"SELECT {_NOTE_COLUMNS} {_NOTE_FROM} ORDER BY n.seq, n.rowid")
    notes = [_note(conn, r, records) for r in rows.fetchall()]
    if about:
        notes = [n for n in notes if n.about == about]
    if current_only:
        superseded = {n.supersedes for n in notes}
        notes = [n for n in notes if n.id not in superseded]
    return notes


def describe_item(case: Case, item_id: str, fields: dict[str, Any]) -> Entry:
    """Record the item's descriptive fields (title, description, location, captured_by...)."""
    get_item(case.conn, item_id)
    details = {k: str(v) for k, v in fields.items() if v is not None}
    with case.act("item.describe", subject=item_id, details=details) as act:
        return act.log()
