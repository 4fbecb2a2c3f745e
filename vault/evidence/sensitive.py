"""Care for the viewer (issue 15 §4): items marked sensitive, and what may be shown of them.

Material of torture and killings harms those who review it. "Sensitive" is a descriptive
field like a title (`"sensitive": "yes"` in the signed `item.describe` details), so marking
or unmarking an item is recorded like any description. The app blurs the thumbnails and
previews of sensitive items until the viewer reveals them for the session; a report shows
a sensitive exhibit through its latest redacted copy, or a placeholder, and says which.
"""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from PIL import Image, ImageFilter, UnidentifiedImageError

from vault.case.handle import Case
from vault.case.people import awaiting_signature, introduced, public_keys
from vault.case.signatures import Signatures, Signed
from vault.custody.entry import Entry, parse_line, read_indexed_entries
from vault.custody.hands import Hands
from vault.errors import InvalidInput
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


@dataclass(frozen=True)
class Mark:
    """One description as read: whose log, the item it describes and whether it marks it
    sensitive, the signature that must verify for it to count (None: it is not as signed
    already), and every item it names (its content's subject, and its row's index)."""

    chain: tuple[str, str] | None  # a kept chain's key; None: this case's own log
    subject: str | None
    sensitive: bool
    signed: Signed | None
    named: frozenset[str]


def sensitive_ids(case: Case, signatures: Signatures | None = None) -> set[str]:
    """Every item whose latest signed `item.describe` marks it sensitive: this case's, or
    for an item this case never described, a sender's (a kept chain's). And every item a
    description not as signed names: its mark cannot be read, so the viewer is spared
    (verify names the entry). "As signed" is the app's (`people.signed_in_place`):
    values, hashes, place and a signature by a key the chain introduced. Entries whose
    index was changed to another action are not read here; verify names them."""
    marks = [*own_marks(case)[0], *kept_marks(case.conn)]
    return sensitive_from(marks, signatures or Signatures())


def sensitive_from(marks: Iterable[Mark], signatures: Signatures) -> set[str]:
    """`sensitive_ids` from descriptions already read (own ones in seq order, each kept
    chain's in its order), with `signatures` (a description whose signature waits for a
    later check counts as not signed yet: its item is spared the viewer meanwhile)."""
    own: dict[str, bool] = {}
    kept: dict[tuple[tuple[str, str], str], bool] = {}
    doubted: set[str] = set()
    for mark in marks:
        if mark.signed is None or mark.subject is None or not signatures.holds(*mark.signed):
            doubted |= mark.named
        elif mark.chain is None:
            own[mark.subject] = mark.sensitive
        else:
            kept[(mark.chain, mark.subject)] = mark.sensitive
    senders = {subject for (_chain, subject), marked in kept.items() if marked}
    return {item for item, marked in own.items() if marked} | doubted | (senders - own.keys())


def own_marks(case: Case, after: int = -1) -> tuple[list[Mark], int]:
    """This case's descriptions after seq `after`, in order, and the last seq read (a view
    reads only the new ones after an act: entries never change while the case is open)."""
    keys = public_keys(case.identities())
    marks, last = [], after
    rows = read_indexed_entries(
        case.conn, "WHERE action = 'item.describe' AND seq > ?", (after,), json.loads
    )
    for entry, (_action, indexed), text in rows:
        signed = awaiting_signature(entry, case.id, keys, None, text)
        subject = entry.subject if entry.action == "item.describe" else None
        named = frozenset(name for name in (subject, indexed) if isinstance(name, str))
        marks.append(Mark(None, subject, is_sensitive(entry.details), signed, named))
        last = entry.seq
    return marks, last


# A kept chain's descriptions and the entries that introduce its people, in one scan of
# the kept lines (a received 20,000-item case holds 20,000 of them).
_KEPT_ROWS = (
    "SELECT seq, source_case, creator, line FROM lineage WHERE line LIKE '%item.describe%'"
    " OR line LIKE '%case.create%' OR line LIKE '%identity.add%'"
    " ORDER BY source_case, creator, seq"
)
_INTRODUCING = ("case.create", "identity.add")


def kept_marks(conn: sqlcipher.Connection) -> list[Mark]:
    """Every kept chain's descriptions, each chain's in its order (kept lines were checked
    on receipt; a case file edited since is verify's to name)."""
    marks: list[Mark] = []
    chains = itertools.groupby(conn.execute(_KEPT_ROWS), key=lambda row: (row[1], row[2]))
    for chain, rows in chains:
        marks += _chain_marks(chain, rows)
    return marks


def _chain_marks(
    chain: tuple[str, str], rows: Iterable[tuple[int, str, str, object]]
) -> list[Mark]:
    introducing: list[Entry] = []
    describing: list[tuple[int, Entry | None, str]] = []
    for place, _source, _creator, line in rows:
        entry = _kept_entry(line)
        said = entry.content if entry else (parse_content(line, json.loads) or {}).get("content")
        if not isinstance(said, dict):
            continue
        if said.get("action") in _INTRODUCING and entry is not None:
            introducing.append(entry)
        elif said.get("action") == "item.describe" and isinstance(said.get("subject"), str):
            describing.append((place, entry, said["subject"]))
    keys = public_keys(known.identity for known in introduced(introducing, *chain).values())
    marks = []
    for place, entry, subject in describing:
        signed = awaiting_signature(entry, chain[0], keys, place) if entry else None
        marked = entry is not None and is_sensitive(entry.details)
        marks.append(Mark(chain, subject, marked, signed, frozenset({subject})))
    return marks


def _kept_entry(line: object) -> Entry | None:
    """A kept line's entry; None when it cannot be read (verify says why)."""
    try:
        return parse_line(line, 0) if isinstance(line, str) else None
    except InvalidInput:
        return None


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
