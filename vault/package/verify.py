"""verify-package (DESIGN §5): everything a package claims, checked without any case file.

Every check runs and every finding is listed. Only what the signed chains cover is trusted:
originals against the digest recorded where they entered (following lineage back to the
first import), notes against their digests, descriptions against the latest item.describe,
and the closing package.export against bag-info.txt and the payload.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from vault.case.identity import fingerprint as key_fingerprint
from vault.case.identity import public_key_pem
from vault.custody.anchors import AnchorSummary
from vault.custody.entry import ITEM_ENTERING, ChainResult, Entry, Finding
from vault.custody.logchain import LoggedChain, notable
from vault.custody.tsa import trusted_roots
from vault.custody.witness import rewritten_chain
from vault.evidence.derive import derivations
from vault.i18n import _
from vault.package import read
from vault.package.anchors import ANCHORS, package_anchors
from vault.package.bagit import BagCheck, validate
from vault.package.model import (
    FORMAT,
    Chains,
    JsonObject,
    Lineage,
    amending_order,
    chain_order,
    descriptions,
    trace_entry,
    verified_chain,
)
from vault.package.read import ORIGINALS, PackageSource, ScannedBag, read_package
from vault.package.signed import CASE_JSON, CUSTODY, MANIFEST, LogTail, check_signed_files
from vault.progress import Cancel, Progress
from vault.sharedjson import shared_pairs

DENSE_FROM = 4 << 20  # a smaller case.json is parsed whatever it holds (at most ~300 MB)


@dataclass
class PackageContents:
    """What receive needs from a verified package."""

    doc: JsonObject
    entries: LoggedChain  # read from the logs (vault.custody.logchain)
    lineage: dict[str, LoggedChain]
    logs: dict[str, LoggedChain]  # case id -> its chain; its lines verbatim: lines()
    keys: dict[str, bytes]
    head: str
    anchors: dict[str, bytes] = field(default_factory=dict)  # data/anchors/ path -> bytes


@dataclass(frozen=True)
class DerivedCopy:
    """A working copy in the package, as its signed `item.derive` states it: whoever holds
    the original can confirm the link by its SHA-256, even when the original is withheld."""

    id: str
    name: str
    parent: str
    parent_sha256: str
    parent_included: bool
    operation: str  # the operation's "op"


@dataclass
class PackageVerification:
    """The result shown to the user: every check with ✓/✗, every finding, who sent it."""

    findings: list[Finding] = field(default_factory=list)
    checks: list[tuple[str, bool]] = field(default_factory=list)
    is_bag: bool = False
    is_package: bool = False
    encrypted: bool = False
    package_id: str = ""
    sender: str = ""
    sender_name: str = ""  # sender_*: from the signed entry that introduced the sender's key
    sender_role: str = ""
    sender_organization: str = ""
    case_id: str = ""
    case_title: str = ""
    items: int = 0
    notes: int = 0
    custody: list[tuple[str, str, int]] = field(default_factory=list)  # case id, title, entries
    contents: PackageContents | None = None
    anchors: AnchorSummary = field(default_factory=AnchorSummary)  # DESIGN §8
    copies: list[DerivedCopy] = field(default_factory=list)  # DESIGN §10, from signed entries
    earlier_anchors: dict[str, AnchorSummary] = field(default_factory=dict)  # by case id

    @property
    def ok(self) -> bool:
        return self.is_package and not any(f.level == "error" for f in self.findings)

    def check(self, name: str, problems: list[Finding]) -> None:
        self.checks.append((name, not any(f.level == "error" for f in problems)))
        self.findings += problems


def verify_package(
    package: Path | str | PackageSource,
    *,
    passphrase: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancel | None = None,
) -> PackageVerification:
    """Read the package once and run every check; raises only when it cannot be opened.
    `package` may be a source already open (receive keeps it open to import from it)."""
    source = package if isinstance(package, PackageSource) else Path(package)
    scanned = read_package(source, passphrase, progress, cancelled)
    result = PackageVerification(encrypted=scanned.encrypted)
    if scanned.unreadable:  # nothing was read from it: what it lacks would only mislead
        result.check(_("The archive can be read"), _plain(scanned.problems))
        return result
    bag = validate(scanned)
    _let_go(scanned, [n for n in scanned.files if MANIFEST.fullmatch(n)])
    _only_sha256(scanned)
    result.is_bag = bag.ok
    result.check(_("The bag is complete and every checksum matches"), _plain(bag.problems))
    # The log first: once read it is kept compressed, before case.json is parsed beside it.
    unread = _too_large(scanned)
    held = CUSTODY in scanned.files and scanned.files[CUSTODY].packed is not None
    own = _logged(scanned, CUSTODY, None, "") if held else None
    doc, repeated = _case_json(scanned, unread)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or own is None:
        result.check(_("It is an evidence package"), _plain(unread or [_(
            "this is not an Evidence Vault package (no data/case.json or data/custody.jsonl)"
        )]))  # fmt: skip
        return result
    result.is_package = True
    doc, malformed = _well_formed(doc)
    malformed += [
        Finding(None, _("case.json repeats the key {key!r}").format(key=k)) for k in repeated
    ]
    _verify_contents(result, scanned, bag, doc, malformed, own)
    return result


# case.json list -> the fields each of its records must hold as text (True: or null)
_RECORD_FIELDS = {
    "identities": {"fingerprint": False, "public_key": False},
    "items": {"id": False, "path": False, "sha256": False, "original_name": False},
    "notes": {"id": False, "text": False, "sha256": False, "about": True, "supersedes": True},
}


def _well_formed(doc: JsonObject) -> tuple[JsonObject, list[Finding]]:
    """case.json with only its well-formed records, and a finding for each list that had
    others: hostile shapes are refused with a reason, never reach a check as a crash."""
    clean, problems = dict(doc), []
    for key, fields in _RECORD_FIELDS.items():
        records = doc.get(key, [])
        good = [r for r in records if _record_ok(r, fields)] if isinstance(records, list) else []
        for record in good if key == "items" else []:
            # Unsigned and never checked: a receiver recomputes it from the original. A big
            # package's is a dozen values an item, held through the whole receive.
            record.pop("metadata", None)
        if not isinstance(records, list) or len(good) != len(records):
            problems.append(
                Finding(None, _("case.json: {key} holds malformed records").format(key=key))
            )
        clean[key] = good
    return clean, problems


def _record_ok(record: Any, fields: dict[str, bool]) -> bool:
    return isinstance(record, dict) and all(
        isinstance(record.get(name), str) or (nullable and record.get(name) is None)
        for name, nullable in fields.items()
    )


def _plain(reasons: list[str]) -> list[Finding]:
    return [Finding(None, r) for r in reasons]


def _let_go(scanned: ScannedBag, names: list[str]) -> None:
    """Drop the kept bytes of files already read whole (manifests once validated, case.json
    once parsed): a big package's are megabytes that no later check reads again."""
    for name in names:
        if (found := scanned.files.get(name)) is not None:
            found.data = None


