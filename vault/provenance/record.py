"""One provenance result (DESIGN §9) and its custody entry, `item.provenance`.

A result is a fact about the file, never about custody: an invalid manifest is recorded
loudly here and `verify` stays green. A re-check appends a new entry; none is ever edited,
so the latest entry of an item is its current reading and the older ones stay as history.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from vault.case.handle import Case
from vault.custody.entry import Entry, read_entries

STATES = ("trusted", "valid", "invalid", "unverifiable")
MAX_TEXT = 2000  # characters kept of any string a manifest or proof claims (they are hostile)


def clipped(value: Any) -> str:
    """A claimed value as a bounded string (a manifest may hold megabytes of text)."""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


@dataclass
class Provenance:
    """What a validator found. Every claimed value is a string; `codes` are the validator's
    failure and status codes, plus our own `ev.*` codes for what it could not do offline."""

    kind: str  # "c2pa" or "proofmode"
    state: str  # one of STATES
    codes: list[str] = field(default_factory=list)
    signer: str | None = None
    issuer: str | None = None
    claim_generator: str | None = None
    signed_at: str | None = None
    claims: dict[str, str] = field(default_factory=dict)
    trust: dict[str, Any] = field(default_factory=dict)
    tool: str = ""
    evidence: list[str] = field(default_factory=list)
    message: str | None = None  # the validator's own words when it refused to read

    def details(self) -> dict[str, Any]:
        """The signed `item.provenance` details."""
        return asdict(self)

    @classmethod
    def from_details(cls, details: dict[str, Any]) -> Provenance:
        known = {k: details[k] for k in cls.__dataclass_fields__ if k in details}
        return cls(**known)


def record_provenance(case: Case, item_id: str, sha256: str, result: Provenance) -> Entry:
    """Append the `item.provenance` entry: subject = the item, digest = its SHA-256."""
    with case.act("item.provenance", subject=item_id, digest=sha256) as act:
        return act.log(details=result.details())


def provenance_entries(conn: sqlcipher.Connection, item_id: str | None = None) -> list[Entry]:
    """Every `item.provenance` entry (of one item, or of all), oldest first."""
    if item_id is None:
        return list(read_entries(conn, "WHERE action = 'item.provenance'", ()))
    where = "WHERE action = 'item.provenance' AND subject = ?"
    return list(read_entries(conn, where, (item_id,)))


def entry_json(entry: Entry) -> dict[str, Any]:
    """A provenance entry as `items --json` and `provenance --json` show it."""
    return {"seq": entry.seq, "at": entry.at, **entry.details}


def provenance_by_item(conn: sqlcipher.Connection) -> dict[str, list[dict[str, Any]]]:
    """Every item's provenance results, oldest first (the last one is current)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in provenance_entries(conn):
        if entry.subject:
            found.setdefault(entry.subject, []).append(entry_json(entry))
    return found


def provenance_of(
    conn: sqlcipher.Connection, item_ids: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """The provenance results of the items `item_ids` only, oldest first (one batch of a
    long listing: found through the custody log's subject index, never the whole log)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(item_ids), 500):
        batch = tuple(item_ids[start : start + 500])
        where = f"WHERE action = 'item.provenance' AND subject IN ({','.join('?' * len(batch))})"
        for entry in read_entries(conn, where, batch):
            if entry.subject:
                found.setdefault(entry.subject, []).append(entry_json(entry))
    return found
