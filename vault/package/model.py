"""What export, verify-package and receive agree on: names, paths, lineage, descriptions."""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from vault.custody.chain import verify_chain
from vault.custody.entry import (
    ITEM_ENTERING,
    ChainResult,
    Entry,
    Finding,
    entered_digests,
    is_description,
    parse_line,
    read_entries,
)
from vault.custody.logchain import LoggedChain, notable
from vault.errors import InvalidInput
from vault.evidence.derive import check_derivations, derivation
from vault.i18n import _

FORMAT = "evidence-vault-package/1"
MAX_NAME_BYTES = 200  # well under the 255 of common file systems, leaving room for the id
_UNSAFE = re.compile(r'[/\\%\x00-\x1f\x7f:*?"<>|]')

# A parsed JSON object from a package: any shape until a check has looked at it.
JsonObject = dict[str, Any]
# A package's chains are keyed by case id (one file per case); a case's kept chains by
# ChainKey, since two chains may claim one case id; `case_of` reads either kind of key.
ChainKey = tuple[str, str]  # (source case id, the fingerprint of its creator)
Chains = Mapping[Any, Sequence[Entry]]  # a package's: LoggedChain


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


def original_folder(item_id: str) -> str:
    return f"data/originals/{item_id}"


def original_path(item_id: str, name: str) -> str:
    return f"{original_folder(item_id)}/{safe_name(name)}"


def sources_of(entries: Sequence[Entry]) -> list[str]:
    """The source cases that this chain's package.import entries link to."""
    found = []
    for entry in notable(entries):
        if entry.action == "package.import":
            source = entry.details.get("source_case")
            if isinstance(source, str) and source not in found:
                found.append(source)
    return found


def case_of(key: str | ChainKey) -> str:
    return key if isinstance(key, str) else key[0]


def creator_of(entries: Sequence[Entry]) -> str:
    """Who created a chain: the actor of its case.create (seq 0)."""
    return entries[0].actor if entries and entries[0].seq == 0 else ""


class Lineage:
    """Chains indexed by entry hash, to follow a package.import to the very chain, and the
    very entry, it links to: its `source_case` and `source_head` (an entry hash)."""

    def __init__(self, chains: Chains) -> None:
        self.chains = chains
        self._at: dict[Any, dict[str, int]] = {}  # a listed chain's entry hashes, when asked
        self._cases = {case_of(key) for key in chains}
        self._entered: dict[Any, dict[str, int]] = {}

    def link(self, entry: Entry) -> tuple[Any, int] | None:
        """(key, index of the head) of the chain a package.import links to, or None."""
        source, head = entry.details.get("source_case"), entry.details.get("source_head")
        if entry.action != "package.import" or entry.content is None:
            return None
        if not isinstance(source, str) or not isinstance(head, str):
            return None
        found = None  # the last chain of that case holding the head, at its last place
        for key, entries in self.chains.items():
            if case_of(key) == source and (n := self._index_of(key, entries, head)) is not None:
                found = (key, n)
        return found

    def _index_of(self, key: Any, entries: Sequence[Entry], head: str) -> int | None:
        """Index of the last entry of chain `key` whose entry hash is `head` (hex)."""
        if isinstance(entries, LoggedChain):
            return entries.last_index_of(head)  # found in its hashes: nothing parsed again
        if key not in self._at:
            self._at[key] = {entry.entry_hash.hex(): n for n, entry in enumerate(entries)}
        return self._at[key].get(head)

    def has_case(self, case_id: str) -> bool:
        return case_id in self._cases

    def entered_at(self, key: Any) -> dict[str, int]:
        """item id -> the index of the first entry of chain `key` that brought it in;
        built once per chain, so tracing n items costs n look-ups, not n scans."""
        chain = self.chains.get(key, [])
        if isinstance(chain, LoggedChain):
            return chain.entered_at()  # indexed as the chain was read
        if key not in self._entered:
            found: dict[str, int] = {}
            for n, entry in enumerate(chain):
                for item_id in entered_digests(entry):
                    found.setdefault(item_id, n)
            self._entered[key] = found
        return self._entered[key]


def chain_order(own: Any, chains: Chains | Lineage) -> list[Any]:
    """Keys from the first hands to the last: every chain before the chains that received
    from it, `own` last. Only the chains that package.import entries link to (case id and
    head) are reached."""
    lineage = chains if isinstance(chains, Lineage) else Lineage(chains)
    order, queue = [own], [own]
    sources: dict[Any, list[Any]] = {}
    while queue:
        key = queue.pop(0)
        sources[key] = []
        for entry in notable(lineage.chains.get(key, [])):
            linked = lineage.link(entry)
            if linked is not None:
                sources[key].append(linked[0])
                if linked[0] not in order:
                    order.append(linked[0])
                    queue.append(linked[0])
    return _sources_first(order[::-1], sources)