def _only_sha256(scanned: ScannedBag) -> None:
    """Once the manifests are checked, every later check reads only a file's SHA-256: the
    other digests of thousands of originals are let go of."""
    for found in scanned.files.values():
        if "sha256" in found.digests:
            found.digests = {"sha256": found.digests["sha256"]}


def _data(scanned: ScannedBag, name: str) -> bytes | None:
    found = scanned.files.get(name)
    return None if found is None else found.data


def _text(scanned: ScannedBag, name: str) -> str | None:
    data = _data(scanned, name)
    return None if data is None else data.decode("utf-8", "replace")


def _too_large(scanned: ScannedBag) -> list[str]:
    """Why the log or case.json, present, was not read (see read.ScannedBag.unkept)."""
    return [_unkept(name, scanned.files[name].size / (1 << 20), why)
            for name, why in scanned.unkept.items() if name in (CUSTODY, CASE_JSON)]  # fmt: skip


def _unkept(name: str, mib: float, why: str) -> str:
    if why == "grew":
        return _("{name} changed while it was read").format(name=name)
    if why == "size":
        return _("{name} is {size:.1f} MiB: more than this version reads ({limit} MiB)").format(
            name=name, size=mib, limit=read.KEEP_LIMIT >> 20
        )
    return _(
        "{name} ({size:.1f} MiB) is past the {limit} MiB this version reads of a package's "
        "logs, case.json and tag files together"
    ).format(name=name, size=mib, limit=read.KEEP_TOTAL >> 20)


