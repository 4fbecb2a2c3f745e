"""Trusted time and witnessed heads in the desktop app (DESIGN §8): the TSA list in Settings,
"Time-stamp now" against a real loopback RFC 3161 service, offline said plainly, and a
rolled-back case announced by a banner before anything else."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from tests.helpers.case import PASSPHRASE, new_case
from tests.helpers.network import LOOPBACK_ALLOWED
from ui.dialogs.export_dialog import PLAIN
from ui.dialogs.settings_dialog import SettingsDialog
from ui.main_window import MainWindow
from vault.case.handle import Case
from vault.custody.entry import read_entries
from vault.custody.tsa import add_tsa, list_tsas
from vault.evidence.notes import add_note


def _message(qtbot) -> str:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    text = box.text()
    box.close()
    return text


def test_settings_lists_adds_and_removes_time_stamping_services(qtbot, tsa_service):
    dialog = SettingsDialog("en", 10)
    qtbot.addWidget(dialog)
    assert dialog.tsas.list.count() == 0  # nothing configured by default
    dialog.tsas.on_add()
    add = dialog.tsas.dialog
    add.name.setText("org-tsa")
    add.url.setText(tsa_service.url)
    add.pem.setText(str(tsa_service.ca))
    add.on_add()
    assert [t.name for t in list_tsas()] == ["org-tsa"]
    assert dialog.tsas.list.item(0).text() == f"org-tsa — {tsa_service.url}"
    dialog.tsas.list.setCurrentRow(0)
    dialog.tsas.on_remove()
    assert list_tsas() == [] and dialog.tsas.list.count() == 0
    assert tsa_service.requests == 0  # editing the list contacts nobody


def test_time_stamp_now_anchors_the_head_and_the_custody_view_says_what_is_proven(
    qtbot, case_window: MainWindow, tsa_service
):
    tsa_service.mode = "good"
    add_tsa("org-tsa", tsa_service.url, tsa_service.ca.read_text())
    workspace = case_window.workspace
    with qtbot.waitSignal(workspace.timestamp_finished, timeout=60_000):
        workspace.custody.timestamp.click()
    qtbot.waitUntil(lambda: not case_window.session.busy)
    text = workspace.custody.anchors.text()
    assert "entries 0–0 existed before" in text and "(trusted)" in text
    entries = list(read_entries(case_window.session.case.conn))
    assert entries[-1].action == "anchor.timestamp"


def test_offline_the_app_says_so_and_nothing_changes(qtbot, case_window: MainWindow, tsa_service):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    add_tsa("down", f"http://127.0.0.1:{port}/tsa", tsa_service.ca.read_text())
    LOOPBACK_ALLOWED.add(("127.0.0.1", port))
    try:
        case_window.workspace.custody.timestamp.click()
        assert "could not be reached" in _message(qtbot)
    finally:
        LOOPBACK_ALLOWED.discard(("127.0.0.1", port))
    qtbot.waitUntil(lambda: not case_window.session.busy)
    assert len(list(read_entries(case_window.session.case.conn))) == 1


def test_without_a_service_time_stamp_now_points_to_settings(qtbot, case_window: MainWindow):
    case_window.workspace.custody.timestamp.click()
    assert "Add the one you trust in Settings" in _message(qtbot)


def test_a_rolled_back_case_opens_with_a_banner_before_anything_else(
    qtbot, window: MainWindow, tmp_path: Path
):
    path = tmp_path / "case.evault"
    new_case(tmp_path).close()
    shutil.copy(path, tmp_path / "old.evault")
    with Case.open(path, PASSPHRASE) as case:
        add_note(case, "made after the copy")
    shutil.copy(tmp_path / "old.evault", path)
    window.on_case_ready(Case.open(path, PASSPHRASE))
    banner = window.workspace.banner
    qtbot.waitUntil(banner.isVisible)
    assert "rolled back to an older copy" in banner.text()
    assert "ROLLED BACK OR REWRITTEN" in banner.text()


def test_after_an_export_the_app_offers_to_time_stamp_and_does_so_on_yes(
    qtbot, case_window: MainWindow, tsa_service, tmp_path: Path
):
    tsa_service.mode = "good"
    add_tsa("org-tsa", tsa_service.url, tsa_service.ca.read_text())
    case_window.export_action.trigger()
    export = case_window.dialog
    export.protection.setCurrentIndex(export.protection.findData(PLAIN))
    export.path.setText(str(tmp_path / "out"))
    before = tsa_service.requests
    with qtbot.waitSignal(export.export_finished, timeout=60_000):
        export.start.click()
    box = case_window.timestamp_offer
    qtbot.waitUntil(box.isVisible)
    assert tsa_service.requests == before  # only an offer: nothing contacted yet
    with qtbot.waitSignal(case_window.workspace.timestamp_finished, timeout=60_000):
        box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not case_window.session.busy)
    actions = [e.action for e in read_entries(case_window.session.case.conn)]
    assert actions[-2:] == ["package.export", "anchor.timestamp"]
    export.close()


def test_without_a_service_nothing_is_offered(case_window: MainWindow):
    assert case_window.offer_timestamp() is None


def test_the_custody_view_states_the_anchors_as_soon_as_the_case_opens(
    qtbot, window: MainWindow, tsa_service, tmp_path: Path
):
    """DESIGN §8 / issue 11 §3: what is proven about time is said on open, before any
    verify or time-stamp in this session; later acts lengthen the unanchored tail."""
    from vault.custody.anchors import timestamp_case
    from vault.custody.tsa import find_tsa

    tsa_service.mode = "good"
    add_tsa("org-tsa", tsa_service.url, tsa_service.ca.read_text())
    with new_case(tmp_path) as case:
        add_note(case, "before the time-stamp")
        timestamp_case(case, find_tsa(None))
        add_note(case, "after it")
        path = case.path
    window.on_case_ready(Case.open(path, PASSPHRASE))
    custody = window.workspace.custody
    assert not custody.anchors.isHidden()
    text = custody.anchors.text()
    assert "entries 0–1 existed before" in text and "(trusted)" in text
    assert "2 entries since rest on the local clock" in text
    window.workspace.on_note_add_requested("one more")
    assert "3 entries since rest on the local clock" in custody.anchors.text()


def test_an_unanchored_case_says_on_open_that_its_times_rest_on_the_local_clock(
    window: MainWindow, tmp_path: Path
):
    new_case(tmp_path).close()
    window.on_case_ready(Case.open(tmp_path / "case.evault", PASSPHRASE))
    text = window.workspace.custody.anchors.text()
    assert text == "No trusted time: the one entry rests on the recording computer's clock"


def test_on_open_the_custody_view_warns_of_a_clock_that_ran_ahead_of_its_anchor(
    qtbot, window: MainWindow, tsa_service, tmp_path: Path, monkeypatch
):
    """An entry recorded 'tomorrow' that a token proves existed today: the recording clock
    ran ahead, and the view says so from the moment the case opens (DESIGN §8)."""
    from vault.custody import entry as entry_module
    from vault.custody.anchors import timestamp_case
    from vault.custody.tsa import find_tsa

    tsa_service.mode = "good"
    add_tsa("org-tsa", tsa_service.url, tsa_service.ca.read_text())
    with new_case(tmp_path) as case:
        with monkeypatch.context() as patch:
            patch.setattr(
                entry_module, "utc_now", lambda: ("2099-01-01T00:00:00.000000Z", "+00:00")
            )
            add_note(case, "written while the laptop's clock was far ahead")
        timestamp_case(case, find_tsa(None))
        path = case.path
    window.on_case_ready(Case.open(path, PASSPHRASE))
    text = window.workspace.custody.anchors.text()
    assert "entries 0–1 existed before" in text
    assert "⚠ seq 1" in text and "the recording clock ran ahead" in text
