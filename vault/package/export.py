"""Exporting a case, or some of its items, as an evidence package (DESIGN §5).

Order of work, so a cancelled or failed export never leaves a package under the chosen
name: originals stream into a temporary name beside it (a folder's item folders are made
while the case's log is read); the logs, case.json, keys and VERIFY.md are made (and
hashed); only then is `package.export` appended (one transaction), signing the SHA-256 of
every one of those files (vault/package/signed.py); then they and the tag files are
written, the result is flushed to disk and renamed into place. If writing fails after
`package.export` was appended, that entry stays: it truly records an export that was
started. The temporary holds only what the user chose to export and is removed on error.

Memory stays flat in the number of items (issue 17): the case's own log and its items are
read once, a batch at a time, never held whole; their custody.jsonl and case.json lines
are hashed as they are made and spooled (write.Spool: a folder package's go straight to
their files, a zip's are kept compressed) until written. Only the entries the metadata
files quote (imports, descriptions, anchors, provenance) are kept.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import re
import uuid
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from vault import assets
from vault.case.casefile import check_passphrase
from vault.case.handle import Case
from vault.case.identity import public_key_pem
from vault.case.people import introduced
from vault.custody.anchors import read_blob
from vault.custody.entry import (
    Entry,
    SignedText,
    is_signed_content,
    read_entry_texts,
    signed_text,
    stored_jsonl,
    to_jsonl,
)
from vault.custody.logchain import BULK, LoggedChain
from vault.errors import Cancelled, FileExists, InvalidInput, VaultError
from vault.evidence.blobstore import blob_chunks, small_blobs
from vault.evidence.items import Item, iter_items
from vault.evidence.notes import Note, list_notes
from vault.i18n import _
from vault.package.anchors import ANCHORS, anchor_files, token_folder, verify_md_section
from vault.package.bagit import declaration, info_text, info_value
from vault.package.model import (
    FORMAT,
    ChainKey,
    case_of,
    chain_order,
    descriptions,
    kept_keys,
    lineage_rows,
    original_folder,
    original_path,
)
from vault.package.signed import (
    CASE_JSON,
    CUSTODY,
    FILE_LIST,
    export_details,
    file_list_text,
    sha256_hex,
)
from vault.package.write import BagWriter, Chunks, Spool, open_writer
from vault.progress import Cancel, Progress
from vault.provenance.verify_md import verify_md_section as provenance_md_section


@dataclass
class ExportResult:
    """What was exported; `head` and `sender` are what to read out to the recipient."""

    path: Path
    package_id: str
    head: str
    sender: str
    items: int
    notes: int
    withheld: int
    encrypted: bool


# What a metadata file never reads of a kept chain: its item imports and its exports' lists
# of every item (held only as their places, vault.custody.logchain).
_UNHELD = frozenset({BULK, "package.export"})
# The own chain's entries a metadata file quotes: lineage links, descriptions, anchors and
# ProofMode commands. Every other entry is only hashed and written, a batch at a time (a
# long line on its own).
_QUOTED = frozenset({"package.import", "item.describe", "anchor.timestamp", "item.provenance"})
_LONG = 1 << 20  # characters of a log line written on its own, in slices (see _Batched)
BATCH = 1024  # custody.jsonl lines made, and case.json lines joined, at a time
# Items read together, the small ones' bytes in one query: at most PREFETCH * SMALL_BLOB
# (8 MiB) held at once.
PREFETCH, SMALL_BLOB = 128, 64 * 1024


@dataclass
class _Plan:
    chosen: set[str]
    notes: list[Note]
    custody: Spool  # the custody.jsonl lines of the entries before the export entry
    case_json: Spool  # made as the originals are written
    withheld: set[int] = field(default_factory=set)
    lineage: dict[ChainKey, LoggedChain] = field(default_factory=dict)  # as shipped
    quoted: list[Entry] = field(default_factory=list)  # _QUOTED, as the case holds them
    actors: set[str] = field(default_factory=set)  # and the people kept chains introduced
    length: int = 0  # entries of the own chain before the export entry
    custody_before: str = ""  # the SHA-256 of custody's lines
    case_json_sha256: str = ""
    item_ids: list[str] = field(default_factory=list)  # as written, for the export entry
    paths: dict[str, str] = field(default_factory=dict)  # item id -> path, of the quoted ones


def export(
    case: Case,
    out: Path | str,
    *,
    item_ids: Iterable[str] | None = None,
    recipient_label: str = "",
    encrypt_passphrase: str | None = None,
    age_recipients: list[str] | None = None,
    progress: Progress | None = None,
    cancelled: Cancel | None = None,
) -> ExportResult:
    """Write a package to `out`: a folder, `name.zip`, or `name.zip.age` (encrypted)."""
    out = Path(out)
    encrypted = bool(encrypt_passphrase or age_recipients)
    if encrypted != out.name.lower().endswith(".zip.age"):
        raise InvalidInput(_("An encrypted package is named *.zip.age, and only an encrypted one."))
    if encrypt_passphrase is not None:
        check_passphrase(encrypt_passphrase)  # the same rule as a case's passphrase
    if out.exists():
        raise FileExists()
    everything = {i for (i,) in case.conn.execute("SELECT id FROM items")}  # ids, not items
    chosen = _chosen(everything, item_ids)
    package_id = str(uuid.uuid4())
    writer = open_writer(out, encrypt_passphrase, age_recipients or [])
    try:
        # A folder package's item folders are made while the log is read (issue 17).
        writer.expect_folders(original_folder(i) for i in sorted(chosen))
        plan = _plan(case, chosen, everything, writer)
        _write_originals(case, plan, writer, package_id, progress, cancelled)
        closing = _close(case, plan, writer, package_id, {"recipient": recipient_label,
                                                          "encrypted": encrypted})  # fmt: skip
    except BaseException:
        writer.abort()
        raise
    counts = (len(plan.item_ids), len(plan.notes), len(plan.withheld))
    return ExportResult(out, package_id, closing.entry_hash.hex(), case.signer.fingerprint,
                        *counts, encrypted)  # fmt: skip


def _close(
    case: Case, plan: _Plan, writer: BagWriter, package_id: str, extra: dict[str, object]
) -> Entry:
    """Make the remaining files, append the package.export entry that signs them all
    (vault/package/signed.py), then write them and the tag files."""
    files = _metadata_files(case, plan, package_id)
    signed_info = _signed_bag_info(case, package_id)
    file_list = file_list_text(_file_list(writer, files, plan))
    commitments = export_details(file_list, plan.custody_before, plan.withheld, signed_info)
    writer.written()  # the originals are on disk (or the export fails here, unlogged)
    details = {"package": package_id, "items": plan.item_ids, **extra, **commitments}
    with case.act("package.export", details=details) as act:
        closing = act.log()
    writer.add_spool(CUSTODY, plan.custody, (to_jsonl(closing) + "\n").encode())
    writer.add_spool(CASE_JSON, plan.case_json)
    for path, (_digest, chunks) in files.items():
        writer.add(path, chunks)
    writer.add_bytes(FILE_LIST, file_list)
    writer.seal(_bag_info(signed_info, closing, plan.length + 1, writer))
    return closing


def _chosen(everything: set[str], item_ids: Iterable[str] | None) -> set[str]:
    """The ids of the items to export (all when `item_ids` is None)."""
    chosen = set(item_ids) if item_ids is not None else everything
    unknown = chosen - everything
    if unknown:
        raise InvalidInput(_("No item {id} in this case.").format(id=sorted(unknown)[0]))
    return chosen


def _plan(case: Case, chosen: set[str], everything: set[str], writer: BagWriter) -> _Plan:
    whole = len(chosen) == len(everything)
    all_notes = list_notes(case.conn)
    notes = [n for n in all_notes if n.about in chosen or (whole and n.about is None)]
    if any(not n.text_signed for n in notes):  # its signed text cannot be shipped
        raise VaultError(_("The stored text of a note does not match the log; run verify. "
                           "No package was written."))  # fmt: skip
    plan = _Plan(chosen, notes, writer.spool(), writer.spool())
    hidden = (everything - chosen) | ({n.id for n in all_notes} - {n.id for n in notes})
    _read_own_chain(case, plan, hidden)
    # Kept sender chains follow the same rule: entries about items or notes left out are
    # shipped as hashes only, and only the chains the package's items came through go.
    kept = {key: _kept_as_shipped(case, key, hidden, plan.chosen) for key in kept_keys(case.conn)}
    chains: dict[Any, Sequence[Entry]] = {key: chain for key, (chain, _a) in kept.items()}
    # The own chain's key is the bare case id, so it never meets a kept (id, creator) key.
    # Only its package.import entries link to other chains (model.Lineage).
    chains[case.id] = [_hashes_only(e) if e.seq in plan.withheld else e for e in plan.quoted]
    for key in chain_order(case.id, chains):
        if key != case.id:
            plan.lineage[key], actors = kept[key]
            plan.actors |= actors
    _one_chain_per_case(plan.lineage)
    return plan


def _kept_as_shipped(
    case: Case, key: ChainKey, hidden: set[str], chosen: set[str]
) -> tuple[LoggedChain, set[str]]:
    """A kept chain read once as the package would ship it, its rows streamed (issue 17:
    a received 20,000-item chain was held parsed, and its text beside it), and whose keys
    travel with it: its actors' and those it introduced."""

    def shipped() -> Iterator[bytes]:
        for _seq, entry, line in lineage_rows(case.conn, key):  # verbatim unless withheld
            # A line withheld as `"content": null` ships in the form DESIGN §5 gives it.
            nulled = entry.content is None and "content" in json.loads(line)
            withheld = nulled or _withheld(entry, hidden, chosen)
            yield (to_jsonl(_hashes_only(entry)) if withheld else line).encode() + b"\n"

    chain = LoggedChain(shipped(), unheld=_UNHELD)
    actors: set[str] = set()

    def noted() -> Iterator[Entry]:
        for entry in chain.reading():
            actors.add(entry.actor)
            yield entry

    # Those it introduced too: a colleague added who never signed has a key file in the
    # sender's package, and an earlier version's verifier asks for it at third hands.
    people = introduced(noted(), *key)
    return chain, actors | set(people)