def _too_dense(text: str) -> bool:
    """Whether a big case.json holds far more objects and arrays than one this app
    writes (one per 180 bytes: an item's line is about 560 bytes with 3 of them; one per
    64 at most): parsed, each `{}` of a hostile one costs some 70 bytes, and 127 MiB of
    them took 3.2 GB."""
    return len(text) > DENSE_FROM and text.count("{") + text.count("[") > len(text) // 64


def _case_json(scanned: ScannedBag, unread: list[str]) -> tuple[Any, list[str]]:
    """case.json parsed strictly (see _strict_json), or None and why in `unread`."""
    try:
        return _strict_json(scanned, CASE_JSON)
    except _Unread as refused:
        unread.append(str(refused))
        return None, []


class _Unread(Exception):
    """A file the checks need was not read: why, in words."""


def _strict_json(scanned: ScannedBag, name: str) -> tuple[Any, list[str]]:
    """The parsed file (None if it is not JSON) and every key an object repeats: a reader
    that keeps the first and one that keeps the last would see different documents. Its
    kept bytes are let go of once decoded, before the parse builds its objects."""
    text = _text(scanned, name)
    _let_go(scanned, [name])
    if text is None:
        return None, []
    if _too_dense(text):
        raise _Unread(_("{name} holds far more objects than one Evidence Vault writes; it "
                        "was not read").format(name=name))  # fmt: skip
    parsed = _parse(text, unsigned=True) or _parse(text, unsigned=False)
    assert parsed is not None  # kept whole, a parse has nothing to put back
    return parsed


def _parse(text: str, unsigned: bool) -> tuple[Any, list[str]] | None:
    """`text` parsed strictly (see _strict_json). With `unsigned`, each item record's
    `metadata` is dropped as soon as it is parsed, as _well_formed drops it: 20,000 items'
    were 13 MB at verify-package's peak (issue 17). None when a record so shaped stood
    anywhere but in case.json's item list (a description, say): parse again, keeping it."""
    repeated: list[str] = []
    dropped: set[int] = set()  # id() of each record dropped from; all alive in the result

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _v in items]
        repeated.extend(k for k in dict.fromkeys(keys) if keys.count(k) > 1)
        obj = shared_pairs(items)  # a big package's item list is held whole: share strings
        if unsigned and "metadata" in obj and _record_ok(obj, _RECORD_FIELDS["items"]):
            del obj["metadata"]
            dropped.add(id(obj))
        return obj

    try:
        doc = json.loads(text, object_pairs_hook=pairs)
    except (ValueError, RecursionError):  # RecursionError: hostile nesting depth
        return None, repeated
    items = doc.get("items") if isinstance(doc, dict) else None
    listed = sum(id(i) in dropped for i in items) if isinstance(items, list) else 0
    return (doc, repeated) if listed == len(dropped) else None


def _logged(
    scanned: ScannedBag, name: str, case_id: str | None, label: str
) -> tuple[LoggedChain, ChainResult, LogTail]:
    """The chain of log `name`, verified as it is read, and what its export entry signs of
    its bytes. Only the chain holds the bytes from here on, and only until it has read
    them: they are kept compressed before its signatures are checked."""
    kept = scanned.files.get(name)
    entries = LoggedChain(kept.pieces() if kept is not None else b"")
    verified = verified_chain(entries, case_id, label)  # inflated as it is read: never held whole
    _let_go(scanned, [name])
    return (*verified, LogTail(*entries.tail))


