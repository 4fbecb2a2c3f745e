"""Issue 5: court-ready PDF reports, read back with pdftotext, pdffonts, qpdf and zbarimg."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.report import (
    HOSTILE_NAME,
    HOSTILE_TEXT,
    PASSPHRASE,
    WITNESS_NOTE,
    build_case,
    pdf_text,
    report_entries,
    report_in,
    run,
    sha256_file,
)
from tests.helpers.tamper import tamper
from vault.case.handle import Case
from vault.cli import main as cli
from vault.errors import Cancelled, FileExists
from vault.evidence.items import list_items
from vault.report.generate import ReportResult, generate_report


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Case:
    opened = build_case(tmp_path_factory.mktemp("report-case"), corpus)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def english(case: Case, tmp_path_factory: pytest.TempPathFactory) -> ReportResult:
    return report_in(case, tmp_path_factory, "en")


@pytest.fixture(scope="module")
def ukrainian(case: Case, tmp_path_factory: pytest.TempPathFactory) -> ReportResult:
    return report_in(case, tmp_path_factory, "uk")


def test_lawyer_finds_every_exhibit_hash_and_name_in_the_english_report(
    case: Case, english: ReportResult
) -> None:
    text = pdf_text(english.path)
    for item in list_items(case.conn):
        assert item.sha256 in text, item.original_name
        assert item.original_name in text
    assert english.verified and "VERIFIED" in text and "NOT VERIFIED" not in text
    assert WITNESS_NOTE in " ".join(text.split())  # the note wraps over lines


def test_every_page_carries_page_x_of_y_the_case_id_and_the_report_id(
    case: Case, english: ReportResult
) -> None:
    pages = pdf_text(english.path).split("\f")[: english.pages]
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {english.pages}" in page
        assert case.id in page and english.report_id in page
    assert re.search(rf"^Pages:\s+{english.pages}$", run("pdfinfo", str(english.path)), re.M)


def test_prosecutor_prints_the_report_in_ukrainian(ukrainian: ReportResult) -> None:
    text = pdf_text(ukrainian.path)
    for heading in (
        "Звіт про докази",
        "Зведення",
        "Докази",
        "Журнал зберігання",
        "Висновок перевірки",
        "Обмеження",
        "Засвідчення",
        "Додаток: перевірка вручну",
        f"Сторінка 1 з {ukrainian.pages}",
    ):
        assert heading in text
    assert re.search(
        r"\d+ (січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|"
        r"жовтня|листопада|грудня) \d{4} р\.",
        text,
    )
    assert "Page 1 of" not in text


def test_the_custody_head_on_the_cover_is_the_one_logged_and_its_qr_code_decodes(
    case: Case, english: ReportResult, tmp_path: Path
) -> None:
    logged = next(e for e in report_entries(case) if e["details"]["report"] == english.report_id)
    head = logged["details"]["head"]
    cover = pdf_text(english.path).split("\f")[0]
    assert head in cover
    run(
        "pdftoppm",
        "-r",
        "150",
        "-f",
        "1",
        "-l",
        "1",
        "-png",
        str(english.path),
        str(tmp_path / "cover"),
    )
    decoded = run("zbarimg", "--quiet", "--raw", str(next(tmp_path.glob("cover*.png"))))
    assert decoded.strip() == head


def test_report_generate_entry_holds_the_pdf_sha256(case: Case, english: ReportResult) -> None:
    logged = next(e for e in report_entries(case) if e["details"]["report"] == english.report_id)
    assert logged["digest"] == english.sha256 == sha256_file(english.path)
    assert logged["details"]["language"] == "en"
    assert sorted(logged["details"]["items"]) == sorted(i.id for i in list_items(case.conn))


@pytest.mark.parametrize("report", ["english", "ukrainian"])
def test_fonts_are_embedded_and_the_pdf_is_well_formed(
    report: str, request: pytest.FixtureRequest
) -> None:
    pdf = request.getfixturevalue(report).path
    fonts = run("pdffonts", str(pdf)).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    assert not any("Helvetica" in line for line in fonts)
    assert "No syntax or stream encoding errors" in run("qpdf", "--check", str(pdf))
    info = run("pdfinfo", str(pdf))
    assert "Evidence Vault" in info and "Olena K." in info


def test_hostile_names_and_descriptions_print_literally(english: ReportResult) -> None:
    text = pdf_text(english.path)
    assert HOSTILE_NAME in text
    assert HOSTILE_TEXT in text


def test_a_tampered_case_gives_a_report_that_says_not_verified(
    tmp_path: Path, corpus: Path
) -> None:
    with build_case(tmp_path, corpus) as case:
        victim = list_items(case.conn)[2]
        tamper(
            case,
            "UPDATE chunks SET data = ? WHERE blob_id = ?",
            (b"forged", victim.blob_id),
            passphrase=PASSPHRASE,
        )
        result = generate_report(case, tmp_path / "tampered.pdf", language="en")
    assert not result.verified and result.path.exists()
    cover = pdf_text(result.path).split("\f")[0]
    assert "NOT VERIFIED" in cover
    assert "NOT VERIFIED" in pdf_text(result.path).split("Verification statement")[-1]


def test_a_log_entry_mangled_in_the_database_still_gives_a_not_verified_report(
    tmp_path: Path, corpus: Path
) -> None:
    with build_case(tmp_path, corpus) as case:
        tamper(
            case,
            "UPDATE custody SET content = replace(content, 'a', 'b') WHERE seq = 1",
            passphrase=PASSPHRASE,
        )
        result = generate_report(case, tmp_path / "mangled.pdf", language="en")
    assert not result.verified and result.path.exists()
    assert "NOT VERIFIED" in pdf_text(result.path).split("\f")[0]


@pytest.mark.parametrize("added", ["\\u0041", "\\ud800"])  # a lone surrogate, escaped
def test_a_case_whose_creation_entry_was_altered_gives_a_report_saying_no_one_is_introduced(
    tmp_path: Path, corpus: Path, added: str
) -> None:
    """Its signed introductions no longer count: the people and keys say so, where an
    empty table stopped the report with a traceback."""
    with build_case(tmp_path, corpus) as case:
        tamper(
            case,
            f"UPDATE custody SET content = rtrim(content, '}}') || ',\"x\":\"{added}\"}}'"
            " WHERE seq = 0",
            passphrase=PASSPHRASE,
        )
        result = generate_report(case, tmp_path / "altered.pdf", language="en")
    text = pdf_text(result.path)
    assert not result.verified and "NOT VERIFIED" in text.split("\f")[0]
    assert text.count("No one is introduced by a signed entry of this log") == 2


def test_a_report_of_chosen_items_withholds_the_others(case: Case, tmp_path: Path) -> None:
    chosen = list_items(case.conn)[:2]
    others = list_items(case.conn)[2:]
    result = generate_report(
        case, tmp_path / "two.pdf", language="en", item_ids=[i.id for i in chosen]
    )
    text = pdf_text(result.path)
    assert all(item.sha256 in text for item in chosen)
    assert not any(
        item.original_name in text
        for item in others
        if item.original_name != chosen[0].original_name
    )
    assert "content withheld" in text and f"2 of the case's {len(chosen) + len(others)}" in text


def test_a_cancelled_report_leaves_no_file_and_no_entry(case: Case, tmp_path: Path) -> None:
    before = len(report_entries(case))
    calls: list[tuple[int, int]] = []
    with pytest.raises(Cancelled):
        generate_report(
            case,
            tmp_path / "r.pdf",
            language="uk",
            progress=lambda d, t: calls.append((d, t)),
            cancelled=lambda: len(calls) > 3,
        )
    assert list(tmp_path.iterdir()) == []
    assert len(report_entries(case)) == before


def test_progress_runs_from_zero_to_done(case: Case, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    generate_report(case, tmp_path / "r.pdf", progress=lambda d, t: calls.append((d, t)))
    assert calls[-1][0] == calls[-1][1]
    assert [d for d, _t in calls] == sorted(d for d, _t in calls)
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_cli_report_writes_the_pdf_and_logs_it(tmp_path: Path, corpus: Path) -> None:
    build_case(tmp_path, corpus).close()
    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE)
    out = tmp_path / "cli.pdf"
    code = cli.main(
        [
            "report",
            str(tmp_path / "case.evault"),
            str(out),
            "--lang",
            "uk",
            "--passphrase-file",
            str(secret),
        ]
    )
    assert code == 0
    with Case.open(tmp_path / "case.evault", PASSPHRASE) as case:
        assert report_entries(case)[-1]["digest"] == sha256_file(out)


def test_a_report_never_overwrites_an_existing_file(case: Case, tmp_path: Path) -> None:
    earlier = tmp_path / "report.pdf"
    earlier.write_bytes(b"the report filed last week")
    entries_before = case.conn.execute("SELECT count(*) FROM custody").fetchone()[0]
    with pytest.raises(FileExists):
        generate_report(case, earlier, language="en")
    assert earlier.read_bytes() == b"the report filed last week"
    assert case.conn.execute("SELECT count(*) FROM custody").fetchone()[0] == entries_before


def test_limitations_say_what_the_log_cannot_prove_in_both_languages(
    english: ReportResult, ukrainian: ReportResult
) -> None:
    en = " ".join(pdf_text(english.path).split())
    assert "whoever holds those keys could rewrite the log and sign it again" in en
    assert "detected only against an outside anchor: a trusted time-stamp" in en
    uk = " ".join(pdf_text(ukrainian.path).split())
    assert "власник цих ключів міг би переписати журнал і підписати його знову" in uk
    assert "виявляються лише за зовнішньою прив'язкою: довіреною позначкою часу" in uk