def _read_own_chain(case: Case, plan: _Plan, hidden: set[str]) -> None:
    """One pass over the own chain: which entries are withheld, who acted, the entries the
    metadata files quote, and the custody.jsonl lines the export entry signs (spooled)."""
    lines = _Batched(plan.custody)
    for entry, text in read_entry_texts(case.conn, loads=json.loads):  # not held: no sharing
        withheld = _withheld(entry, hidden, plan.chosen)
        if withheld:
            plan.withheld.add(entry.seq)
        signed = signed_text(text, entry.content_hash)
        if entry.action in _QUOTED:
            plan.quoted.append(_quoted(_signed(entry, signed)))
        plan.actors.add(entry.actor)
        plan.length += 1
        head, middle, tail = stored_jsonl(entry, signed, withheld)
        del entry, text, signed  # a receipt parsed (23 MB at 20,000 items) goes first
        lines.add(head, middle, tail, "\n")
    lines.flush()
    plan.custody_before = plan.custody.close()


class _Batched:
    """Strings into a spool, BATCH of them a write; a long one (a receipt's log line, 8 MB
    at 20,000 items) written on its own, in slices, never copied whole."""

    def __init__(self, out: Spool) -> None:
        self.out, self.pending, self.count = out, list[str](), 0

    def add(self, *parts: str) -> None:
        if sum(map(len, parts)) >= _LONG:
            self.flush()
            for part in parts:
                for start in range(0, len(part), _LONG):
                    self.out.write(part[start : start + _LONG].encode())
            return
        self.pending.extend(parts)
        self.count += 1
        if self.count >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.out.write("".join(self.pending).encode())
            self.pending, self.count = [], 0


