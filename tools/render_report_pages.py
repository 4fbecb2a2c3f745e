"""Render the first pages of an English and a Ukrainian report to PNG for the README.

Usage: python -m tools.render_report_pages [--corpus DIR] [--out DIR] [--pages N]
(defaults: ../shared/corpus, docs/screenshots, 2). Builds a throwaway case from the corpus
in a temporary folder, writes report-en-1.png, report-en-2.png, report-uk-1.png ... with
pdftoppm, and deletes everything else it made.
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
from vault.report.generate import generate_report

ROOT = Path(__file__).resolve().parent.parent


def build_case(folder: Path, corpus: Path) -> Case:
    case = Case.create(
        folder / "demo.evault",
        "demo passphrase, thrown away",
        title="Балаклія — police station basement",
        number="42/2022",
        organization="Regional prosecutor's office",
        investigator="Olena K.",
    )
    import_paths(case, [corpus / "camera", corpus / "orientation"], source="SD card, Canon EOS")
    first = list_items(case.conn)[0]
    add_note(case, "Свідок вказав на це місце: тут тримали затриманих.", about=first.id)
    describe_item(case, first.id, {"title": "Камера №2", "location": "Підвал, схід"})
    return case


def render(pdf: Path, out: Path, prefix: str, pages: int) -> None:
    """pdftoppm writes PREFIX-1.png ... (zero-padded by page count); rename to PREFIX-N.png."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", str(pages), str(pdf), f"{tmp}/page"],
            check=True,
        )
        for n, png in enumerate(sorted(Path(tmp).glob("page-*.png")), start=1):
            png.replace(out / f"{prefix}-{n}.png")


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
