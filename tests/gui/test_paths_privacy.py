"""Paths and privacy: defaults point at folders that exist and name what is saved; New case
and Open case close the open case first; failures name the path; remembering recent case
paths is a setting, and nothing else about a case is kept outside it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.helpers.case import PASSPHRASE, new_case
from ui.dialogs.export_dialog import ExportDialog
from ui.dialogs.new_case_dialog import NewCaseDialog
from ui.dialogs.report_dialog import ReportDialog
from ui.dialogs.settings_dialog import SettingsDialog
from ui.settings import AppSettings
from vault.case.handle import Case


def test_new_case_and_open_case_close_the_open_case_first(case_window):
    path = case_window.session.case.path
    case_window.new_case()
    assert case_window.session is None and case_window.workspace is None
    assert isinstance(case_window.dialog, NewCaseDialog) and case_window.dialog.isVisible()
    case_window.dialog.reject()
    case_window.on_case_ready(Case.open(path, PASSPHRASE))
    dialog = case_window.open_case()
    assert dialog is not None and dialog.isVisible() and case_window.session is None
    assert dialog.path.text() == str(path.resolve())  # the case just closed, first in the list


def test_without_a_documents_folder_the_new_case_goes_to_home_named_for_the_case(qtbot, settings):
    assert not (Path.home() / "Documents").exists()
    dialog = NewCaseDialog()
    qtbot.addWidget(dialog)
    assert Path(dialog.path.text()) == Path.home() / "New case.evault"
    dialog.number.setText("12022220000000123")
    dialog.title.setText("Balakliia: police station")
    assert Path(dialog.path.text()).name == "12022220000000123-Balakliia_ police station.evault"
    dialog.path.setText("/somewhere/mine.evault")
    dialog.path.textEdited.emit("/somewhere/mine.evault")  # typed by the user: it stays
    dialog.title.setText("Something else")
    assert dialog.path.text() == "/somewhere/mine.evault"


def test_export_and_report_default_to_an_existing_folder_and_a_meaningful_name(qtbot, case_window):
    (Path.home() / "Documents").mkdir()
    today = date.today().isoformat()
    shown: list[str] = []
    export = ExportDialog(case_window.session, shown, shown, case_window)
    qtbot.addWidget(export)
    path = Path(export.path.text())
    assert path.parent == Path.home() / "Documents"
    assert path.name == f"Balakliia — police station basement-package-{today}.zip.age"
    report = ReportDialog(case_window.session, shown, case_window)
    qtbot.addWidget(report)
    assert Path(report.path.text()).name.endswith(f"-report-en-{today}.pdf")
    report.language.setCurrentIndex(report.language.findData("uk"))
    assert Path(report.path.text()).name.endswith(f"-report-uk-{today}.pdf")


def test_a_failed_report_names_the_path(qtbot, case_window, tmp_path):
    report = ReportDialog(case_window.session, [], case_window)
    report.open_pdf = False
    qtbot.addWidget(report)
    target = tmp_path / "no such folder" / "r.pdf"
    report.path.setText(str(target))
    report.generate.click()
    qtbot.waitUntil(lambda: not case_window.session.busy, timeout=60_000)
    qtbot.waitUntil(lambda: str(target.parent) in report.message.text(), timeout=5000)


def test_remembering_recent_paths_is_a_setting_with_forget_all(case_window, tmp_path):
    path = case_window.session.case.path.resolve()
    assert case_window.settings.recent_cases() == [path]
    assert case_window.start_page.recent.topLevelItemCount() == 1
    case_window.forget_recent()
    assert AppSettings().recent_cases() == []
    assert case_window.start_page.recent.topLevelItemCount() == 0
    case_window.apply_settings("en", 10, remember_recent=False)
    case_window.lock()
    case_window.dialog.reject()
    case_window.on_case_ready(Case.open(path, PASSPHRASE))
    assert AppSettings().recent_cases() == [] and not AppSettings().remembers_recent()
    dialog = SettingsDialog("en", 10, remember_recent=False)
    assert not dialog.remember.isChecked()


def test_nothing_about_a_case_is_kept_outside_it(qtbot, window, tmp_path, camera, import_and_wait):
    """With remembering off, no file outside the case holds its path, title, number,
    investigator, file names or notes; the witness keeps only the case id and head hash."""
    window.apply_settings("en", 10, remember_recent=False)
    case = new_case(tmp_path, "secret-place.evault", number="NUMBER-4711",
                    investigator="Olena Kovalenko")  # fmt: skip
    window.on_case_ready(case)
    import_and_wait(window, [camera / "Canon_40D.jpg"])
    window.workspace.items.select_row(0)
    window.workspace.details.notes.editor.setPlainText("Witness Ivanenko said so")
    window.workspace.details.notes.add.click()
    window.lock()
    window.dialog.reject()
    secrets = ["secret-place", "Balakliia", "NUMBER-4711", "Kovalenko", "Canon_40D",
               "Ivanenko", str(tmp_path)]  # fmt: skip
    kept = [p for p in Path.home().rglob("*") if p.is_file()]
    assert {p.parent.name for p in kept} == {"EvidenceVault", "witness"}
    for file in kept:
        text = file.read_bytes().decode("utf-8", "replace")
        assert not [s for s in secrets if s in text], file
