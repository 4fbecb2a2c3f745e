"""Issue 9 §1 in the app: a case file whose rows were edited behind its back shows what the
signed log states, flags the disagreement, and never shows the edited values."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from test_main_window import select

from tests.helpers.case import PASSPHRASE, edit_rows
from tests.helpers.listed import drawn_thumbnail
from tests.helpers.tamper import forge_note, tampering
from vault.case.handle import Case
from vault.case.identity import Signer
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.evidence.notes import add_note


def test_the_app_shows_the_signed_facts_of_an_edited_case_file(
    qtbot, window, tmp_path: Path, corpus: Path
) -> None:
    path = tmp_path / "case.evault"
    with Case.create(path, PASSPHRASE, title="Signed facts", investigator="Olena K.") as case:
        import_paths(case, [corpus / "camera" / "Canon_40D.jpg"], source="SD card")
        add_note(case, "Свідок: утримували 46 днів.", about=list_items(case.conn)[0].id)
    other = (corpus / "camera" / "Nikon_D70.jpg").read_bytes()
    edit_rows(path, "UPDATE items SET metadata = json_set(metadata, '$.model', 'Nikon D1'),"
                    " source = 'Seized phone', thumbnail = ?", other)  # fmt: skip
    edit_rows(path, "UPDATE thumbnails SET data = ?", other)
    edit_rows(path, "UPDATE notes SET about = NULL, text = 'Свідок нічого не бачив.'")
    edit_rows(path, "UPDATE identities SET name = 'Mallory'")
    edit_rows(path, "UPDATE case_info SET title = 'Forged title'")
    window.on_case_ready(Case.open(path, PASSPHRASE))
    select(window, "Canon_40D.jpg")
    details = window.workspace.details.details
    assert details.values["source"].text() == "SD card"
    assert details.tag_value("model") is None  # the forged field is not shown
    assert details.tag_value("Image Model") == "Canon EOS 40D"  # the signed tags are
    assert "differs from its signed digest" in details.values["warnings"].text()
    shown = drawn_thumbnail(qtbot, window.workspace, 0)
    assert shown is None or shown.isNull()  # the forged thumbnail is not drawn in the list
    notes = window.workspace.details.notes
    assert notes.notes.count() == 1 and notes.notes.item(0).text().startswith("⚠")
    assert "нічого не бачив" not in notes.notes.item(0).text()  # the edited text is not shown
    log = window.workspace.custody.model
    actors = {log.index(row, 3).data() for row in range(log.rowCount())}
    assert actors and all(a.startswith("Olena K.") for a in actors)  # the signed name
    assert window.workspace.case.info.title == "Signed facts"


def test_an_older_case_files_unsigned_metadata_is_flagged_until_verify_checks_it(
    qtbot, window, tmp_path: Path
) -> None:
    """Schema v1-v3 items carry no signed digest of their metadata or thumbnail: the app
    flags what it shows of them and draws no stored thumbnail until Verify custody has
    recomputed them from the original; then they show plainly."""
    import shutil

    from ui.workspace.item_model import CAPTURED

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "case-v1.evault"
    path = Path(shutil.copy(fixture, tmp_path / "old.evault"))
    window.on_case_ready(Case.open(path, "schema fixture passphrase"))
    select(window, "Canon_40D.jpg")
    workspace = window.workspace
    details = workspace.details.details
    assert not details.unverified_note.isHidden()
    assert details.values["captured"].text().startswith("⚠")
    assert details.values["camera"].text().startswith("⚠")
    assert details.tag_value("Image Model").startswith("⚠")
    row = workspace.items.proxy.index(0, CAPTURED)
    assert row.data().startswith("⚠") and "older version" in row.data(Qt.ItemDataRole.ToolTipRole)
    shown = workspace.items.proxy.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    assert shown is None or shown.isNull()  # the unsigned stored thumbnail is not drawn

    with qtbot.waitSignal(workspace.verify_finished, timeout=120_000) as done:
        workspace.start_verify()
    assert done.args[0].ok
    qtbot.waitUntil(lambda: not window.session.busy)
    select(window, "Canon_40D.jpg")
    assert details.unverified_note.isHidden()
    assert not details.values["captured"].text().startswith("⚠")
    assert details.tag_value("Image Model") == "Canon EOS 40D"
    assert not workspace.items.proxy.index(0, CAPTURED).data().startswith("⚠")
    drawn = drawn_thumbnail(qtbot, workspace, 0)
    assert drawn is not None and not drawn.isNull()


def test_a_current_case_files_signed_metadata_is_not_flagged(
    qtbot, window, tmp_path: Path, corpus: Path
) -> None:
    path = tmp_path / "case.evault"
    with Case.create(path, PASSPHRASE, title="Signed", investigator="Olena K.") as case:
        import_paths(case, [corpus / "camera" / "Canon_40D.jpg"])
    window.on_case_ready(Case.open(path, PASSPHRASE))
    select(window, "Canon_40D.jpg")
    details = window.workspace.details.details
    assert details.unverified_note.isHidden()
    assert details.tag_value("Image Model") == "Canon EOS 40D"


def test_a_note_added_by_a_stranger_shows_why_and_not_its_text(
    window, tmp_path: Path, corpus: Path
) -> None:
    """A note slipped into the case file with an entry signed by a key no one introduced:
    the Notes tab shows Olena's note, and of the stranger's only why it is not shown."""
    path = tmp_path / "case.evault"
    with Case.create(path, PASSPHRASE, title="Signed facts", investigator="Olena K.") as case:
        import_paths(case, [corpus / "camera" / "Canon_40D.jpg"], source="SD card")
        item_id = list_items(case.conn)[0].id
        add_note(case, "Свідок: утримували 46 днів.", about=item_id)
        with tampering(case) as conn:
            stranger = Signer.generate("Rogue", "x", "")
            forge_note(conn, case, stranger, "forged", item_id, "Свідок нічого не бачив.")
    window.on_case_ready(Case.open(path, PASSPHRASE))
    select(window, "Canon_40D.jpg")
    notes = window.workspace.details.notes.notes
    shown = [notes.item(row).text() for row in range(notes.count())]
    assert len(shown) == 2 and "утримували 46 днів" in shown[0]
    assert shown[1].startswith("⚠ The entry that wrote this note is not as signed")
    assert "нічого не бачив" not in shown[1]
