"""Care for the viewer (issue 15 §4): items marked sensitive, and what may be shown of them.

Material of torture and killings harms those who review it. "Sensitive" is a descriptive
field like a title (`"sensitive": "yes"` in the signed `item.describe` details), so marking
or unmarking an item is recorded like any description. The app blurs the thumbnails and
previews of sensitive items until the viewer reveals them for the session; a report shows
a sensitive exhibit through its latest redacted copy, or a placeholder, and says which.
"""

from __future__ import annotations

import io
import json
from collections.abc import Container
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from PIL import Image, ImageFilter, UnidentifiedImageError

from vault.case.handle import Case
from vault.custody.entry import (
    Entry,
    entry_hash_of,
    is_signed_content,
    read_entry_texts,
    signed_line_content,
    signed_text,
)
from vault.custody.hands import Hands
from vault.evidence.items import Item, iter_items
from vault.evidence.notes import describe_item
from vault.evidence.record import parse_content

FIELD = "sensitive"
BLUR_RADIUS = 12  # pixels of a 256-pixel thumbnail: shapes stay, faces and wounds do not


def is_sensitive(described: dict[str, Any]) -> bool:
    """Whether the latest signed description marks the item sensitive."""
    return str(described.get(FIELD, "")).strip().lower() == "yes"


def mark_sensitive(case: Case, item_id: str, sensitive: bool) -> Entry:
    """Mark (or unmark) the item sensitive: its latest description again, with the field
    set, as one `item.describe` act (a description is always recorded whole; a received
    item's latest may be its sender's)."""
    fields = Hands(case.conn, case.id, per_item=True).description(item_id)[0]
    fields[FIELD] = "yes" if sensitive else "no"
    return describe_item(case, item_id, fields)


KeptMarks = tuple[set[str], set[str]]  # marked sensitive by a kept chain; doubted there


def sensitive_ids(case: Case, kept: KeptMarks | None = None) -> set[str]:
    """Every item whose latest signed `item.describe` marks it sensitive: this case's, or
    for an item this case never described, a sender's (a kept chain's). And every item a
    description not as signed names (by its content or its row's index): its mark cannot
    be read, so the viewer is spared (verify names the entry). Entries whose index was
    changed to another action are not read here; verify names them too. `kept`: the kept
    chains' `kept_marks`, if known (they change only when a package is received)."""
    own, doubted = _own_marks(case.conn, case.introductions())
    kept_marked, kept_doubted = kept if kept is not None else kept_marks(case.conn)
    marked = {item_id for item_id, details in own.items() if is_sensitive(details)}
    return marked | doubted | kept_doubted | (kept_marked - own.keys())


def _own_marks(
    conn: sqlcipher.Connection, known: Container[str]
) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Item id -> its latest signed description in this case's log; the items doubted.
    `known`: the keys the log introduced (a stranger's "no" unmarks nothing; its signature
    is verify's to check)."""
    latest: dict[str, dict[str, Any]] = {}
    doubted: set[str] = set()
    rows = read_entry_texts(conn, "WHERE action = 'item.describe'", loads=json.loads)
    for entry, text in rows:
        if not _as_signed(entry, text, known):
            doubted |= _named(conn, entry)
        elif entry.action == "item.describe" and isinstance(entry.subject, str):
            latest[entry.subject] = entry.details
    return latest, doubted


def kept_marks(conn: sqlcipher.Connection) -> KeptMarks:
    """The items a kept chain's latest signed description marks sensitive; those a kept
    description not as signed names (kept lines were checked on receipt; a case file
    edited since is verify's to name)."""
    latest: dict[tuple[str, str, str], bool] = {}
    doubted: set[str] = set()
    rows = conn.execute(
        "SELECT source_case, creator, line FROM lineage WHERE line LIKE '%item.describe%'"
        " ORDER BY source_case, creator, seq"
    )
    for source, creator, line in rows:
        content = signed_line_content(line)
        said = content or (parse_content(line, json.loads) or {}).get("content")
        if not isinstance(said, dict) or said.get("action") != "item.describe":
            continue
        subject, details = said.get("subject"), said.get("details")
        if not isinstance(subject, str):
            continue
        if content is not None and isinstance(details, dict):
            latest[(source, creator, subject)] = is_sensitive(details)
        else:
            doubted.add(subject)
    return {subject for (_s, _c, subject), marked in latest.items() if marked}, doubted


def _as_signed(entry: Entry, text: str | bytes, known: Container[str]) -> bool:
    """Its values the signed ones (the stored text hashed first: nearly always the signed
    one), its hash right, by a key the log introduced."""
    values = signed_text(text, entry.content_hash) is not None or is_signed_content(
        entry.content, entry.content_hash
    )
    hashed = entry_hash_of(entry.prev, entry.content_hash) == entry.entry_hash
    return values and hashed and entry.actor in known


def _named(conn: sqlcipher.Connection, entry: Entry) -> set[str]:
    indexed = conn.execute("SELECT subject FROM custody WHERE seq = ?", (entry.seq,)).fetchone()
    return {name for name in (entry.subject, indexed and indexed[0]) if isinstance(name, str)}


def redaction_copies(conn: sqlcipher.Connection) -> dict[str, Item]:
    """Item id -> its latest redacted working copy, as each copy's signed record states its
    derivation (its `item.derive`, or for a received copy the one its first holder signed):
    one pass over the items, a batch at a time, keeping only the copies."""
    found: dict[str, Item] = {}
    for item in iter_items(conn):
        if item.derived_from is not None and _is_redaction(item.derivation or {}):
            found[item.derived_from] = item
    return found


def _is_redaction(derivation: dict[str, Any]) -> bool:
    operation = derivation.get("operation")
    return isinstance(operation, dict) and operation.get("op") == "redact"


def blurred(image: bytes | None, radius: int = BLUR_RADIUS) -> bytes | None:
    """A thumbnail blurred beyond recognition (PNG), or None if it cannot be decoded."""
    if not image:
        return None
    try:
        img = Image.open(io.BytesIO(image))
        img.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    out = io.BytesIO()
    small = img.convert("RGB")
    small.thumbnail((64, 64))  # lose the detail before blurring: nothing to sharpen back
    small = small.resize(img.size, Image.Resampling.BILINEAR)
    small.filter(ImageFilter.GaussianBlur(radius)).save(out, "PNG")
    return out.getvalue()
