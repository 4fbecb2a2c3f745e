"""Issue 9 §1: nothing unsigned is shown as evidence. Anyone with the passphrase can open the
case file with any SQLCipher 4 reader and edit its rows; each such edit is a `verify` finding
with its seq, and `items`, the report and the app show what the signed log states."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from tests.helpers.case import PASSPHRASE, run_cli
from tests.helpers.case import edit_rows as edit
from tests.helpers.report import pdf_text
from tests.helpers.tamper import forge_entry, forge_note, tampering
from tests.helpers.thumbnails import made_earlier
from vault.case.handle import Case
from vault.case.identity import Signer
from vault.case.view import CaseReader
from vault.custody.entry import canonical, entry_hash_of, read_entries
from vault.custody.hands import Hands
from vault.custody.verify import record_verification, verify_case
from vault.errors import VaultError
from vault.evidence.ingest import import_paths
from vault.evidence.items import (
    get_item,
    item_tags,
    list_items,
    signed_content,
    thumbnail,
)
from vault.evidence.notes import add_note, describe_item, list_notes
from vault.evidence.sensitive import sensitive_ids
from vault.package.export import export
from vault.package.receive import receive
from vault.report.generate import generate_report

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    """A closed case file: a photo with EXIF (seq 1), a note on it (seq 2)."""
    path = tmp_path_factory.mktemp("signed") / "case.evault"
    with Case.create(path, PASSPHRASE, title="Signed facts", investigator="Olena K.") as case:
        import_paths(case, [corpus / "camera" / "Canon_40D.jpg"], source="SD card")
        add_note(case, "Свідок: утримували 46 днів.", about=list_items(case.conn)[0].id)
    return path


@pytest.fixture
def case_file(pristine: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(pristine, tmp_path / "case.evault"))


def errors(path: Path, passphrase: str = PASSPHRASE) -> list[tuple[int | None, str]]:
    with Case.open(path, passphrase) as case:
        return [(f.seq, f.reason) for f in verify_case(case).findings if f.level == "error"]


def items_json(path: Path) -> dict:
    done = run_cli("items", path, "--json")
    assert done.returncode == 0, done.stderr
    (item,) = json.loads(done.stdout)
    return item


def report_text(path: Path, lang: str = "en") -> str:
    with Case.open(path, PASSPHRASE) as case:
        made = generate_report(case, path.parent / f"report-{lang}.pdf", language=lang)
    return " ".join(pdf_text(made.path).split())


def test_an_untouched_case_shows_its_signed_facts_and_verifies(case_file: Path) -> None:
    assert errors(case_file) == []
    item = items_json(case_file)
    assert (item["model"], item["original_name"], item["problems"]) == (
        "Canon EOS 40D", "Canon_40D.jpg", []
    )  # fmt: skip


def test_edited_exif_is_a_finding_and_never_shown(case_file: Path) -> None:
    forged = "'$.model', 'Nikon D1', '$.gps_lat', '48.1', '$.captured_at', '2022-03-01'"
    edit(case_file, f"UPDATE items SET metadata = json_set(metadata, {forged})")
    assert (1, "item Canon_40D.jpg: the stored extracted metadata differs from the digest its "
               "entry signed") in errors(case_file)  # fmt: skip
    item = items_json(case_file)
    assert (item["model"], item["gps_lat"], item["captured_at"]) == (None, None, None)
    assert any("extracted metadata" in p for p in item["problems"])
    text = report_text(case_file)
    assert "Nikon D1" not in text and "48.1" not in text and "2022-03-01" not in text
    assert "disagrees with its signed custody entry" in text and "NOT VERIFIED" in text


def test_edited_tags_are_a_finding_and_never_shown(case_file: Path) -> None:
    edit(case_file, "UPDATE items SET tags = json_set(tags, '$.\"Image Model\"', 'Nikon D1')")
    assert (1, "item Canon_40D.jpg: the stored list of metadata tags differs from the digest "
               "its entry signed") in errors(case_file)  # fmt: skip
    with Case.open(case_file, PASSPHRASE) as case:
        assert item_tags(case.conn, list_items(case.conn)[0].id) == {}


def test_edited_thumbnail_is_a_finding_and_never_shown(case_file: Path, corpus: Path) -> None:
    other = (corpus / "camera" / "Nikon_D70.jpg").read_bytes()
    edit(case_file, "UPDATE thumbnails SET data = ?", other)
    assert (1, "item Canon_40D.jpg: the stored thumbnail differs from the digest its entry "
               "signed") in errors(case_file)  # fmt: skip
    with Case.open(case_file, PASSPHRASE) as case:
        assert thumbnail(case.conn, list_items(case.conn)[0].id) is None
    text = report_text(case_file)
    assert "no preview" in text and "disagrees with its signed custody entry" in text


def test_a_thumbnail_given_to_an_item_that_had_none_is_a_finding_and_never_shown(
    tmp_path: Path, corpus: Path
) -> None:
    path, text_file = tmp_path / "case.evault", tmp_path / "statement.txt"
    text_file.write_text("Свідок бачив колону.", encoding="utf-8")
    with Case.create(path, PASSPHRASE, title="Signed facts", investigator="Olena K.") as case:
        (item,) = import_paths(case, [text_file]).imported
    photo = (corpus / "camera" / "Nikon_D70.jpg").read_bytes()
    edit(path, "INSERT INTO thumbnails (item_id, data) SELECT id, ? FROM items", photo)
    assert (1, "item statement.txt: the stored thumbnail differs from the digest its entry "
               "signed") in errors(path)  # fmt: skip
    with Case.open(path, PASSPHRASE) as case:
        assert thumbnail(case.conn, item.id) is None


def test_thumbnails_that_belong_to_no_item_are_a_finding_and_never_shown(
    case_file: Path, corpus: Path
) -> None:
    """Since schema 6 an item's thumbnail has one place, under its signed digest: bytes in
    any other (a row of no item, the old column) are reported, though nothing shows them."""
    with Case.open(case_file, PASSPHRASE) as case:
        (item,) = list_items(case.conn)
        genuine = thumbnail(case.conn, item.id)
    other = (corpus / "camera" / "Nikon_D70.jpg").read_bytes()
    edit(case_file, "INSERT INTO thumbnails (item_id, data) VALUES ('no such item', ?)", other)
    edit(case_file, "UPDATE items SET thumbnail = ?", other)
    assert errors(case_file) == [
        (None, "the case file holds thumbnails that belong to no item (2); none is shown")
    ]
    with Case.open(case_file, PASSPHRASE) as case:
        assert genuine and thumbnail(case.conn, item.id) == genuine


def test_a_thumbnail_stored_as_text_is_withheld_not_a_crash(case_file: Path) -> None:
    edit(case_file, "UPDATE thumbnails SET data = 'not a picture'")
    assert (1, "item Canon_40D.jpg: the stored thumbnail differs from the digest its entry "
               "signed") in errors(case_file)  # fmt: skip
    with Case.open(case_file, PASSPHRASE) as case:
        assert thumbnail(case.conn, list_items(case.conn)[0].id) is None


@pytest.mark.parametrize(
    ("column", "forged", "signed"),
    [
        ("source", "Seized from the suspect's phone", "SD card"),
        ("original_name", "execution.jpg", "Canon_40D.jpg"),
        ("mime", "video/mp4", "image/jpeg"),
        ("size", 7654321, 7958),  # long enough never to occur in a printed hash or id
        ("imported_at", "2022-02-24T04:00:00.000000Z", None),
    ],
)
def test_edited_item_properties_are_findings_and_the_signed_ones_are_shown(
    case_file: Path, column: str, forged: object, signed: object
) -> None:
    with Case.open(case_file, PASSPHRASE) as case:
        entry = next(e for e in read_entries(case.conn) if e.action == "item.import")
        signed = signed if signed is not None else entry.content["at"]
    edit(case_file, f"UPDATE items SET {column} = ?", forged)
    assert (1, f"item Canon_40D.jpg: its {column} in the case file differs from its signed "
               "record") in errors(case_file)  # fmt: skip
    item = items_json(case_file)
    assert item[column] == signed and item["problems"]
    text = report_text(case_file)
    assert str(forged) not in text and "disagrees with its signed custody entry" in text


def test_an_edited_investigator_is_a_finding_and_the_report_certifies_the_signed_name(
    case_file: Path,
) -> None:
    edit(case_file, "UPDATE identities SET name = 'Mallory', role = 'judge'")
    found = errors(case_file)
    assert [seq for seq, reason in found if "name, role or organization" in reason] == [0]
    with Case.open(case_file, PASSPHRASE) as case:
        assert [(i.name, i.role) for i in case.identities()] == [("Olena K.", "investigator")]
    text = report_text(case_file)
    assert "I, Olena K., certify" in text and "Mallory" not in text and "judge" not in text
    keys = run_cli("log", case_file)
    assert "Mallory" not in keys.stdout


def test_an_edited_note_stays_with_its_signed_item(case_file: Path) -> None:
    edit(case_file, "UPDATE notes SET about = NULL")
    assert (2, "a note's item, or the note it amends, differs from its signed record") in errors(
        case_file
    )
    with Case.open(case_file, PASSPHRASE) as case:
        item_id = list_items(case.conn)[0].id
        (note,) = list_notes(case.conn, about=item_id)
        assert note.about == item_id and note.problems
    text = report_text(case_file)
    exhibit = text[text.index("Exhibit 1:") : text.index("Custody log")]
    assert "Свідок: утримували 46 днів." in exhibit


def test_an_edited_notes_text_is_never_shown_reported_or_exported(
    case_file: Path, tmp_path: Path
) -> None:
    """Only the note's digest is signed: its edited text is withheld everywhere (the app,
    the report, a package), never shown with a warning beside it."""
    edit(case_file, "UPDATE notes SET text = 'Свідок нічого не бачив.'")
    assert any(seq == 2 and "note" in why for seq, why in errors(case_file))
    with Case.open(case_file, PASSPHRASE) as case:
        (note,) = list_notes(case.conn)
        assert note.text == "" and not note.text_signed
        assert "it is not shown" in " ".join(note.problems)
        with pytest.raises(VaultError, match="text of a note does not match the log"):
            export(case, tmp_path / "pkg")
    # refused while the log is read, with the item folders already being made: no trace
    assert [p.name for p in tmp_path.iterdir() if "pkg" in p.name] == []
    text = report_text(case_file)
    assert "нічого не бачив" not in text
    assert "the text stored for this note is not the signed text" in text


def test_a_log_text_stored_re_spaced_still_states_its_signed_facts(case_file: Path) -> None:
    """Verify judges an entry by its values, and so does what shows them: a stored log text
    that is not the signed text, yet parses to the signed values, hides nothing."""
    edit(case_file, "UPDATE custody SET content = ' ' || content || char(10) WHERE seq IN (1, 2)")
    assert errors(case_file) == []
    item = items_json(case_file)
    assert item["original_name"] == "Canon_40D.jpg" and item["problems"] == []
    with Case.open(case_file, PASSPHRASE) as case:
        (note,) = list_notes(case.conn)
        assert note.text_signed and note.about == item["id"] and not note.problems


def test_an_altered_description_is_never_shown_the_latest_signed_one_is(case_file: Path) -> None:
    """An `item.describe` whose values were changed in the case file states nothing: the app,
    `items`, the sensitive mark and the report go by the latest description that was signed."""
    with Case.open(case_file, PASSPHRASE) as case:
        item_id = list_items(case.conn)[0].id
        describe_item(case, item_id, {"title": "Cell 1", "sensitive": "yes"})
        describe_item(case, item_id, {"title": "Cell 2", "sensitive": "yes"})
    edit(case_file, "UPDATE custody SET content = replace(replace(content, 'Cell 2', 'Cell 3'),"
                    " '\"sensitive\":\"yes\"', '\"sensitive\":\"no\"') WHERE seq = 4")  # fmt: skip
    assert (4, "content was changed after signing") in errors(case_file)
    signed = {"title": "Cell 1", "sensitive": "yes"}
    with Case.open(case_file, PASSPHRASE) as case:
        assert CaseReader(case).description(item_id) == signed
        for per_item in (False, True):
            assert Hands(case.conn, case.id, per_item=per_item).description(item_id)[0] == signed
        assert sensitive_ids(case) == {item_id}
    # The log's entry 4 itself is not shown either: its values are not the signed ones.
    text = report_text(case_file)
    assert "Cell 3" not in text and "content not shown: it is not what was signed" in text


def test_a_description_signed_by_a_stranger_is_never_shown_or_reported(case_file: Path) -> None:
    """A well-formed `item.describe` signed by a key no one introduced: the app shows the
    description before it, signed by Olena; the report prints it neither as the item's
    description nor in its log, and treats the item as sensitive (the stranger's "no"
    cannot unmark it)."""
    with Case.open(case_file, PASSPHRASE) as case:
        item_id = list_items(case.conn)[0].id
        describe_item(case, item_id, {"title": "Cell 1", "sensitive": "yes"})
        stranger, said = Signer.generate("Rogue", "x", ""), {"title": "STRANGER", "sensitive": "no"}
        with tampering(case) as conn:
            forge_entry(conn, case, stranger, "item.describe", subject=item_id, details=said)
    assert (4, "signed by a key that was never introduced") in errors(case_file)
    with Case.open(case_file, PASSPHRASE) as case:
        assert sensitive_ids(case) == {item_id}
        reader = CaseReader(case)
        assert reader.description(item_id) == {"title": "Cell 1", "sensitive": "yes"}
        described_by = reader.described_by(item_id)
        assert described_by is not None and described_by.actor_name == "Olena K."
    text = report_text(case_file)
    assert "STRANGER" not in text and "Title: Cell 1" in text
    assert "Marked sensitive: its picture is not printed" in text


def test_a_note_added_by_a_stranger_or_with_a_broken_signature_shows_no_text(
    case_file: Path,
) -> None:
    """Two notes slipped into the case file beside Olena's: one signed by a key no one
    introduced, one whose signature no longer verifies. The app shows Olena's note and
    says of the two others why their text is not shown (verify names both entries)."""
    stranger = Signer.generate("Rogue", "x", "")
    with Case.open(case_file, PASSPHRASE) as case:
        item_id = list_items(case.conn)[0].id
        with tampering(case) as conn:
            for n, signer in enumerate((stranger, case.signer)):
                forge_note(conn, case, signer, f"note-{n}", item_id, f"FORGED NOTE {n}")
            conn.execute("UPDATE custody SET sig = zeroblob(64) WHERE seq = 4")
    assert {(3, "signed by a key that was never introduced"),
            (4, "signature does not verify")} <= set(errors(case_file))  # fmt: skip
    with Case.open(case_file, PASSPHRASE) as case:
        notes, authors = CaseReader(case).shown_notes(list_notes(case.conn, about=item_id))
    assert [n.text for n in notes] == ["Свідок: утримували 46 днів.", "", ""]
    assert list(authors) == [notes[0].id]
    for forged in notes[1:]:
        assert not forged.text_signed
        assert forged.problems == (
            "The entry that wrote this note is not as signed; its text is not shown.",
        )


def test_a_note_moved_to_another_item_by_a_strangers_record_shows_no_text(
    case_file: Path, corpus: Path
) -> None:
    """Olena's note, its row pointed at a stranger's entry that records it (same id and
    text) about another photo: under that photo the note shows why, not its text (the
    entry that wrote it, Olena's, places it on the first photo)."""
    with Case.open(case_file, PASSPHRASE) as case:
        import_paths(case, [corpus / "camera" / "Nikon_D70.jpg"])
        _first, other = (item.id for item in list_items(case.conn))
        (note,) = list_notes(case.conn)
        stranger = Signer.generate("Rogue", "x", "")
        with tampering(case) as conn:
            moved = forge_entry(conn, case, stranger, "note.add", subject=note.id,
                                digest=note.sha256, details={"about": other})  # fmt: skip
            conn.execute("UPDATE notes SET seq = ?, about = ? WHERE id = ?",
                         (moved.seq, other, note.id))  # fmt: skip
    with Case.open(case_file, PASSPHRASE) as case:
        notes, _authors = CaseReader(case).shown_notes(list_notes(case.conn, about=other))
    assert [(n.id, n.text) for n in notes] == [(note.id, "")]
    assert "places this note otherwise than the entry that wrote it" in notes[0].problems[-1]


def test_a_report_never_prints_what_an_altered_import_entry_says(case_file: Path) -> None:
    """The entry that brought the item in, altered in the case file (its name, source and
    time): the exhibit's heading, details and custody rows print none of it."""
    edit(case_file, "UPDATE custody SET content = replace(replace(replace(content,"
                    " 'Canon_40D.jpg', 'Forged_name.jpg'), 'SD card', 'Forged source'),"
                    " '\"at\":\"20', '\"at\":\"19') WHERE seq = 1")  # fmt: skip
    assert (1, "content was changed after signing") in errors(case_file)
    with Case.open(case_file, PASSPHRASE) as case:
        forged = next(read_entries(case.conn, "WHERE seq = 1"))
    assert forged.content is not None
    forged_year = forged.content["at"][:4]
    text = report_text(case_file)
    assert "Forged" not in text
    # The year alone, not four digits inside a hash printed in hex.
    assert not re.search(rf"(?<![0-9a-f]){forged_year}(?![0-9a-f])", text)
    assert "content not shown: it is not what was signed" in text


def test_a_report_never_prints_a_note_whose_entry_is_not_signed(case_file: Path) -> None:
    """The note's entry keeps its values but not its signature: neither the note's text
    nor who wrote it when is printed, and its log row names only the key it claims."""
    edit(case_file, "UPDATE custody SET sig = zeroblob(64) WHERE seq = 2")
    assert (2, "signature does not verify") in errors(case_file)
    text = report_text(case_file)
    assert "утримували" not in text
    assert "Note (the custody entry that wrote it is not shown" in text
    assert re.search(r"\b2 — key [0-9a-f]{8}… content not shown", text)


def test_a_signed_entry_replayed_in_another_place_vouches_for_nothing(case_file: Path) -> None:
    """An older signed description copied over a newer one (which marked the item
    sensitive): verify finds it out of place; the report prints none of the copy and spares
    the viewer, and the app shows only the older description where it was signed."""
    with Case.open(case_file, PASSPHRASE) as case:
        item_id = list_items(case.conn)[0].id
        old = describe_item(case, item_id, {"title": "Old cell", "sensitive": "no"}).seq
        new = describe_item(case, item_id, {"title": "Cell 1", "sensitive": "yes"}).seq
    columns = "prev, content_hash, entry_hash, actor, sig, content, action, subject"
    edit(case_file, f"UPDATE custody SET ({columns}) = (SELECT {columns} FROM custody"
                    f" WHERE seq = {old}) WHERE seq = {new}")  # fmt: skip
    assert (new, f"its content says seq {old}") in errors(case_file)
    with Case.open(case_file, PASSPHRASE) as case:
        assert CaseReader(case).description(item_id)["title"] == "Old cell"
        assert sensitive_ids(case) == {item_id}
    text = report_text(case_file)
    assert f"{new} — key" in text and "Treated as sensitive" in text


def test_a_report_never_prints_a_title_its_case_create_did_not_sign(case_file: Path) -> None:
    """The case's title altered in its `case.create` entry and in its row: the report's
    cover, header and people print neither, and say why."""
    edit(case_file, "UPDATE custody SET content = replace(content, 'Signed facts', 'Forged')"
                    " WHERE seq = 0")  # fmt: skip
    edit(case_file, "UPDATE case_info SET title = 'Forged row'")
    assert (0, "content was changed after signing") in errors(case_file)
    text = report_text(case_file)
    assert "Forged" not in text and "Signed facts" not in text
    assert "(not shown: the entry that created the case is not as signed)" in text


def test_an_entry_whose_content_hash_was_recomputed_states_nothing(case_file: Path) -> None:
    """The import's file name altered and its content hash made anew to match, its entry
    hash and signature left: the app, `items` and the report show no forged name."""
    with Case.open(case_file, PASSPHRASE) as case:
        (stored,) = case.conn.execute("SELECT content FROM custody WHERE seq = 1").fetchone()
    forged = canonical(json.loads(stored.replace("Canon_40D.jpg", "Forged.jpg")))
    edit(case_file, "UPDATE custody SET content = ?, content_hash = ? WHERE seq = 1",
         forged.decode(), hashlib.sha256(forged).digest())  # fmt: skip
    assert (1, "entry hash does not match its contents") in errors(case_file)
    assert "Forged" not in json.dumps(items_json(case_file))
    assert "Forged" not in report_text(case_file)


def test_a_report_says_an_unreadable_entry_is_not_what_was_signed(case_file: Path) -> None:
    """An entry of the case's own log made unreadable is no withheld entry (that is for the
    items a partial report leaves out): its row says what it is."""
    edit(case_file, "UPDATE custody SET content = 'not JSON' WHERE seq = 2")
    text = report_text(case_file)
    assert "content not shown: it is not what was signed" in text
    assert "withheld from this report" not in text


_DESCRIBED = {"action": "item.describe", "subject": "a", "details": {"title": "Cell 2"}}
_SIGNED = canonical(_DESCRIBED).decode()


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (_SIGNED, _DESCRIBED),
        (f" {_SIGNED}\n", _DESCRIBED),  # re-spaced
        (_SIGNED.encode(), _DESCRIBED),  # a BLOB of the signed bytes
        (_SIGNED.encode("utf-16"), _DESCRIBED),  # a BLOB another way, parsed as verify does
        ('{"subject":"b",' + _SIGNED[1:], _DESCRIBED),  # a key twice: the last one counts
        (_SIGNED.replace("Cell 2", "Cell 3"), None),
        (_SIGNED[:-1] + ',"subject":"b"}', None),
        (_SIGNED.replace('"title"', '"title "'), None),
        ("not JSON", None),
        (None, None),
    ],
)
def test_an_entry_is_read_only_for_the_values_that_were_signed(
    stored: object, shown: dict | None
) -> None:
    """What items and notes show of an entry: its values, if they are the ones whose hash
    was signed, however the text that holds them is stored; else nothing."""
    content_hash = hashlib.sha256(_SIGNED.encode()).digest()
    prev = bytes(32)
    linked = entry_hash_of(prev, content_hash)
    assert signed_content(stored, content_hash, prev, linked) == shown
    assert signed_content(stored, content_hash, prev, bytes(32)) is None  # not committed to


