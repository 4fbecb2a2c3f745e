"""Care for the viewer (issue 15 §4): items marked sensitive, and what may be shown of them.

Material of torture and killings harms those who review it. "Sensitive" is a descriptive
field like a title (`"sensitive": "yes"` in the signed `item.describe` details), so marking
or unmarking an item is recorded like any description. The app blurs the thumbnails and
previews of sensitive items until the viewer reveals them for the session; a report shows
a sensitive exhibit through its latest redacted copy, or a placeholder, and says which.
"""

from __future__ import annotations

import io
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from PIL import Image, ImageFilter, UnidentifiedImageError

from vault.case.handle import Case
from vault.custody.entry import Entry, is_description, read_entries
from vault.evidence.items import Item, description, iter_items
from vault.evidence.notes import describe_item

FIELD = "sensitive"
BLUR_RADIUS = 12  # pixels of a 256-pixel thumbnail: shapes stay, faces and wounds do not


def is_sensitive(described: dict[str, Any]) -> bool:
    """Whether the latest signed description marks the item sensitive."""
    return str(described.get(FIELD, "")).strip().lower() == "yes"


def mark_sensitive(case: Case, item_id: str, sensitive: bool) -> Entry:
    """Mark (or unmark) the item sensitive: its latest description again, with the field
    set, as one `item.describe` act (a description is always recorded whole)."""
    fields = description(case.conn, item_id)
    fields[FIELD] = "yes" if sensitive else "no"
    return describe_item(case, item_id, fields)


def sensitive_ids(conn: sqlcipher.Connection) -> set[str]:
    """Every item whose latest signed `item.describe` marks it sensitive (one pass)."""
    latest: dict[str, dict[str, Any]] = {}
    for entry in read_entries(conn, "WHERE action = 'item.describe'"):
        if entry.subject is not None and is_description(entry, entry.subject):
            latest[entry.subject] = entry.details
    return {item_id for item_id, details in latest.items() if is_sensitive(details)}


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