def _sources_first(order: list[Any], sources: dict[Any, list[Any]]) -> list[Any]:
    """`order` (deepest first, as reached), changed only where a chain would come before
    one it received from: a case that received from the first hands directly, then from
    a later holder who had them too, has the first hands first, then that holder. Links
    in a loop cannot all be kept; the first chain of the loop is taken as it comes."""
    placed: set[Any] = set()
    ordered, pending = [], list(order)
    while pending:
        ready = (n for n, key in enumerate(pending)
                 if all(s in placed or s == key for s in sources.get(key, [])))  # fmt: skip
        key = pending.pop(next(ready, 0))
        placed.add(key)
        ordered.append(key)
    return ordered


def amending_order(notes: Sequence[JsonObject]) -> list[JsonObject] | None:
    """case.json's notes, each after the note it amends (DESIGN §5 sets no order; a note's
    row needs the one it amends first); None when notes amend each other in a circle."""
    ids = {note_id for note in notes if isinstance(note_id := note.get("id"), str)}
    later: dict[str, list[JsonObject]] = {}  # note id -> the notes amending it
    ready: deque[JsonObject] = deque()
    for note in notes:
        amends = note.get("supersedes")
        if isinstance(amends, str) and amends in ids:
            later.setdefault(amends, []).append(note)
        else:
            ready.append(note)
    ordered = []
    while ready:
        note = ready.popleft()
        ordered.append(note)
        note_id = note.get("id")
        ready.extend(later.pop(note_id, []) if isinstance(note_id, str) else [])
    return ordered if len(ordered) == len(notes) else None


def descriptions(own: Any, chains: Chains) -> dict[str, dict[str, Any]]:
    """item id -> the latest item.describe details; a later holder's description wins."""
    found: dict[str, dict[str, Any]] = {}
    for key in chain_order(own, chains):
        for entry in notable(chains.get(key, [])):
            subject = entry.content.get("subject") if entry.content else None
            if isinstance(subject, str) and is_description(entry, subject):
                found[subject] = entry.details
    return found


def kept_lines(
    conn: sqlcipher.Connection, key: ChainKey, where: str = "", params: tuple[object, ...] = ()
) -> Iterator[tuple[int, str]]:
    """A kept sender chain's rows in seq order, each as its `seq` column and its line;
    `where`: a further condition on that column (vault/custody/checked.py)."""
    rows = conn.execute(
        "SELECT seq, line FROM lineage WHERE source_case = ? AND creator = ?"
        f"{' AND ' + where if where else ''} ORDER BY seq",
        (*key, *params),
    )
    for seq, line in rows:
        # SQLite keeps what it is given; receive keeps one line a row, never a line break
        if type(seq) is not int or not isinstance(line, str) or "\n" in line:
            raise InvalidInput(_(
                "A kept log of case {id} has a line out of place in the case file (at {seq}); "
                "the case file was changed outside the app."
            ).format(id=key[0], seq=repr(seq)[:40]))  # fmt: skip
        yield seq, line


def lineage_rows(
    conn: sqlcipher.Connection, key: ChainKey, where: str = "", params: tuple[object, ...] = ()
) -> Iterator[tuple[int, Entry, str]]:
    """`kept_lines`, each with the entry its line holds (parsed as `parse_jsonl` parses it)."""
    for seq, line in kept_lines(conn, key, where, params):
        entry = parse_line(line, seq + 1)
        if entry is not None:
            yield seq, entry, line


def kept_log(
    conn: sqlcipher.Connection, key: ChainKey, noted: Callable[[int, str], object] | None = None
) -> LoggedChain:
    """A kept sender chain to be read once, with `reading()`, as its rows stream from the
    case file: then only its index and compressed lines are held (vault.custody.logchain),
    never its thousands of parsed entries. `noted`: told each row's seq and line as it is
    read (blank ones, which hold no entry, are skipped, as the chain skips them)."""

    def pieces() -> Iterator[bytes]:
        for seq, line in kept_lines(conn, key):
            if line.strip():
                if noted is not None:
                    noted(seq, line)
                yield line.encode() + b"\n"

    return LoggedChain(pieces())


def verified_chain(
    entries: LoggedChain, case_id: str | None, label: str
) -> tuple[LoggedChain, ChainResult]:
    """The chain verified as it is read line by line (its thousands of item.imports are
    checked and let go of, only indexed), its derived items checked; each finding begins
    with `label`. A line that cannot be read leaves an empty chain and says why."""
    try:
        result = verify_chain(entries.reading(), case_id)
    except InvalidInput as err:
        return LoggedChain(), ChainResult(findings=[Finding(None, f"{label}{err}")])
    derived = any(derivation(e) is not None for e in entries.notable())
    found = [*result.findings, *(check_derivations(entries) if derived else [])]
    result.findings = [Finding(f.seq, label + f.reason, f.level) for f in found]
    return entries, result


