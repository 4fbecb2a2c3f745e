"""Helpers for the package tests: real cases, real packages, real tools (the `investigator`
fixture built from them is in tests/core/conftest.py)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from vault.case.handle import Case
from vault.case.identity import Signer
from vault.custody.entry import Entry, canonical, entry_hash_of
from vault.custody.witness import witness_path
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.evidence.notes import add_note, describe_item
from vault.package.export import export
from vault.package.model import lineage_rows
from vault.package.receive import receive

PASSPHRASE = "a passphrase of 12+ chars"
PACKAGE_PASSPHRASE = "package passphrase 2026"
UK_NOTE = "Свідок: утримували 46 днів."


def camera_files(corpus: Path, n: int = 3) -> list[Path]:
    return sorted(p for p in (corpus / "camera").iterdir() if p.is_file())[:n]


def olena_case(folder: Path, corpus: Path) -> Case:
    """Olena's case: three camera photos, a Ukrainian note and a description."""
    case = Case.create(folder / "olena.evault", PASSPHRASE, title="Балаклія", investigator="Olena")
    ids = [i.id for i in import_paths(case, camera_files(corpus)).imported]
    add_note(case, UK_NOTE, about=ids[0])
    describe_item(case, ids[0], {"title": "Cell 2", "location": "Balakliia"})
    return case


def rehash(bag: Path, blank: str = "  ", payload: bool = True) -> None:
    """Rewrite every manifest to match the files, so only custody checks can catch a tamper
    (`blank`: what parts a checksum from its path; not `payload`: the tag manifests only)."""
    files = sorted(p for p in (bag / "data").rglob("*") if p.is_file())
    for algorithm in ("sha256", "sha512") if payload else ():
        lines = [f"{_digest(p, algorithm)}{blank}{p.relative_to(bag).as_posix()}\n" for p in files]
        (bag / f"manifest-{algorithm}.txt").write_text("".join(lines), encoding="utf-8")
    for algorithm in ("sha256", "sha512"):
        tags = [p for p in sorted(bag.iterdir()) if p.is_file() and "tagmanifest" not in p.name]
        lines = [f"{_digest(p, algorithm)}{blank}{p.name}\n" for p in tags]
        (bag / f"tagmanifest-{algorithm}.txt").write_text("".join(lines), encoding="utf-8")


def _digest(path: Path, algorithm: str) -> str:
    return hashlib.new(algorithm, path.read_bytes()).hexdigest()


def compact(line: dict) -> str:
    """A custody.jsonl line as the exporter writes it (docs/PACKAGE-SIGNING.md)."""
    return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


def sign_chain(bag: Path, entries: list[dict], signer: Signer) -> None:
    """What a sender holding `signer` can do: re-hash and re-sign every entry, re-sign the
    closing export's commitments (file list, log before it, withheld seqs) from the files as
    they now are, point bag-info.txt at the new head and remake the manifests. Written from
    docs/PACKAGE-SIGNING.md, independently of vault/package/signed.py."""
    prev, lines = bytes(32), []
    for n, entry in enumerate(entries):
        details = (entry.get("content") or {}).get("details", {})  # null: withheld, too
        if n == len(entries) - 1 and "files_sha256" in details:
            details["files_sha256"] = _write_file_list(bag)
            before = "".join(line + "\n" for line in lines).encode()
            details["custody_before"] = hashlib.sha256(before).hexdigest()
            details["withheld"] = [e["seq"] for e in entries if e.get("content") is None]
        if entry.get("content") is not None:
            entry["content_hash"] = hashlib.sha256(canonical(entry["content"])).hexdigest()
        entry["prev"] = prev.hex()
        prev = entry_hash_of(prev, bytes.fromhex(entry["content_hash"]))
        entry["entry_hash"], entry["sig"] = prev.hex(), signer.sign(prev).hex()
        lines.append(compact(entry))
    (bag / "data/custody.jsonl").write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    set_info(bag, "Vault-Custody-Head", prev.hex())
    set_info(bag, "Payload-Oxum", _oxum(bag))
    rehash(bag)
    # The sender re-signs on a computer of their own: the witness this test computer kept
    # when it made the case (DESIGN §8) would catch the rewrite, and is no part of the story.
    case_id = entries[0].get("content", {}).get("case") if entries else None
    if isinstance(case_id, str):
        witness_path(case_id).unlink(missing_ok=True)


def _write_file_list(bag: Path) -> str:
    skip = re.compile(
        r"bag-info\.txt|(tag)?manifest-\w+\.txt|data/custody\.jsonl|signed-files-sha256\.txt"
    )
    files = sorted(p.relative_to(bag).as_posix() for p in bag.rglob("*") if p.is_file())
    text = "".join(f"{_digest(bag / p, 'sha256')}  {p}\n" for p in files if not skip.fullmatch(p))
    (bag / "signed-files-sha256.txt").write_text(text, encoding="utf-8")
    return hashlib.sha256(text.encode()).hexdigest()


def set_info(bag: Path, label: str, value: str) -> None:
    """Set one bag-info.txt field (anyone can: bag-info.txt is a plain text file)."""
    info = (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines()
    lines = [f"{label}: {value}" if line.startswith(f"{label}:") else line for line in info]
    (bag / "bag-info.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _oxum(bag: Path) -> str:
    files = [p for p in (bag / "data").rglob("*") if p.is_file()]
    return f"{sum(p.stat().st_size for p in files)}.{len(files)}"


def copy_bag(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


LAWYER = "Advocate Petrenko"


def received_case(folder: Path, corpus: Path, only: slice = slice(None)) -> tuple[Case, list[str]]:
    """Two hands: Olena (investigator) imports, describes and notes three photos, exports a
    package for the lawyer (`only`: those of her items, the others' entries withheld);
    Petrenko's own case receives it. Returns his open case and the item ids. Olena's case
    is closed."""
    with olena_case(folder, corpus) as olena:
        ids = [item.id for item in list_items(olena.conn)]
        export(olena, folder / "to-lawyer", item_ids=ids[only], recipient_label=LAWYER)
    lawyer = Case.create(
        folder / "petrenko.evault", PASSPHRASE, title="Defence of the civilians",
        organization="Bar of Kharkiv", investigator=LAWYER, role="advocate",
    )  # fmt: skip
    receive(lawyer, folder / "to-lawyer")
    return lawyer, ids


def court_case(folder: Path, corpus: Path) -> tuple[Case, list[str]]:
    """Three hands: Olena sends her photos to Petrenko, who describes the first and sends
    them on to the court; Olena also sends the court the others directly, and that package
    arrives first. Returns the court's open case and the item ids."""
    with olena_case(folder, corpus) as olena:
        ids = [item.id for item in list_items(olena.conn)]
        export(olena, folder / "to-petrenko", recipient_label="Petrenko")
        export(olena, folder / "to-court", item_ids=ids[1:], recipient_label="Court")
    with Case.create(folder / "p.evault", PASSPHRASE, title="Petrenko") as petrenko:
        receive(petrenko, folder / "to-petrenko")
        describe_item(petrenko, ids[0], {"title": "Petrenko says"})
        export(petrenko, folder / "on-to-court", recipient_label="Court")
    court = Case.create(folder / "c.evault", PASSPHRASE, title="Court")
    receive(court, folder / "to-court")
    receive(court, folder / "on-to-court")
    return court, ids


def kept_entries(conn: sqlcipher.Connection, key: tuple[str, str]) -> list[Entry]:
    """A kept sender chain's entries, as the case file holds them."""
    return [entry for _seq, entry, _line in lineage_rows(conn, key)]