def test_an_older_case_file_is_checked_against_its_original(tmp_path: Path) -> None:
    """Files of schemas 1 to 3 signed no metadata digest: verify recomputes what they hold
    from the original. (The schema 4 fixture was made by an app that signs the digests.)"""
    fixtures = [FIXTURES / f"case-v{n}.evault" for n in (1, 2, 3)]
    for fixture in fixtures:
        path = Path(shutil.copy(fixture, tmp_path / fixture.name))
        fixture_key = "schema fixture passphrase"
        assert errors(path, fixture_key) == []
        # opened once: migrated, its thumbnail in a table of its own (schema 6)
        edit(path, "UPDATE items SET metadata = json_set(metadata, '$.model', 'Nikon D1')",
             passphrase=fixture_key)  # fmt: skip
        edit(path, "UPDATE thumbnails SET data = x'00'", passphrase=fixture_key)
        found = errors(path, fixture_key)
        assert (1, "item Canon_40D.jpg: the stored extracted metadata is not what its original "
                   "yields") in found  # fmt: skip
        assert (1, "item Canon_40D.jpg: the stored thumbnail is not what its original yields") in (
            found
        )


def test_an_older_case_files_thumbnail_is_checked_by_its_picture(
    tmp_path: Path, corpus: Path
) -> None:
    """A later version makes thumbnails by other means (here: another JPEG quality), so an
    older file's genuine thumbnail is not what this version's bytes are; it still verifies.
    Another photo's thumbnail in its place is a finding."""
    fixture_key = "schema fixture passphrase"
    path = Path(shutil.copy(FIXTURES / "case-v1.evault", tmp_path / "old.evault"))
    earlier = made_earlier(corpus / "camera" / "Canon_40D.jpg", quality=70)
    edit(path, "UPDATE items SET thumbnail = ?", earlier, passphrase=fixture_key)
    assert errors(path, fixture_key) == []
    edit(path, "UPDATE thumbnails SET data = ?",  # migrated by the first check (schema 6)
         made_earlier(corpus / "camera" / "Nikon_D70.jpg"), passphrase=fixture_key)  # fmt: skip
    assert errors(path, fixture_key) == [
        (1, "item Canon_40D.jpg: the stored thumbnail is not what its original yields")
    ]


