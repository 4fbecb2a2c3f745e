"""States that agree: the seals and the header read the same recorded verification; a
wait to retry counts down and clears itself; a stale problem leaves when the input
changes; clicking the selected recent case fills its path in again."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.helpers.case import PASSPHRASE, new_case
from ui.dialogs.new_case_dialog import NewCaseDialog
from ui.dialogs.open_case_dialog import OpenCaseDialog
from ui.workspace.item_model import SEAL
from vault.case.handle import Case
from vault.custody.verify import record_verification, verify_case
from vault.evidence.ingest import import_paths


def test_after_unlocking_a_verified_case_the_seals_agree_with_the_header(
    qtbot, window, tmp_path, camera, import_and_wait
):
    case = new_case(tmp_path)
    import_paths(case, [camera / "Canon_40D.jpg", camera / "Nikon_D70.jpg"])
    record_verification(case, verify_case(case))
    case.close()
    window.on_case_ready(Case.open(tmp_path / "case.evault", PASSPHRASE))
    workspace = window.workspace
    assert workspace.header.badge.text().startswith("Verified")
    model = workspace.item_model
    assert [model.index(r, SEAL).data() for r in range(model.rowCount())] == ["✓", "✓"]
    assert "verified" in model.index(0, SEAL).data(Qt.ItemDataRole.ToolTipRole)
    workspace.items.select_row(0)
    assert workspace.details.details.values["seal"].text() == "✓ intact"
    import_and_wait(window, [camera / "Kodak_CX7530.jpg"])
    seals = {model.row(r).original_name: model.index(r, SEAL).data() for r in range(3)}
    assert seals == {"Canon_40D.jpg": "✓", "Nikon_D70.jpg": "✓", "Kodak_CX7530.jpg": ""}


def test_the_wait_to_try_again_counts_down_and_clears_itself(qtbot, refused_twice):
    dialog = refused_twice(retry_base_ms=1500)
    assert dialog.message.text().endswith("You can try again in 2 seconds.")
    qtbot.waitUntil(lambda: dialog.message.text().endswith("try again in 1 second."), timeout=3000)
    qtbot.waitUntil(dialog.open_button.isEnabled, timeout=3000)
    assert "try again" not in dialog.message.text()
    assert dialog.message.text()  # the failure itself is still said


def test_a_stale_problem_in_new_case_clears_when_the_input_changes(qtbot, settings):
    dialog = NewCaseDialog()
    qtbot.addWidget(dialog)
    dialog.create_button.click()
    assert dialog.message.text() == "Give the case a title."
    dialog.title.setText("Balakliia")
    assert dialog.message.text() == ""


def test_clicking_the_selected_recent_case_fills_its_path_again(qtbot, settings, tmp_path):
    recent = [tmp_path / "a.evault", tmp_path / "b.evault"]
    dialog = OpenCaseDialog(recent)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.recent.setCurrentRow(1)
    assert dialog.path.text() == str(recent[1])
    dialog.path.setText("typed over")
    rect = dialog.recent.visualItemRect(dialog.recent.item(1))
    qtbot.mouseClick(dialog.recent.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.path.text() == str(recent[1])
