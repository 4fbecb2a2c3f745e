"""The lawyer's dossier (issue 12): a received case's report, read back with pdftotext,
names the first investigator, shows her description and note under her name, lists her
entries for each exhibit, and reads in plain words without raw structures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.package import LAWYER, PASSPHRASE, UK_NOTE, olena_case, received_case
from tests.helpers.report import pdf_text, report_in
from tests.helpers.tamper import tamper
from vault.case.handle import Case
from vault.case.view import CaseReader
from vault.custody.hands import Hands
from vault.custody.verify import verify_case
from vault.evidence.items import list_items
from vault.evidence.notes import describe_item
from vault.package.export import export
from vault.package.receive import receive
from vault.report.generate import ReportResult, generate_report


@pytest.fixture(scope="module")
def lawyer(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Iterator[Case]:
    case, _ids = received_case(tmp_path_factory.mktemp("dossier"), corpus)
    yield case
    case.close()


@pytest.fixture(scope="module")
def english(lawyer: Case, tmp_path_factory: pytest.TempPathFactory) -> ReportResult:
    return report_in(lawyer, tmp_path_factory, "en")


@pytest.fixture(scope="module")
def ukrainian(lawyer: Case, tmp_path_factory: pytest.TempPathFactory) -> ReportResult:
    return report_in(lawyer, tmp_path_factory, "uk")


def flat(pdf: Path) -> str:
    return " ".join(pdf_text(pdf).split())


def test_the_report_of_a_received_case_names_the_first_investigator_and_her_acts(
    english: ReportResult,
) -> None:
    text = flat(english.path)
    assert "Hand 1: case “Балаклія”" in text
    assert re.search(r"Description, .{10,90}, by Olena Location: Balakliia Title: Cell 2", text)
    assert re.search(r"Note, .{10,90}, by Olena: \(written in case “Балаклія”", text)
    assert UK_NOTE in text
    # once per exhibit, and again atop a page where a custody table continues
    assert text.count("Custody of this item, from the first hands") >= 3
    assert text.count("Imported (source not stated)") == 3
    assert text.count(f"for {LAWYER}") >= 3  # Olena's export, under every exhibit
    assert "Received package" in text and "from Olena" in text
    # the package entries' item lists are held packed (issue 17), and still counted
    assert text.count("Items in the package: 3") >= 3 and text.count("Items: 3") >= 3


def test_people_and_their_keys_list_every_actor_of_every_chain_with_full_keys(
    lawyer: Case, english: ReportResult
) -> None:
    text = pdf_text(english.path)
    people = list(Hands(lawyer.conn, lawyer.id).people())
    assert [person.name for _chain, person in people] == ["Olena", LAWYER]
    for _chain, person in people:
        assert person.fingerprint[:16] + "…" in text  # short in the table
        assert re.search(rf"\b{person.fingerprint}\b", text)  # whole, on one line


def test_no_raw_structure_or_action_code_is_printed(
    english: ReportResult, ukrainian: ReportResult
) -> None:
    for report in (english, ukrainian):
        text = flat(report.path)
        for raw in ("{'", "[{", "'id':", "package.export", "package.import", "item.import"):
            assert raw not in text, raw


def test_case_level_acts_go_to_the_case_log_not_to_every_exhibit(
    lawyer: Case, english: ReportResult, tmp_path: Path
) -> None:
    again = generate_report(lawyer, tmp_path / "again.pdf")
    pages = pdf_text(again.path).split("\f")
    log_starts = next(n for n, page in enumerate(pages) if "Custody log" in page)
    exhibits = " ".join(pages[:log_starts])
    assert "Made report" not in exhibits
    assert "Made report" in " ".join(pages[log_starts:])


def test_the_camera_is_named_once(english: ReportResult) -> None:
    text = flat(english.path)
    assert "Canon EOS 40D" in text and "Canon Canon" not in text


def test_the_certification_stays_with_its_signature_lines(english: ReportResult) -> None:
    pages = pdf_text(english.path).split("\f")
    (page,) = [p for p in pages if "Certification" in p]
    assert "I, " in page and "Signature" in page and "Date and place" in page


def test_the_ukrainian_report_translates_actions_and_codes(ukrainian: ReportResult) -> None:
    text = flat(ukrainian.path)
    for phrase in (
        "Ланцюг зберігання цього доказу від перших рук",
        "Експортовано в пакет",
        f"для: {LAWYER}",
        "скопійовано з файлу",
        "Руки 1: справа «Балаклія»",
    ):
        assert phrase in text, phrase
    for english_word in ("copied from a file", "Imported", "Exported", "Hand 1"):
        assert english_word not in text, english_word


def test_a_kept_line_altered_in_the_case_file_is_never_printed(
    tmp_path: Path, corpus: Path
) -> None:
    """The first investigator's description and the time of her note, altered in the
    receiving case's file after it was received: verify names the kept lines, and the report
    prints none of it, neither as the exhibit's description, nor as the note's time, nor in
    the custody rows; the item is spared the viewer. The note's text, which the receipt
    vouches for, is still shown."""
    lawyer, _ids = received_case(tmp_path, corpus)
    with lawyer:
        tamper(lawyer, "UPDATE lineage SET line = replace(line, 'Cell 2', 'Forged cell')",
               passphrase=PASSPHRASE)  # fmt: skip
        tamper(lawyer, "UPDATE lineage SET line = replace(line, '\"at\":\"20', '\"at\":\"19')"
                       " WHERE line LIKE '%note.add%'", passphrase=PASSPHRASE)  # fmt: skip
        reasons = [f.reason for f in verify_case(lawyer).findings if f.level == "error"]
        assert any(r.endswith("content was changed after signing") for r in reasons)
        text = flat(generate_report(lawyer, tmp_path / "report.pdf").path)
    assert "Forged" not in text and "Cell 2" not in text
    assert not re.search(r"\b\d{1,2} \w+ 19\d\d\b", text)  # the note's forged date
    assert "content not shown: it is not what was signed" in text
    assert "Treated as sensitive, since a description of it is not as signed" in text
    assert "Note (the custody entry that wrote it is not shown" in text and UK_NOTE in text


def test_a_kept_chain_whose_creation_or_note_was_altered_is_never_credited(
    tmp_path: Path, corpus: Path
) -> None:
    """The first investigator's case title altered in her kept `case.create`, and her kept
    `note.add` deleted: the report prints no forged title and credits the note to no one
    (not to the receiver, whose receipt vouches only for its text)."""
    lawyer, _ids = received_case(tmp_path, corpus)
    with lawyer:
        tamper(lawyer, "UPDATE lineage SET line = replace(line, 'Балаклія', 'Forged')"
                       " WHERE seq = 0", passphrase=PASSPHRASE)  # fmt: skip
        tamper(lawyer, "DELETE FROM lineage WHERE line LIKE '%\"note.add\"%'",
               passphrase=PASSPHRASE)  # fmt: skip
        assert not verify_case(lawyer).ok
        text = flat(generate_report(lawyer, tmp_path / "report.pdf").path)
    assert "Forged" not in text and "Балаклія" not in text
    assert "Hand 1: case “(not shown: the entry that created the case is not as signed)”" in text
    assert "Note (the custody entry that wrote it is not shown" in text and UK_NOTE in text
    assert not re.search(rf"Note, [^:]*, by {LAWYER}", text)


def test_a_kept_description_replayed_in_another_place_vouches_for_nothing(
    tmp_path: Path, corpus: Path
) -> None:
    """The first investigator's older description copied over her newer one, which marked
    the photo sensitive: the report prints neither and spares the viewer, and so does the
    app."""
    with olena_case(tmp_path, corpus) as olena:
        item_id = list_items(olena.conn)[1].id
        describe_item(olena, item_id, {"title": "Old cell", "sensitive": "no"})
        describe_item(olena, item_id, {"title": "Body", "sensitive": "yes"})
        export(olena, tmp_path / "pkg", recipient_label=LAWYER)
    with Case.create(tmp_path / "l.evault", PASSPHRASE, title="Defence") as lawyer:
        receive(lawyer, tmp_path / "pkg")
    with Case.open(tmp_path / "l.evault", PASSPHRASE) as lawyer:
        old, new = (seq for (seq,) in lawyer.conn.execute(
            "SELECT seq FROM lineage WHERE line LIKE '%item.describe%' ORDER BY seq"
        ).fetchall()[-2:])  # fmt: skip
        tamper(lawyer, "UPDATE lineage SET line = (SELECT line FROM lineage WHERE seq = ?)"
                       " WHERE seq = ?", (old, new), passphrase=PASSPHRASE)  # fmt: skip
        assert not verify_case(lawyer).ok
        assert item_id in CaseReader(lawyer).sensitive_ids()
        text = flat(generate_report(lawyer, tmp_path / "report.pdf").path)
    assert "Old cell" not in text and "Title: Body" not in text
    assert "Treated as sensitive" in text
