"""Witnessed heads (DESIGN §8): a record outside the case of the furthest head this user's
computer saw, so that a case file rolled back to an older copy, cut short, or rewritten and
re-signed with its own keys is found on the next open, before anything else is done.

One small JSON file per case in the user's data folder (`witness/<case id>.json`): a case
has one writer at a time, so per-case files need no lock across processes. The witness only
advances along the chain: after a rollback it keeps the head that was lost, so the finding
stays until someone looks at it, instead of being papered over by the next close.

A receiving case is a witness of its senders: `package.import` records the sender's head,
and a later package from the same source case must extend it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from vault.custody.entry import Entry, Finding, utc_now
from vault.custody.logchain import entry_hashes, first_with_seq
from vault.errors import PackageRefused
from vault.i18n import _
from vault.userdirs import data_dir, write_atomically


@dataclass(frozen=True)
class WitnessedHead:
    """The head a close of the case left: its seq, entry_hash (hex) and local time."""

    case: str
    seq: int
    entry_hash: str
    at: str


def witness_path(case_id: str) -> Path:
    # The case id is a UUID from the case file; refuse anything that could leave the folder.
    safe = "".join(c for c in case_id if c.isalnum() or c == "-")[:64] or "_"
    return data_dir() / "witness" / f"{safe}.json"


def read_witness(case_id: str) -> WitnessedHead | None:
    """The witnessed head of a case, or None when this computer never saw it change."""
    try:
        doc = json.loads(witness_path(case_id).read_text(encoding="utf-8"))
        return WitnessedHead(case_id, int(doc["seq"]), str(doc["entry_hash"]), str(doc["at"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        # A damaged witness cannot clear a case: say so rather than pass silently.
        return WitnessedHead(case_id, -1, "", "")


def current_head(conn: sqlcipher.Connection) -> tuple[int, bytes] | None:
    row = conn.execute("SELECT seq, entry_hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], bytes(row[1])) if row else None


def check_witness(conn: sqlcipher.Connection, case_id: str) -> Finding | None:
    """The rollback-or-rewrite finding, with both heads, when the chain does not hold the
    witnessed entry_hash at the witnessed seq; None when it does (or nothing was witnessed)."""
    seen = read_witness(case_id)
    if seen is None:
        return None
    if seen.seq < 0:
        return Finding(None, _("the witness record of this case is damaged: {path}").format(
            path=witness_path(case_id)))  # fmt: skip
    row = conn.execute("SELECT entry_hash FROM custody WHERE seq = ?", (seen.seq,)).fetchone()
    if row is not None and bytes(row[0]).hex() == seen.entry_hash:
        return None
    head = current_head(conn)
    now = _("seq {seq}, head {hash}").format(
        seq=head[0], hash=head[1].hex()[:16]) if head else _("no entries")  # fmt: skip
    return Finding(seen.seq, _(
        "ROLLED BACK OR REWRITTEN: on {at} this computer saw the log reach seq {seq}"
        " (head {hash}); the case file now holds {now}"
    ).format(at=seen.at, seq=seen.seq, hash=seen.entry_hash[:16], now=now))  # fmt: skip


def record_head(conn: sqlcipher.Connection, case_id: str) -> None:
    """Witness the current head (after a change). Never moves the witness off the chain:
    a rolled-back or rewritten case keeps its finding."""
    head = current_head(conn)
    if head is None or check_witness(conn, case_id) is not None:
        return
    doc = {"case": case_id, "seq": head[0], "entry_hash": head[1].hex(), "at": utc_now()[0]}
    write_atomically(witness_path(case_id), json.dumps(doc, indent=2).encode("utf-8"))


def rewritten_chain(case_id: str, entries: Sequence[Entry]) -> Finding | None:
    """A package's chain of a case this computer witnessed: the rewrite finding when the
    chain reaches the witnessed seq with another entry there. (A shorter chain is an older
    package, not a finding: the witness holds only the furthest head.)"""
    seen = read_witness(case_id)
    at = first_with_seq(entries, seen.seq) if seen else None
    if seen is None or at is None or at.entry_hash.hex() == seen.entry_hash:
        return None
    return Finding(seen.seq, _(
        "ROLLED BACK OR REWRITTEN: on {at} this computer saw the log of case {case} reach "
        "seq {seq} (head {hash}); this package's log holds another entry there"
    ).format(at=seen.at, case=case_id, seq=seen.seq, hash=seen.entry_hash[:16]))  # fmt: skip


def received_heads(conn: sqlcipher.Connection, source_case: str) -> list[tuple[str, str]]:
    """(source_head hex, date) of every package this case received from `source_case`."""
    found = []
    rows = conn.execute("SELECT content FROM custody WHERE action = 'package.import'")
    for (text,) in rows:
        try:
            content = json.loads(text)
            details = content["details"]
            if details.get("source_case") == source_case:
                found.append((str(details.get("source_head")), str(content.get("at", ""))))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a malformed entry is verify's finding, not a reason to crash here
    return found


def _kept_hashes(conn: sqlcipher.Connection, source_case: str, creator: str) -> set[str]:
    """entry_hash (hex) of every line kept from the chain of `source_case` made by `creator`."""
    found = set()
    rows = conn.execute(
        "SELECT line FROM lineage WHERE source_case = ? AND creator = ?", (source_case, creator)
    )
    for (line,) in rows:
        try:
            found.add(str(json.loads(line)["entry_hash"]))
        except (ValueError, KeyError, TypeError, RecursionError):
            continue  # a malformed kept line is verify's finding
    return found


def refuse_rewritten_sender(
    conn: sqlcipher.Connection, source_case: str, chain: Sequence[Entry]
) -> None:
    """Refuse a package whose sender chain does not extend every head received before from
    the same source: the same case id made by the same creator (a stranger's chain claiming
    the id is kept apart, DESIGN §5, and is no witness of this one)."""
    creator = chain[0].actor if chain and chain[0].seq == 0 else ""
    kept = _kept_hashes(conn, source_case, creator)
    hashes = {h.hex() for h in entry_hashes(chain)}
    for head, at in received_heads(conn, source_case):
        if head in kept and head not in hashes:
            raise PackageRefused([Finding(None, _(
                "the sender's log was rewritten since the package of {date}"
            ).format(date=at[:19].replace("T", " ")))])  # fmt: skip