def kept_keys(conn: sqlcipher.Connection) -> list[ChainKey]:
    """The keys of the kept sender chains in a case file."""
    return [(source, creator) for source, creator in
            conn.execute("SELECT DISTINCT source_case, creator FROM lineage")]  # fmt: skip


def trace_entry(
    item_id: str, digest: str, own: Any, chains: Chains | Lineage, depth: int = 0
) -> str | None:
    """Why `item_id` with `digest` entered chain `own`, back to the first hands.

    Returns None when the digest is proven (an item.import holds it, possibly through
    package.import links into kept chains), else the reason it is not.
    """
    lineage = chains if isinstance(chains, Lineage) else Lineage(chains)
    return _trace_in(item_id, digest, own, None, lineage, depth)


def _trace_in(
    item_id: str, digest: str, key: Any, head: int | None, lineage: Lineage, depth: int
) -> str | None:
    """The trace through chain `key` up to index `head` (None: all of it): the first entry
    that brought the item in, found through the chain's index, not a scan per item."""
    if depth > len(lineage.chains):
        return "lineage loops"
    at = lineage.entered_at(key).get(item_id)
    if at is None or (head is not None and at > head):
        return f"no entry of case {case_of(key)} brought it in"
    chain = lineage.chains[key]
    if isinstance(chain, LoggedChain) and chain.imported(at, item_id) == digest:
        return None  # its own item.import holds the digest (as indexed when read)
    return _trace(item_id, digest, case_of(key), chain[at], lineage, depth)


def _trace(
    item_id: str, digest: str, case_id: str, entry: Entry, lineage: Lineage, depth: int
) -> str | None:
    """The trace from `entry` that brought the item in; a link is followed only into the
    linked chain up to the head it names, so an item must have entered at or before it."""
    if depth > len(lineage.chains):
        return "lineage loops"
    recorded = entered_digests(entry).get(item_id)
    if recorded is None:
        return f"no entry of case {case_id} brought it in"
    if recorded != digest:
        return f"seq {entry.seq} of case {case_id} records another SHA-256"
    if entry.action in ITEM_ENTERING:
        return None
    source = entry.details.get("source_case")
    linked = lineage.link(entry)
    if linked is None and isinstance(source, str) and lineage.has_case(source):
        return f"the lineage of case {source} does not reach the head seq {entry.seq} links to"
    if linked is None:
        return f"the lineage of case {source} is missing"
    key, head = linked
    return _trace_in(item_id, digest, key, head, lineage, depth + 1)


@dataclass
class LineageCheck:
    """What `verify_lineage` found: its findings; each kept chain as read (for the checks
    that look up a sender's entries); the seqs of each that it does not vouch for
    (`ChainResult.unvouched`: a report shows nothing of them), for every chain it read."""

    findings: list[Finding] = field(default_factory=list)
    chains: dict[ChainKey, LoggedChain] = field(default_factory=dict)
    unvouched: dict[ChainKey, set[int]] = field(default_factory=dict)


def verify_lineage(conn: sqlcipher.Connection, case_id: str) -> LineageCheck:
    """Re-verify every kept sender chain, and trace each received item back to its import."""
    check = LineageCheck()
    chains, findings = check.chains, check.findings
    for key in kept_keys(conn):
        label = _("lineage of case {id}: ").format(id=key[0])
        chains[key], verified = verified_chain(kept_log(conn, key), key[0], label)
        findings += verified.findings
        if chains[key]:
            check.unvouched[key] = verified.unvouched
    imports = {e.seq: e for e in read_entries(conn, "WHERE action = 'package.import'")}
    lineage = Lineage({**chains, case_id: list(imports.values())})
    read = {key: chain for key, chain in chains.items() if chain}  # not refused as read
    findings += _unlinked(chain_order(case_id, lineage), read)
    if len(read) < len(chains):  # each item traced into it would only repeat that refusal
        findings.append(Finding(None, _(
            "received items cannot be traced to their first import while a kept log "
            "cannot be read"
        )))  # fmt: skip
        return check
    rows = conn.execute("SELECT id, sha256, entered_seq FROM items ORDER BY rowid")
    for item_id, sha256, seq in rows:
        if seq not in imports:
            continue  # imported from a file here: checked against its item.import by verify
        why = _trace(item_id, sha256, case_id, imports[seq], lineage, 0)
        if why:
            reason = _("received item {id} cannot be traced to its first import ({why})")
            findings.append(Finding(seq, reason.format(id=item_id, why=why)))
    return check


def _unlinked(reached: list[Any], chains: Mapping[ChainKey, object]) -> list[Finding]:
    """Kept logs that no package.import of this case links to (a case that kept a stranger's
    log before lineage files had to be linked): they vouch for nothing, and say so."""
    return [
        Finding(None, _(
            "the kept log of case {id} created by key {fp} is linked from no package.import "
            "of this case; it vouches for nothing"
        ).format(id=source, fp=creator[:16]), "warning")
        for source, creator in sorted(set(chains) - set(reached))
    ]  # fmt: skip