def _verify_contents(
    result: PackageVerification,
    scanned: ScannedBag,
    bag: BagCheck,
    doc: JsonObject,
    malformed: list[Finding],
    own_log: tuple[LoggedChain, ChainResult, LogTail],
) -> None:
    entries, chain, tail = own_log
    result.check(_("The custody log verifies (hashes, links, signatures)"), chain.findings)
    chains: dict[str, LoggedChain] = {}
    keys, actors, problems = dict(chain.keys), set(chain.actors), []
    for name in sorted(n for n in scanned.files if n.startswith("data/lineage/")):
        case_id = name.rsplit("/", 1)[1].removesuffix(".jsonl")
        label = _("lineage of case {id}: ").format(id=case_id)
        chains[case_id], verified, _tail = _logged(scanned, name, case_id, label)
        problems += verified.findings
        keys.update(verified.keys)
        actors |= verified.actors
    own = chain.case_id or ""
    problems += _check_links(own, entries, chains)
    result.check(_("Every earlier holder's custody log verifies"), problems)
    chains[own] = entries
    rewritten = [f for c, e in chains.items() if (f := rewritten_chain(c, e)) is not None]
    if rewritten:  # DESIGN §8: a log this computer saw otherwise; said, and refused
        result.check(_("No log is one this computer saw rolled back or rewritten"), rewritten)
    result.check(_("Every actor's key file matches the log"), _check_keys(scanned, keys, actors))
    result.check(_("case.json says only what the log records"),
                 malformed + _check_case(doc, entries, chain))  # fmt: skip
    result.check(_("Every original is the file its custody records"),
                 _check_originals(scanned, doc, own, chains))  # fmt: skip
    result.check(_("Every disclosed note matches its digest"), _check_notes(doc, entries, chains))
    result.check(_("Descriptions equal the latest signed description"),
                 _check_descriptions(doc, own, chains))  # fmt: skip
    result.check(_("The package ends with its own signed export entry"),
                 _check_closing(doc, entries, bag))  # fmt: skip
    result.check(_("Every file is the one the export entry signed"),
                 check_signed_files(scanned, bag, entries, tail))  # fmt: skip
    files: dict[str, bytes | None] = {  # the kept files anchors are looked up among
        name: f.data
        for name, f in scanned.files.items()
        if name.startswith(ANCHORS) and f.packed is not None
    }
    result.anchors = package_anchors(entries, files, trusted_roots())
    if result.anchors.anchors:
        result.check(_("Every time-stamp anchor verifies"), result.anchors.findings)
    lineage = {c: e for c, e in chains.items() if c != own}
    _check_earlier_anchors(result, own, chains, files)
    _summarise(result, doc, entries, chains, own)
    head = entries[-1].entry_hash.hex() if entries else ""
    anchors = {n: d for n, d in files.items() if d is not None}
    result.contents = PackageContents(doc, entries, lineage, dict(chains), keys, head, anchors)


def _check_earlier_anchors(
    result: PackageVerification, own: str, chains: Chains, files: dict[str, bytes | None]
) -> None:
    """Each earlier holder's anchors, chain by chain, first hands first (DESIGN §8: they
    travel on with the chain they anchor)."""
    roots = trusted_roots()
    problems = []
    for case_id in chain_order(own, chains):
        if case_id == own:
            continue
        summary = package_anchors(chains[case_id], files, roots, case_id)
        if summary.anchors:
            result.earlier_anchors[case_id] = summary
            label = _("lineage of case {id}: ").format(id=case_id)
            problems += [Finding(f.seq, label + f.reason, f.level) for f in summary.findings]
    if result.earlier_anchors:
        result.check(_("Every earlier holder's time-stamp anchor verifies"), problems)


def _check_links(
    own: str, entries: Sequence[Entry], lineage: Mapping[str, Sequence[Entry]]
) -> list[Finding]:
    """Every lineage log must be one that a package.import in the package's custody links
    to (by case id and head); none may claim the package's own case. A log nobody links
    to proves nothing, and a receiver would keep it as that case's log."""
    problems = []
    if own in lineage:
        problems.append(Finding(None, _(
            "a lineage log claims the package's own case {id}"
        ).format(id=own)))  # fmt: skip
    chains = {k: v for k, v in lineage.items() if k != own}
    reached = set(chain_order(own, {**chains, own: entries}))
    for case_id in sorted(set(chains) - reached):
        problems.append(Finding(None, _(
            "lineage of case {id}: no package.import in the package's custody links to it"
        ).format(id=case_id)))  # fmt: skip
    return problems