def _signed(entry: Entry, signed: SignedText | None) -> Entry:
    """`entry`, if it holds the values that were signed (`signed`: its stored text, when
    that is the signed one): case.json, VERIFY.md and the lineage quote it, as they quote
    a note's text only when it is the signed one."""
    if signed is None and not is_signed_content(entry.content, entry.content_hash):
        raise VaultError(_(
            "Entry {seq} of the case's log, which the package would quote, does not match "
            "what was signed; run verify. No package was written."
        ).format(seq=entry.seq))  # fmt: skip
    return entry


def _quoted(entry: Entry) -> Entry:
    """An entry as the metadata files read it: a receipt (package.import) only as the
    chain and head it links to, which is all they read of it; the list of every item it
    brought in (10 MB parsed at 20,000 items) is signed, shipped and checked in its line."""
    if entry.action != "package.import":
        return entry
    link = {key: entry.details.get(key) for key in ("source_case", "source_head")}
    return replace(entry, content={**(entry.content or {}), "details": link})


def _one_chain_per_case(lineage: Mapping[ChainKey, object]) -> None:
    """A package holds one lineage file per case id: two kept chains that claim one case id
    (created under different keys) cannot travel together."""
    cases = [source for source, _creator in lineage]
    clash = next((c for c in cases if cases.count(c) > 1), None)
    if clash is not None:
        raise InvalidInput(_(
            "The chosen items came through two different logs that both claim case {id}; "
            "export them in separate packages."
        ).format(id=clash))  # fmt: skip