def test_a_received_item_signs_its_recomputed_metadata(case_file: Path, tmp_path: Path) -> None:
    with Case.open(case_file, PASSPHRASE) as sender:
        package = export(sender, tmp_path / "package").path
    received = tmp_path / "received.evault"
    with Case.create(received, PASSPHRASE, title="Receiving office", investigator="Taras") as case:
        seq = receive(case, package).seq
        (line,) = next(e for e in read_entries(case.conn) if e.seq == seq).details["items"]
        # What this case computed is signed here; the name is signed by the first hands.
        assert set(line) == {"id", "sha256", "metadata_sha256", "tags_sha256",
                             "warnings_sha256", "thumbnail_sha256"}  # fmt: skip
        assert (get_item(case.conn, line["id"]).metadata["model"]) == "Canon EOS 40D"
        assert thumbnail(case.conn, line["id"]) is not None
        (note,) = next(e for e in read_entries(case.conn) if e.seq == seq).details["notes"]
        assert note["about"] == line["id"]
    assert errors(received) == []
    edit(received, "UPDATE items SET metadata = json_set(metadata, '$.model', 'Nikon D1'),"
                   " original_name = 'other.jpg'")  # fmt: skip
    found = errors(received)
    assert (seq, "item Canon_40D.jpg: its original_name in the case file differs from its "
                 "signed record") in found  # fmt: skip
    assert (seq, "item Canon_40D.jpg: the stored extracted metadata differs from the digest its "
                 "entry signed") in found  # fmt: skip
    item = items_json(received)
    assert (item["original_name"], item["model"]) == ("Canon_40D.jpg", None)