def _check_keys(scanned: ScannedBag, keys: dict[str, bytes], actors: set[str]) -> list[Finding]:
    """DESIGN §5: a key file for every actor of every chain, the key its log introduced. A
    person introduced who never signed needs none (a stock-tools check never reads it), but
    a file shipped for them must still be theirs."""
    problems = []
    for fp, key in sorted(keys.items()):
        pem = scanned.files.get(f"data/keys/{fp}.pem")
        if pem is None and fp not in actors:
            continue
        if pem is None or not _holds_key(pem.data, key):
            problems.append(
                Finding(None, _("the key file of {fp} is missing or differs").format(fp=fp[:16]))
            )
    # A file for no one the logs introduced proves nothing, and one named in capitals
    # would replace the real one on a disk that ignores case (Windows, macOS).
    named = {f"data/keys/{fp}.pem" for fp in keys}
    for name in sorted(n for n in scanned.files if n.startswith("data/keys/") and n not in named):
        problems.append(Finding(None, _(
            "{name} is the key file of no one the logs introduce"
        ).format(name=name)))  # fmt: skip
    return problems


def _holds_key(pem: bytes | None, key: bytes) -> bool:
    """Whether a key file holds `key`, as any PEM reader reads it (line endings, a final
    newline and the base64's line length are another writer's choice)."""
    if pem == public_key_pem(key):
        return True
    try:
        found = load_pem_public_key(pem or b"")
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return isinstance(found, Ed25519PublicKey) and found.public_bytes_raw() == key


def _check_case(doc: JsonObject, entries: Sequence[Entry], chain: ChainResult) -> list[Finding]:
    created = entries[0].details if entries else {}
    case = _object(doc.get("case"))
    problems = []
    said = (case.get("id"), case.get("title"), case.get("number"), case.get("organization"))
    logged = (
        chain.case_id,
        created.get("title"),
        created.get("number"),
        created.get("organization"),
    )
    if said != logged:
        problems.append(
            Finding(0, _("case.json names the case differently from its case.create entry"))
        )
    introduced = introductions(entries)
    for who in doc.get("identities") or []:
        fingerprint = who.get("fingerprint") if isinstance(who, dict) else None
        known = chain.keys.get(fingerprint) if isinstance(fingerprint, str) else None
        if not isinstance(who, dict) or known != _hex(who.get("public_key")):
            problems.append(
                Finding(None, _("case.json lists an identity the log never introduced"))
            )
        elif isinstance(fingerprint, str) and not _same_person(
            who, introduced.get(fingerprint, {})
        ):
            problems.append(Finding(None, _(
                "case.json names or describes an identity differently from the entry "
                "that introduced it"
            )))  # fmt: skip
    return problems