def _hashes_only(entry: Entry) -> Entry:
    return replace(entry, content=None)


def _withheld(entry: Entry, hidden: set[str], chosen: set[str]) -> bool:
    """Entries about items or notes left out keep only their hashes, actor and signature."""
    subject = entry.content.get("subject") if entry.content else None
    if isinstance(subject, str) and subject in hidden:
        return True
    if entry.action == "package.import":
        ids = {i.get("id") for i in entry.details.get("items", []) if isinstance(i, dict)}
        return bool(ids) and not ids & chosen
    return False


def _write_originals(
    case: Case,
    plan: _Plan,
    writer: BagWriter,
    package_id: str,
    progress: Progress | None,
    cancelled: Cancel | None,
) -> None:
    """Each chosen original into the package, and its line of case.json into plan.case_json
    (the items are read once, a batch at a time)."""
    done, total = 0, _total_size(case, plan.chosen)
    quoted = _provenance_items(plan.quoted)
    case_json = _CaseJson(case, plan, package_id)
    with closing(_prefetched(case, plan)) as batches:  # its connection closed, even on error
        for batch, small in batches:
            for item in batch:
                path = original_path(item.id, item.original_name)
                read = _reader(case, item.blob_id, small.get(item.blob_id), cancelled)
                _write_original(writer, item, path, read)
                plan.item_ids.append(item.id)
                case_json.add_item(item, path)
                if item.id in quoted:
                    plan.paths[item.id] = path
                done += item.size
                if progress:
                    progress(min(done, total), total)
    case_json.close()


def _prefetched(case: Case, plan: _Plan) -> Generator[tuple[list[Item], dict[int, list[bytes]]]]:
    """The chosen items PREFETCH at a time, each batch with its small originals' bytes.
    Those of the next batch are read on a connection of their own while this thread
    writes the current one: SQLCipher decrypts them with the GIL released, on the other
    core (moving the items' own rows there too gained nothing: their rows are many small
    Python objects, made under the GIL)."""
    chosen = (i for i in iter_items(case.conn, json.loads) if i.id in plan.chosen)
    with closing(case.file.reader()) as reader, ThreadPoolExecutor(1, "export-read") as pool:
        batch = list(itertools.islice(chosen, PREFETCH))
        pending = pool.submit(small_blobs, reader, _small_ids(batch))
        while batch:
            small = pending.result()
            upcoming = list(itertools.islice(chosen, PREFETCH))
            pending = pool.submit(small_blobs, reader, _small_ids(upcoming))
            yield batch, small
            batch = upcoming


def _small_ids(items: list[Item]) -> list[int]:
    return [item.blob_id for item in items if item.size <= SMALL_BLOB]


def _reader(case: Case, blob_id: int, read: list[bytes] | None, cancelled: Cancel | None) -> Chunks:
    """An original's bytes (those already `read`, or from the case), cancellable between
    pieces; a zip reads them twice."""

    def chunks() -> Iterator[bytes]:
        for chunk in read or blob_chunks(case.conn, blob_id):
            if cancelled and cancelled():
                raise Cancelled(_("Export cancelled. No package was written."))
            yield chunk

    return chunks


