"""What export, verify-package and receive agree on: names, paths, lineage, descriptions."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from vault.custody.chain import verify_chain
from vault.custody.entry import Entry, Finding, entered_digests, parse_jsonl, read_entries
from vault.i18n import _

FORMAT = "evidence-vault-package/1"
MAX_NAME_BYTES = 200  # well under the 255 of common file systems, leaving room for the id
_UNSAFE = re.compile(r'[/\\%\x00-\x1f\x7f:*?"<>|]')

Chains = Mapping[str, list[Entry]]  # case id -> its entries, the package's own chain included
# A parsed JSON object from a package: any shape until a check has looked at it.
JsonObject = dict[str, Any]


def safe_name(name: str) -> str:
    """A file name safe on any disk: no separators, '%', control characters or leading dots,
    and at most MAX_NAME_BYTES of UTF-8 with the extension kept. The true name stays in
    case.json and the log."""
    cleaned = _UNSAFE.sub("_", name).strip(" ").lstrip(".").rstrip(". ") or "_"
    if len(cleaned.encode("utf-8")) <= MAX_NAME_BYTES:
        return cleaned
    stem, ext = os.path.splitext(cleaned)
    ext = ext if len(ext.encode("utf-8")) <= 16 else ""
    room = MAX_NAME_BYTES - len(ext.encode("utf-8"))
    return stem.encode("utf-8")[:room].decode("utf-8", "ignore") + ext


def original_path(item_id: str, name: str) -> str:
    return f"data/originals/{item_id}/{safe_name(name)}"


def sources_of(entries: list[Entry]) -> list[str]:
    """The source cases that this chain's package.import entries link to."""
    found = []
    for entry in entries:
        if entry.action == "package.import":
            source = entry.details.get("source_case")
            if isinstance(source, str) and source not in found:
                found.append(source)
    return found


def chain_order(own: str, chains: Chains) -> list[str]:
    """Case ids from the first hands to the last: deepest lineage first, `own` last."""
    order, queue = [own], [own]
    while queue:
        for source in sources_of(chains.get(queue.pop(0), [])):
            if source in chains and source not in order:
                order.append(source)
                queue.append(source)
    return order[::-1]


def descriptions(own: str, chains: Chains) -> dict[str, dict[str, Any]]:
    """item id -> the latest item.describe details; a later holder's description wins."""
    found: dict[str, dict[str, Any]] = {}
    for case_id in chain_order(own, chains):
        for entry in chains.get(case_id, []):
            subject = entry.content.get("subject") if entry.content else None
            if entry.action == "item.describe" and isinstance(subject, str):
                found[subject] = entry.details
    return found


def lineage_lines(conn: sqlcipher.Connection, source_case: str) -> list[str]:
    """A kept sender chain's custody.jsonl lines, verbatim as received."""
    rows = conn.execute(
        "SELECT line FROM lineage WHERE source_case = ? ORDER BY seq", (source_case,)
    )
    return [row[0] for row in rows]


def lineage_entries(conn: sqlcipher.Connection, source_case: str) -> list[Entry]:
    """A kept sender chain, as received."""
    return list(parse_jsonl(lineage_lines(conn, source_case)))


def kept_chains(conn: sqlcipher.Connection) -> dict[str, list[Entry]]:
    """Every kept sender chain in a case file."""
    cases = [r[0] for r in conn.execute("SELECT DISTINCT source_case FROM lineage")]
    return {case_id: lineage_entries(conn, case_id) for case_id in cases}


def trace_entry(
    item_id: str, digest: str, case_id: str, chains: Chains, depth: int = 0
) -> str | None:
    """Why `item_id` with `digest` entered chain `case_id`, back to the first hands.

    Returns None when the digest is proven (an item.import holds it, possibly through
    package.import links into kept chains), else the reason it is not.
    """
    if depth > len(chains):
        return "lineage loops"
    for entry in chains.get(case_id, []):
        recorded = entered_digests(entry).get(item_id)
        if recorded is None:
            continue
        if recorded != digest:
            return f"seq {entry.seq} of case {case_id} records another SHA-256"
        if entry.action == "item.import":
            return None
        source = entry.details.get("source_case")
        if not isinstance(source, str) or source not in chains:
            return f"the lineage of case {source} is missing"
        if entry.details.get("source_head") not in {e.entry_hash.hex() for e in chains[source]}:
            return f"the lineage of case {source} does not reach the head seq {entry.seq} links to"
        return trace_entry(item_id, digest, source, chains, depth + 1)
    return f"no entry of case {case_id} brought it in"


def verify_lineage(conn: sqlcipher.Connection, case_id: str) -> list[Finding]:
    """Re-verify every kept sender chain, and trace each received item back to its import."""
    chains = kept_chains(conn)
    findings = []
    for source, entries in chains.items():
        label = _("lineage of case {id}: ").format(id=source)
        findings += [Finding(f.seq, label + f.reason, f.level)
                     for f in verify_chain(entries, source).findings]  # fmt: skip
    imports = {e.seq: e.details for e in read_entries(conn, "WHERE action = 'package.import'")}
    rows = conn.execute("SELECT id, sha256, entered_seq FROM items ORDER BY rowid")
    for item_id, sha256, seq in rows:
        if seq not in imports:
            continue  # imported from a file here: checked against its item.import by verify
        details = imports[seq]
        sender, head = details.get("source_case"), details.get("source_head")
        why: str | None = "no link"
        if isinstance(sender, str) and head in {e.entry_hash.hex() for e in chains.get(sender, [])}:
            why = trace_entry(item_id, sha256, sender, chains)
        if why:
            reason = _("received item {id} cannot be traced to its first import ({why})")
            findings.append(Finding(seq, reason.format(id=item_id, why=why)))
    return findings