def test_an_edited_case_title_is_a_finding_and_the_report_shows_the_signed_one(
    case_file: Path,
) -> None:
    edit(case_file, "UPDATE case_info SET title = 'Forged title', number = 'X-1'")
    assert (0, "the case's title, number or organization was changed outside the log") in (
        errors(case_file)
    )
    text = report_text(case_file)
    assert "Signed facts" in text and "Forged title" not in text and "X-1" not in text


def test_a_report_of_an_older_case_file_never_shows_its_forged_unsigned_metadata(
    tmp_path: Path,
) -> None:
    """An older file's metadata was never signed: once verify finds it is not what the
    original yields, the report marks the exhibit and shows neither it nor the thumbnail."""
    fixture_key = "schema fixture passphrase"
    path = Path(shutil.copy(FIXTURES / "case-v1.evault", tmp_path / "old.evault"))
    edit(path, "UPDATE items SET metadata = json_set(metadata, '$.model', 'Nikon D1')",
         passphrase=fixture_key)  # fmt: skip
    with Case.open(path, fixture_key) as case:
        made = generate_report(case, tmp_path / "old.pdf", language="en")
    text = " ".join(pdf_text(made.path).split())
    exhibit = text[text.index("Exhibit 1:") : text.index("Custody log")]
    assert "Nikon D1" not in exhibit and "NOT VERIFIED" in text