def _write_original(writer: BagWriter, item: Item, path: str, chunks: Chunks) -> None:
    if writer.add(path, chunks) != item.sha256:
        raise VaultError(
            _("The stored bytes of {name} do not match the log; run verify. "
              "No package was written.").format(name=item.original_name)
        )  # fmt: skip


def _total_size(case: Case, chosen: set[str]) -> int:
    """The bytes to write (for progress), from the rows: the items are read only as written."""
    rows = case.conn.execute("SELECT id, size FROM items")
    return sum(size or 0 for item_id, size in rows if item_id in chosen)


def _provenance_items(entries: list[Entry]) -> set[str]:
    """The items whose paths VERIFY.md's ProofMode commands name."""
    named: set[str] = set()
    for entry in entries:
        if entry.action == "item.provenance":
            named.add(entry.subject or "")
            evidence = entry.details.get("evidence")
            if isinstance(evidence, list):
                named.update(i for i in evidence if isinstance(i, str))
    return named


def _metadata_files(case: Case, plan: _Plan, package_id: str) -> dict[str, tuple[str, Chunks]]:
    """Every file of the package beside the originals, its own custody log and case.json
    (spooled): path -> (SHA-256, its bytes in pieces)."""
    made = {f"data/lineage/{case_of(key)}.jsonl": _logged(chain)
            for key, chain in plan.lineage.items()}  # fmt: skip
    files: dict[str, bytes] = {}
    for fp, key in _actor_keys(case, plan).items():
        files[f"data/keys/{fp}.pem"] = public_key_pem(key)
    load = functools.partial(read_blob, case)
    files |= anchor_files(plan.quoted, load)
    earlier = {case_of(key): entries for key, entries in plan.lineage.items()}
    for case_id, entries in earlier.items():  # earlier holders' tokens travel on (§8)
        files |= anchor_files(entries, load, token_folder(case_id))
    shipped = {path for path in files if path.startswith(ANCHORS)}
    verify_md = _verify_md(case, plan, package_id) + verify_md_section(
        plan.quoted, earlier, shipped
    )
    verify_md += provenance_md_section(plan.quoted, plan.paths)  # DESIGN §9: gpgv commands
    files["data/VERIFY.md"] = verify_md.encode()
    made |= {path: (sha256_hex(data), _whole(data)) for path, data in files.items()}
    return made


def _whole(data: bytes) -> Chunks:
    return lambda: [data]


def _logged(chain: LoggedChain) -> tuple[str, Chunks]:
    """A log file's SHA-256 and its bytes in pieces, made again from the chain's lines."""

    def chunks() -> Iterator[bytes]:
        lines = chain.lines()
        while batch := list(itertools.islice(lines, BATCH)):
            yield "".join(line + "\n" for line in batch).encode()

    digest = hashlib.sha256()
    for chunk in chunks():
        digest.update(chunk)
    return digest.hexdigest(), chunks


def _file_list(
    writer: BagWriter, files: dict[str, tuple[str, Chunks]], plan: _Plan
) -> dict[str, str]:
    """path -> SHA-256 of every file the export entry signs: all but the log and tag files."""
    signed = {path: writer.digest(path, "sha256") for path in writer.paths()}
    signed |= {path: digest for path, (digest, _chunks) in files.items()}
    signed[CASE_JSON] = plan.case_json_sha256
    signed["bagit.txt"] = sha256_hex(declaration().encode())
    return signed


def _actor_keys(case: Case, plan: _Plan) -> dict[str, bytes]:
    """Every actor's key, and every key the log introduced (an investigator added who has
    not acted yet is still in case.json, and a verifier checks each introduced key's file)."""
    people = {i.fingerprint: i.public_key for i in case.identities()}
    known = people | {fp: bytes(k) for fp, k in case.conn.execute("SELECT * FROM lineage_keys")}
    actors = set(plan.actors)  # the own chain's and the kept chains' that travel
    actors.add(case.signer.fingerprint)  # the export entry's actor, not logged yet
    return {fp: known[fp] for fp in sorted(actors | set(people)) if fp in known}


