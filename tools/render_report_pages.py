"""Render the first pages and one exhibit page of an English and a Ukrainian report of a
received case (two hands: an investigator's case exported to a lawyer's) to PNG.

Usage: python -m tools.render_report_pages [--corpus DIR] [--out DIR] [--pages N]
(defaults: ../shared/corpus, docs/screenshots, 2). Builds throwaway cases from the corpus in
a temporary folder, writes report-en-1.png, report-en-2.png, report-en-exhibit.png,
report-uk-1.png ... with pdftoppm, and deletes everything else it made.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from vault.case.handle import Case
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.evidence.notes import add_note, describe_item
from vault.package.export import export
from vault.package.receive import receive
from vault.report.generate import generate_report

ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = "demo passphrase, thrown away"


def build_case(folder: Path, corpus: Path) -> Case:
    """Olena's case (photos, a note, a description), exported for Advocate Petrenko and
    received into his case, which is returned open."""
    with Case.create(
        folder / "olena.evault",
        PASSPHRASE,
        title="Балаклія — police station basement",
        number="42/2022",
        organization="Regional prosecutor's office",
        investigator="Olena K.",
    ) as olena:
        import_paths(olena, [corpus / "camera", corpus / "orientation"], source="SD card 1")
        first = list_items(olena.conn)[0]
        add_note(olena, "Свідок вказав на це місце: тут тримали затриманих.", about=first.id)
        describe_item(olena, first.id, {"title": "Камера №2", "location": "Підвал, схід"})
        export(olena, folder / "package", recipient_label="Advocate Petrenko")
    lawyer = Case.create(
        folder / "petrenko.evault",
        PASSPHRASE,
        title="Defence of the Balakliia detainees",
        organization="Kharkiv Bar",
        investigator="Advocate Petrenko",
        role="advocate",
    )
    receive(lawyer, folder / "package")
    return lawyer


def exhibit_page(pdf: Path) -> int:
    """The page of the exhibit that was described and noted (its description's heading),
    by pdftotext."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    for number, page in enumerate(text.split("\f"), start=1):
        if "Description, " in page or "Опис, " in page:
            return number
    return 1


def render(pdf: Path, out: Path, prefix: str, pages: int) -> None:
    """pdftoppm writes PREFIX-1.png ... (zero-padded by page count); rename to PREFIX-N.png;
    the first exhibit's page becomes PREFIX-exhibit.png."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", str(pages), str(pdf), f"{tmp}/page"],
            check=True,
        )
        for n, png in enumerate(sorted(Path(tmp).glob("page-*.png")), start=1):
            png.replace(out / f"{prefix}-{n}.png")
        at = str(exhibit_page(pdf))
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", at, "-l", at, "-singlefile",
                        str(pdf), str(out / f"{prefix}-exhibit")], check=True)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--pages", type=int, default=2)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="report-shots-") as tmp:
        folder = Path(tmp)
        case = build_case(folder, args.corpus)
        with case:
            for language in ("en", "uk"):
                generate_report(case, folder / f"report-{language}.pdf", language=language)
                render(
                    folder / f"report-{language}.pdf", args.out, f"report-{language}", args.pages
                )
    print(f"wrote report-en-*.png and report-uk-*.png to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
