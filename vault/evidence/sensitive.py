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
from collections.abc import Iterable, Mapping
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from PIL import Image, ImageFilter, UnidentifiedImageError

from vault.case.handle import Case
from vault.case.people import introduced, public_keys, signed_in_place
from vault.case.signatures import Signatures
from vault.custody.entry import Entry, parse_line, read_entry_texts
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


KeptMarks = tuple[set[str], set[str]]  # marked sensitive by a kept chain; doubted there


def sensitive_ids(
    case: Case, kept: KeptMarks | None = None, signatures: Signatures | None = None
) -> set[str]:
    """Every item whose latest signed `item.describe` marks it sensitive: this case's, or
    for an item this case never described, a sender's (a kept chain's). And every item a
    description not as signed names (by its content or its row's index): its mark cannot
    be read, so the viewer is spared (verify names the entry). "As signed" is the app's
    (`people.signed_in_place`): values, hashes, place and a signature by a key the chain
    introduced. Entries whose index was changed to another action are not read here;
    verify names them. `kept`: the kept chains' `kept_marks`, if known (they change only
    when a package is received); `signatures`: those seen to verify by an earlier call (a
    view asks after every act), and how many may be checked now (a description whose
    signature waits is not as signed yet: its item is spared the viewer)."""
    keys = public_keys(known.identity for known in case.introductions().values())
    own, doubted = _own_marks(case, keys, signatures)
    kept_marked, kept_doubted = kept if kept is not None else kept_marks(case.conn, signatures)
    marked = {item_id for item_id, details in own.items() if is_sensitive(details)}
    return marked | doubted | kept_doubted | (kept_marked - own.keys())


def _own_marks(
    case: Case, keys: Mapping[str, bytes], signatures: Signatures | None
) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Item id -> its latest signed description in this case's log; the items doubted."""
    latest: dict[str, dict[str, Any]] = {}
    doubted: set[str] = set()
    rows = read_entry_texts(case.conn, "WHERE action = 'item.describe'", loads=json.loads)
    for entry, text in rows:
        if not signed_in_place(entry, case.id, keys, None, signatures, text):
            doubted |= _named(case.conn, entry)
        elif entry.action == "item.describe" and isinstance(entry.subject, str):
            latest[entry.subject] = entry.details
    return latest, doubted


# A kept chain's descriptions and the entries that introduce its people, in one scan of
# the kept lines (a received 20,000-item case holds 20,000 of them).
_KEPT_ROWS = (
    "SELECT seq, source_case, creator, line FROM lineage WHERE line LIKE '%item.describe%'"
    " OR line LIKE '%case.create%' OR line LIKE '%identity.add%'"
    " ORDER BY source_case, creator, seq"
)
_INTRODUCING = ("case.create", "identity.add")


def kept_marks(conn: sqlcipher.Connection, signatures: Signatures | None = None) -> KeptMarks:
    """The items a kept chain's latest signed description marks sensitive; those a kept
    description not as signed names (kept lines were checked on receipt; a case file
    edited since is verify's to name)."""
    marked: set[str] = set()
    doubted: set[str] = set()
    chains = itertools.groupby(conn.execute(_KEPT_ROWS), key=lambda row: (row[1], row[2]))
    for (source, _creator), rows in chains:
        latest, unread = _chain_marks(source, rows, signatures)
        marked |= {subject for subject, sensitive in latest.items() if sensitive}
        doubted |= unread
    return marked, doubted


def _chain_marks(
    source: str, rows: Iterable[tuple[int, str, str, object]], signatures: Signatures | None
) -> tuple[dict[str, bool], set[str]]:
    """One kept chain's latest signed mark of each item it described, and the items a
    description of it not as signed names."""
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
    keys = public_keys(known.identity for known in introduced(introducing).values())
    latest: dict[str, bool] = {}
    doubted: set[str] = set()
    for place, entry, subject in describing:
        if entry is not None and signed_in_place(entry, source, keys, place, signatures):
            latest[subject] = is_sensitive(entry.details)
        else:
            doubted.add(subject)
    return latest, doubted


def _kept_entry(line: object) -> Entry | None:
    """A kept line's entry; None when it cannot be read (verify says why)."""
    try:
        return parse_line(line, 0) if isinstance(line, str) else None
    except InvalidInput:
        return None


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