def test_items_flags_an_older_case_files_unsigned_metadata(case_file: Path, tmp_path: Path) -> None:
    fixture_key = "schema fixture passphrase"
    path = Path(shutil.copy(FIXTURES / "case-v1.evault", tmp_path / "old.evault"))
    listed = run_cli("items", path, passphrase=fixture_key)
    assert "UNVERIFIED: recorded by an older version" in listed.stdout, listed.stderr
    (item,) = json.loads(run_cli("items", path, "--json", passphrase=fixture_key).stdout)
    assert item["unsigned"] == [
        "metadata_sha256", "tags_sha256", "warnings_sha256", "thumbnail_sha256",
    ]  # fmt: skip
    assert items_json(case_file)["unsigned"] == []  # recorded since: every digest signed
    assert "UNVERIFIED" not in run_cli("items", case_file).stdout


def test_the_window_never_shows_a_verification_that_is_not_as_signed(case_file: Path) -> None:
    """A failed verification recorded, then its result edited to "passed": the window
    shows the case as not verified rather than passed (a verify names the entry)."""
    edit(case_file, "UPDATE notes SET text = 'edited'")
    with Case.open(case_file, PASSPHRASE) as case:
        record_verification(case, verify_case(case))
        last = CaseReader(case).last_verification()
        assert last is not None and not last.passed
    edit(case_file, "UPDATE custody SET content = replace(content, '\"result\":\"failed\"',"
                    " '\"result\":\"passed\"') WHERE action = 'case.verify'")  # fmt: skip
    with Case.open(case_file, PASSPHRASE) as case:
        assert CaseReader(case).last_verification() is None