def _object(value: object) -> JsonObject:
    """`value` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def introductions(entries: Sequence[Entry]) -> dict[str, JsonObject]:
    """fingerprint -> the signed details that introduced the key (case.create at seq 0, or
    identity.add); what is shown about a person comes from here, never from case.json."""
    found: dict[str, JsonObject] = {}
    for e in notable(entries):
        if (e.action == "case.create" and e.seq == 0) or e.action == "identity.add":
            key = _hex(e.details.get("public_key"))
            if key is not None and len(key) == 32:
                found.setdefault(key_fingerprint(key), e.details)
    return found


def _same_person(who: JsonObject, signed: JsonObject) -> bool:
    """Name and role as signed (case.create's `organization` is the case's, not the
    person's, so organization is compared only against identity.add)."""
    fields = ["name", "role"] + (["organization"] if "title" not in signed else [])
    return all(who.get(f) == signed[f] for f in fields if f in signed)


def _hex(value: Any) -> bytes | None:
    try:
        return bytes.fromhex(value)
    except (TypeError, ValueError):
        return None


def _items(doc: JsonObject) -> list[JsonObject]:
    return [i for i in doc.get("items") or [] if isinstance(i, dict)]


def _check_originals(
    scanned: ScannedBag, doc: JsonObject, own: str, chains: Chains
) -> list[Finding]:
    problems, claimed, lineage = [], set(), Lineage(chains)
    imported = _imported_names(chains)
    for item in _items(doc):
        item_id, path, name = str(item.get("id")), str(item.get("path")), item.get("original_name")
        claimed.add(path)
        found = scanned.files.get(path)
        if not path.startswith(f"{ORIGINALS}{item_id}/") or found is None:
            problems.append(
                Finding(None, _("the original of {name!r} is missing").format(name=name))
            )
            continue
        digest = found.digests.get("sha256")
        why = (
            trace_entry(item_id, digest, own, lineage)
            if digest is not None and digest == item.get("sha256")
            else _("it differs from the SHA-256 in case.json")
        )
        if why:
            problems.append(Finding(None, _(
                "{name!r} is not the file its custody records (SHA-256 {sha}…): {why}"
            ).format(name=name, sha=(digest or "")[:16], why=why)))  # fmt: skip
        elif item.get("size") != found.size or (item_id, name) not in imported:
            # the name is the one the signed item.import records; the size is the file's
            problems.append(Finding(None, _(
                "case.json gives {name!r} a name or size that its signed item.import does not"
            ).format(name=name)))  # fmt: skip
    for path in sorted(p for p in scanned.files if p.startswith(ORIGINALS) and p not in claimed):
        problems.append(Finding(None, _("{p!r} is not an item of this package").format(p=path)))
    return problems


def _imported_names(chains: Chains) -> set[tuple[str, str]]:
    """(item id, original name) of every signed item.import or item.derive in any chain:
    built once, so each item's check is a look-up, not a scan of every entry. A hostile entry's
    non-text name matches nothing (and must not reach the set unhashed)."""
    found = {
        (e.subject, name)
        for chain in chains.values()
        for e in notable(chain)
        if e.action in ITEM_ENTERING
        and e.subject is not None
        and isinstance(name := e.details.get("original_name"), str)
    }
    for chain in chains.values():  # a logged chain's item.imports, named as it was read
        found |= chain.imported_names if isinstance(chain, LoggedChain) else set()
    return found


def _signed_note_digests(entries: Sequence[Entry]) -> dict[str, tuple[int, object]]:
    """note id -> (seq, digest): its own note entry, or the package.import that brought it."""
    found: dict[str, tuple[int, object]] = {}
    for e in notable(entries):
        if e.action in ("note.add", "note.amend") and e.content and e.subject is not None:
            found[e.subject] = (e.seq, e.content.get("digest"))
        elif e.action == "package.import" and isinstance(e.details.get("notes"), list):
            for n in e.details["notes"]:
                if isinstance(n, dict) and isinstance(n.get("id"), str):
                    found[n["id"]] = (e.seq, n.get("sha256"))
    return found


def _check_notes(doc: JsonObject, entries: Sequence[Entry], chains: Chains) -> list[Finding]:
    signed = _signed_note_digests(entries)
    written = {  # note id -> its note.add / note.amend, in this chain or a lineage one
        subject: e
        for chain in chains.values()
        for e in notable(chain)
        if e.action in ("note.add", "note.amend") and (subject := e.subject) is not None
    }
    problems: list[Finding] = []
    notes = [note if isinstance(note, dict) else {} for note in doc.get("notes") or []]
    items, held = {i.get("id") for i in _items(doc)}, {note.get("id") for note in notes}
    if amending_order(notes) is None:
        problems.append(Finding(None, _("the package's notes amend each other in a circle")))
    for note in notes:
        problems += _note_links(note, items, held)
        text = note.get("text")
        note_id = note.get("id")
        found = signed.get(note_id) if isinstance(note_id, str) else None
        seq, recorded = found if found else (None, None)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest() if isinstance(text, str) else None
        if digest is None or recorded != digest or note.get("sha256") != digest:
            problems.append(Finding(seq, _("a note's text does not match its signed digest")))
        entry = written.get(note_id) if isinstance(note_id, str) else None
        said = (note.get("about"), note.get("supersedes"))
        if entry is None or (entry.details.get("about"), entry.details.get("supersedes")) != said:
            problems.append(Finding(seq, _(
                "a note's item, or the note it amends, is not the one its signed entry records"
            )))  # fmt: skip
    shipped = {n.get("id") for n in doc.get("notes") or [] if isinstance(n, dict)}
    for note_id, entry in sorted(written.items(), key=lambda pair: pair[1].seq):
        if note_id not in shipped:  # a disclosed note entry: the exporter ships its note
            problems.append(Finding(entry.seq, _(
                "the log discloses note {id} but case.json does not hold it"
            ).format(id=note_id)))  # fmt: skip
    return problems


def _note_links(note: JsonObject, items: set[object], notes: set[object]) -> list[Finding]:
    """A note travels with what it is about: its item, and the note it amends (anywhere in
    case.json: DESIGN §5 sets no order)."""
    problems = []
    if note.get("about") is not None and note.get("about") not in items:
        problems.append(Finding(None, _("a note is about an item the package does not hold")))
    if note.get("supersedes") is not None and note.get("supersedes") not in notes:
        problems.append(Finding(None, _("note {id} amends a note the package does not hold").format(
            id=note.get("id"))))  # fmt: skip
    return problems


def _check_descriptions(doc: JsonObject, own: str, chains: Chains) -> list[Finding]:
    latest = descriptions(own, chains)
    return [
        Finding(None, _("the description of {name!r} is not the signed one").format(
            name=item.get("original_name")))
        for item in _items(doc)
        if item.get("description", {}) != _signed(latest, item.get("id"))
    ]  # fmt: skip


def _signed(latest: Mapping[str, object], item_id: object) -> object:
    """The latest signed description of `item_id`; {} when there is none."""
    return latest.get(item_id, {}) if isinstance(item_id, str) else {}


def _check_closing(doc: JsonObject, entries: Sequence[Entry], bag: BagCheck) -> list[Finding]:
    last = entries[-1] if entries else None
    if last is None or last.action != "package.export":
        return [Finding(None, _("the log does not end with this package's export entry"))]
    said = last.details
    package = bag.field("External-Identifier")
    wrong = [
        (said.get("package") != package or doc.get("package") != package,
         _("the package id differs between the log, bag-info.txt and case.json")),
        (not _same_items(said.get("items"), [i.get("id") for i in _items(doc)]),
         _("the items in the package are not the ones the export entry lists")),
        (bag.field("Vault-Custody-Head") != last.entry_hash.hex(),
         _("bag-info.txt names another custody head")),
        (bag.field("Vault-Custody-Length") != str(len(entries)),
         _("bag-info.txt names another custody length")),
        (bag.field("Vault-Sender") != last.actor, _("bag-info.txt names another sender")),
    ]  # fmt: skip
    return [Finding(last.seq, reason) for bad, reason in wrong if bad]


def _same_items(listed: object, held: list[object]) -> bool:
    """Whether the export entry lists exactly case.json's items, in any order (§5 sets
    none), each once."""
    if not isinstance(listed, list) or not all(isinstance(i, str) for i in [*listed, *held]):
        return False
    return Counter(listed) == Counter(held)


def _summarise(
    result: PackageVerification,
    doc: JsonObject,
    entries: Sequence[Entry],
    chains: Chains,
    own: str,
) -> None:
    case = _object(doc.get("case"))
    result.package_id = str(doc.get("package", ""))
    result.case_id, result.case_title = own, str(case.get("title", ""))
    result.items, result.notes = len(_items(doc)), len(doc.get("notes") or [])
    result.sender = entries[-1].actor if entries else ""
    introduced = introductions(entries).get(result.sender, {})
    result.sender_name = str(introduced.get("name", ""))
    result.sender_role = str(introduced.get("role", ""))
    result.sender_organization = str(introduced.get("organization", ""))
    if entries and entries[0].action == "case.create":
        result.case_title = str(entries[0].details.get("title", ""))
    result.custody = [(c, str(chains[c][0].details.get("title", "")) if chains.get(c) else "",
                       len(chains.get(c, []))) for c in chain_order(own, chains)]  # fmt: skip
    result.copies = _copies(doc, chains)


def _copies(doc: JsonObject, chains: Chains) -> list[DerivedCopy]:
    signed = derivations(e for chain in chains.values() for e in notable(chain))
    ids = {str(item.get("id")) for item in _items(doc)}
    copies = []
    for item in _items(doc):
        made = signed.get(str(item.get("id")))
        if made is None:
            continue
        operation = made.get("operation")
        copies.append(DerivedCopy(
            str(item.get("id")), str(item.get("original_name", "")), str(made.get("parent")),
            str(made.get("parent_sha256")), made.get("parent") in ids,
            str(operation.get("op")) if isinstance(operation, dict) else "",
        ))  # fmt: skip
    return copies