class _CaseJson:
    """DESIGN §5's case.json, one item or note a line, made as the items go by (into
    plan.case_json: compressed, never held whole). Each line is made by json's C encoder
    (an indented dump runs its pure-Python one: a third of a big export's time)."""

    def __init__(self, case: Case, plan: _Plan, package_id: str) -> None:
        self.plan, self.out = plan, plan.case_json
        self.described = descriptions(case.id, {case.id: plan.quoted, **plan.lineage})
        head = {
            "format": FORMAT,
            "package": package_id,
            "case": {"id": case.id, "title": case.info.title, "number": case.info.number,
                     "organization": case.info.organization},
            "identities": [{"fingerprint": i.fingerprint, "name": i.name, "role": i.role,
                            "organization": i.organization, "public_key": i.public_key.hex()}
                           for i in case.identities()],
        }  # fmt: skip
        self.out.write(("{" + _json(head)[1:-1] + ',\n "items": [').encode("utf-8"))
        self.items = _JsonArray(self.out)

    def add_item(self, i: Item, path: str) -> None:
        self.items.add({"id": i.id, "path": path,
                        "original_name": i.original_name, "sha256": i.sha256, "size": i.size,
                        "mime": i.mime, "description": self.described.get(i.id, {}),
                        "metadata": i.metadata})  # fmt: skip

    def close(self) -> None:
        self.items.close()
        self.out.write(b'],\n "notes": [')
        notes = _JsonArray(self.out)
        for n in self.plan.notes:
            notes.add({"id": n.id, "about": n.about, "text": n.text, "sha256": n.sha256,
                       "supersedes": n.supersedes})  # fmt: skip
        notes.close()
        self.out.write(b"]}")
        self.plan.case_json_sha256 = self.out.close()


class _JsonArray:
    """The elements of a JSON array, one a line ("\n  a,\n  b\n " around them; nothing
    for none), written BATCH lines at a time."""

    def __init__(self, out: Spool) -> None:
        self.lines, self.first = _Batched(out), True

    def add(self, value: object) -> None:
        self.lines.add("\n  " if self.first else ",\n  ", _json(value))
        self.first = False

    def close(self) -> None:
        if not self.first:
            self.lines.add("\n ")
        self.lines.flush()


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _verify_md(case: Case, plan: _Plan, package_id: str) -> str:
    # The export entry signs this file, so it cannot name that entry's hash; it is the
    # next entry, so the log's length is known.
    values = {
        "{package}": package_id, "{case_title}": case.info.title, "{case_id}": case.id,
        "{sender_name}": case.signer.identity.name, "{sender}": case.signer.fingerprint,
        "{length}": str(plan.length + 1),
    }  # fmt: skip
    program = assets.read_text("verify", "check_package.py")
    parts = []
    for lang in ("en", "uk"):
        text = assets.read_text("verify", f"VERIFY.{lang}.md")
        for key, value in values.items():
            text = text.replace(key, re.sub(r"[\x00-\x1f`*_\[\]<>]", " ", value))
        parts.append(text.replace("{program}", program))  # last: no value lands in it
    return "\n---\n\n".join(parts)


def _signed_bag_info(case: Case, package_id: str) -> dict[str, str]:
    """The bag-info.txt fields the export entry signs, exactly as they are written."""
    fields = {
        "Source-Organization": case.info.organization or case.signer.identity.organization,
        "Contact-Name": case.signer.identity.name,
        "External-Identifier": package_id,
        "Bagging-Date": date.today().isoformat(),
        "Vault-Case-Id": case.id,
        "Vault-Case-Title": case.info.title,
        "Vault-Sender": case.signer.fingerprint,
    }
    return {label: info_value(value) for label, value in fields.items()}


def _bag_info(signed: dict[str, str], closing: Entry, length: int, writer: BagWriter) -> str:
    payload = writer.payload_sizes()
    return info_text([
        *signed.items(),
        ("Payload-Oxum", f"{sum(payload)}.{len(payload)}"),
        ("Vault-Custody-Head", closing.entry_hash.hex()),
        ("Vault-Custody-Length", str(length)),
    ])  # fmt: skip
