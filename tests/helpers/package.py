"""Helpers for the package tests: real cases, real packages, real tools (the `investigator`
fixture built from them is in tests/core/conftest.py)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from vault.case.handle import Case
from vault.evidence.ingest import import_paths
from vault.evidence.notes import add_note, describe_item

PASSPHRASE = "a passphrase of 12+ chars"
PACKAGE_PASSPHRASE = "package passphrase 2026"
UK_NOTE = "Свідок: утримували 46 днів."


def camera_files(corpus: Path, n: int = 3) -> list[Path]:
    return sorted(p for p in (corpus / "camera").iterdir() if p.is_file())[:n]


def olena_case(folder: Path, corpus: Path) -> Case:
    """Olena's case: three camera photos, a Ukrainian note and a description."""
    case = Case.create(folder / "olena.evault", PASSPHRASE, "Балаклія", investigator="Olena")
    ids = [i.id for i in import_paths(case, camera_files(corpus)).imported]
    add_note(case, UK_NOTE, ids[0])
    describe_item(case, ids[0], {"title": "Cell 2", "location": "Balakliia"})
    return case


def rehash(bag: Path) -> None:
    """Rewrite every manifest to match the files, so only custody checks can catch a tamper."""
    payload = sorted(p for p in (bag / "data").rglob("*") if p.is_file())
    for algorithm in ("sha256", "sha512"):
        lines = [f"{_digest(p, algorithm)}  {p.relative_to(bag).as_posix()}\n" for p in payload]
        (bag / f"manifest-{algorithm}.txt").write_text("".join(lines), encoding="utf-8")
    for algorithm in ("sha256", "sha512"):
        tags = [p for p in sorted(bag.iterdir()) if p.is_file() and "tagmanifest" not in p.name]
        lines = [f"{_digest(p, algorithm)}  {p.name}\n" for p in tags]
        (bag / f"tagmanifest-{algorithm}.txt").write_text("".join(lines), encoding="utf-8")


def _digest(path: Path, algorithm: str) -> str:
    return hashlib.new(algorithm, path.read_bytes()).hexdigest()


def copy_bag(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
