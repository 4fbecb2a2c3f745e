"""Certificate lists and "Check provenance again" in the app (issue 13 §1, §4): the lists
(shipped, with SHA-256 and source, and the user's) managed through the CLI's own core; a
re-check per item or for the whole case runs as a job and appends a new item.provenance
entry, never an edit. Real fixtures from ../shared/corpus/c2pa (the c2pa-rs test root is for
tests only)."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox
from test_main_window import select
from test_provenance_gui import badge

from tests.helpers.case import run_cli
from ui.dialogs.settings_dialog import SettingsDialog
from ui.dialogs.trust_dialog import AddTrustListDialog, TrustListsDialog
from ui.main_window import MainWindow
from vault.provenance.record import provenance_entries
from vault.provenance.trust import add_trust_list, shipped_lists

_KEEP: list[SettingsDialog] = []  # the Settings dialog must outlive the list it opened


def _open_lists(qtbot) -> TrustListsDialog:
    settings = SettingsDialog("en", 5)
    qtbot.addWidget(settings)
    _KEEP[:] = [settings]
    settings.trust_button.click()
    return settings.trust_dialog


def _rows(dialog: TrustListsDialog) -> list[list[str]]:
    table = dialog.table
    return [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]


def _add(dialog: TrustListsDialog, name: str, pem: Path) -> None:
    """Add a PEM list…, with the name and file typed in, then Add."""
    dialog.add.click()
    add: AddTrustListDialog = dialog.dialog
    add.name.setText(name)
    add.pem.setText(str(pem))
    add.on_add()


def test_the_shipped_lists_show_their_sha256_and_source_and_cannot_be_removed(qtbot):
    dialog = _open_lists(qtbot)
    shipped = shipped_lists()
    assert _rows(dialog) == [[t.name, "shipped", t.sha256, t.source] for t in shipped]
    dialog.table.selectRow(0)
    assert not dialog.remove.isEnabled()


def test_a_pem_list_is_added_and_removed_as_the_cli_sees_it(qtbot, corpus):
    root = corpus / "c2pa" / "test_cert_root_bundle.pem"
    dialog = _open_lists(qtbot)
    _add(dialog, "c2pa-rs test root", root)
    (added,) = [row for row in _rows(dialog) if row[1] == "added by you"]
    assert added[0] == "c2pa-rs test root" and added[3] == str(root)
    listed = json.loads(run_cli("trust", "list", "--json").stdout)
    assert {"name": "c2pa-rs test root", "sha256": added[2]}.items() <= listed[-1].items()
    dialog.table.selectRow(dialog.table.rowCount() - 1)
    assert dialog.remove.isEnabled()
    dialog.remove.click()
    assert [row[1] for row in _rows(dialog)] == ["shipped"] * len(shipped_lists())
    assert "Removed certificate list c2pa-rs test root." in dialog.message.text()
    assert len(json.loads(run_cli("trust", "list", "--json").stdout)) == len(shipped_lists())


def test_a_file_without_certificates_is_refused_with_a_reason(qtbot, tmp_path):
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    dialog = _open_lists(qtbot)
    _add(dialog, "junk", junk)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert "holds no PEM certificate" in box.text()
    box.close()
    assert len(_rows(dialog)) == len(shipped_lists())


def _recheck(qtbot, window: MainWindow, start) -> object:
    started: list[str] = []
    window.session.job_started.connect(lambda _job, title: started.append(title))
    with qtbot.waitSignal(window.workspace.recheck_finished, timeout=60_000) as done:
        start()
    qtbot.waitUntil(lambda: not window.session.busy)
    assert started == ["Checking provenance again"]  # a job, off the UI thread
    window.workspace.recheck_box.close()
    return done.args[0]


def test_checking_one_item_again_appends_a_trusted_result(
    qtbot, case_window: MainWindow, corpus, import_and_wait
):
    c2pa = corpus / "c2pa"
    import_and_wait(case_window, [c2pa / "CA.jpg", c2pa / "XCA.jpg"])
    assert (
        badge(case_window, "CA.jpg")[1] == "Provenance (C2PA): valid, signer not on a trusted list"
    )
    add_trust_list("c2pa-rs test root", c2pa / "test_cert_root_bundle.pem")
    select(case_window, "CA.jpg")
    details = case_window.workspace.details.details
    done = _recheck(qtbot, case_window, details.recheck.click)
    assert done.checked == 1
    item = next(iter(done.results))
    states = [e.details["state"] for e in provenance_entries(case_window.session.case.conn, item)]
    assert states == ["valid", "trusted"]
    assert badge(case_window, "CA.jpg") == ("✓✓ trusted", "Provenance (C2PA): trusted")
    assert badge(case_window, "XCA.jpg")[0] == "✗ invalid"  # not chosen, not re-read


def test_checking_the_whole_case_again_reports_each_result_and_never_edits(
    qtbot, case_window: MainWindow, corpus, import_and_wait
):
    c2pa = corpus / "c2pa"
    import_and_wait(case_window, [c2pa / n for n in ("CA.jpg", "XCA.jpg", "no_manifest.jpg")])
    conn = case_window.session.case.conn
    before = [(e.seq, e.entry_hash) for e in provenance_entries(conn)]
    add_trust_list("c2pa-rs test root", c2pa / "test_cert_root_bundle.pem")
    progressed: list[tuple[int, int]] = []
    case_window.session.job_started.connect(
        lambda job, _t: job.progressed.connect(lambda n, total: progressed.append((n, total)))
    )
    done = _recheck(qtbot, case_window, case_window.recheck_action.trigger)
    assert done.checked == 3 and len(done.results) == 2 and progressed[-1] == (3, 3)
    after = provenance_entries(conn)
    assert [(e.seq, e.entry_hash) for e in after[: len(before)]] == before  # appended only
    assert len(after) == len(before) + 2
    assert badge(case_window, "CA.jpg")[0] == "✓✓ trusted"
    assert badge(case_window, "XCA.jpg")[0] == "✗ invalid"
