"""Shared set-up for the report tests: a real case from ../shared/corpus, and the poppler /
qpdf / zbar tools that read a PDF back."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from vault.case.handle import Case
from vault.custody.entry import read_entries
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.evidence.notes import add_note, describe_item
from vault.report.generate import ReportResult, generate_report

PASSPHRASE = "a passphrase of 12+ chars"
HOSTILE_NAME = "<b>x<i>&amp;.jpg"  # a real file name cannot hold "/", so "</b>" is in a description
HOSTILE_TEXT = "<b>x</b>&"
WITNESS_NOTE = "Свідок: «тут тримали людей»; дріт для катувань лежав біля стіни."
CORPUS_FOLDERS = ("camera", "orientation", "phone")


def build_case(
    folder: Path, corpus: Path, title: str = "Балаклія — police station basement"
) -> Case:
    """A case with the corpus photos, a hostile file name, Ukrainian notes and a description."""
    hostile = folder / "incoming" / HOSTILE_NAME
    hostile.parent.mkdir(parents=True)
    shutil.copyfile(corpus / "camera" / "Canon_40D.jpg", hostile)
    case = Case.create(folder / "case.evault", PASSPHRASE, title=title, number="42/2022",
                       organization="Prosecutor's office", investigator="Olena K.")  # fmt: skip
    import_paths(case, [*(corpus / name for name in CORPUS_FOLDERS), hostile], source="SD card")
    items = list_items(case.conn)
    add_note(case, WITNESS_NOTE, about=items[0].id)
    add_note(case, "Загальна нотатка: будівля поліції, підвал.")
    describe_item(case, items[1].id, {"title": HOSTILE_TEXT, "location": "Балаклія, підвал"})
    return case


def report_in(case: Case, folders: pytest.TempPathFactory, language: str) -> ReportResult:
    """The case's report in `language` ("en" or "uk"), in a fresh folder; the Ukrainian one
    under a Cyrillic file name, as a Ukrainian user would save it."""
    name = "звіт.pdf" if language == "uk" else "report.pdf"
    return generate_report(case, folders.mktemp(language) / name, language=language)


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def pdf_text(pdf: Path) -> str:
    return run("pdftotext", "-layout", str(pdf), "-")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def report_entries(case: Case) -> list[dict]:
    return [e.content for e in read_entries(case.conn) if e.action == "report.generate"]
