"""Every screen, as Olena and Mykola see it at 1280×800, in English and Ukrainian: no label
is cut (its text fits, wraps or is elided with a tooltip), and in Ukrainian no English is
left (evidence data and names excepted: tests/helpers/screens.py).

The walker finds widgets by itself: a new dialog or pane needs only a line in `screens()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QDialog, QTableView, QWidget
from test_main_window import select

from tests.helpers.case import CORPUS, PASSPHRASE, new_case
from tests.helpers.package import PASSPHRASE as RECEIVED_PASSPHRASE
from tests.helpers.package import received_case
from tests.helpers.screens import (
    clipped_labels,
    cut_cells,
    cut_tables,
    cut_widgets,
    english_words,
    shown_texts,
)
from ui.dialogs.certificate_dialog import CertificateDialog
from ui.dialogs.export_dialog import PLAIN, ExportDialog
from ui.dialogs.import_summary_dialog import ImportSummaryDialog
from ui.dialogs.new_case_dialog import NewCaseDialog
from ui.dialogs.open_case_dialog import OpenCaseDialog
from ui.dialogs.receive_dialog import ReceiveDialog
from ui.dialogs.report_dialog import ReportDialog
from ui.dialogs.settings_dialog import SettingsDialog
from ui.dialogs.trust_dialog import AddTrustListDialog, TrustListsDialog
from ui.dialogs.tsa_settings import AddTsaDialog
from ui.language import use_language
from ui.look import apply_look
from ui.main_window import MainWindow
from ui.widgets.paths import Choose, file_dialog
from vault.case.handle import Case
from vault.case.view import CaseReader
from vault.evidence.ingest import ImportResult, import_paths
from vault.evidence.notes import add_note, describe_item
from vault.i18n import _ as translated

SIZE = (1280, 800)
# Evidence data the app shows inside its own sentences (tests/helpers/case.py's case; the
# role is as the signed log recorded it).
CASE_TITLE, INVESTIGATOR = "Balakliia — police station basement", "Olena K."
ORGANIZATION = "Kharkiv regional prosecutor's office"
# The received case's (tests/helpers/package.py): its title, organization and holder.
LAWYER = ("Defence of the civilians", "Bar of Kharkiv", "Advocate Petrenko", "advocate")
pytestmark = pytest.mark.slow  # every screen, twice: about 30 s


@pytest.fixture(scope="module")
def olenas_case(tmp_path_factory, corpus) -> tuple[Path, ImportResult]:
    """A case like the story's: photos with GPS and warnings, a description, a note."""
    folder = tmp_path_factory.mktemp("screens")
    case = new_case(folder, number="12022220000000123",
                    organization=ORGANIZATION)  # fmt: skip
    result = import_paths(case, [corpus / "camera", corpus / "phone"], source="SD card 1")
    first = CaseReader(case).items()[0]
    describe_item(case, first.id, {"title": "Cell 2, north wall",
                                   "location": "Basement, east corridor"})  # fmt: skip
    add_note(case, "Свідок 1: «Тут тримали людей у вересні».", about=first.id)
    case.close()
    return case.path, result


@pytest.fixture(scope="module")
def received(tmp_path_factory, corpus) -> Path:
    """A lawyer's case that received Olena's package: items with custody from the first
    hands (the item's Custody tab) and her kept log (the custody log)."""
    lawyer, _ids = received_case(tmp_path_factory.mktemp("received"), corpus)
    lawyer.close()
    return lawyer.path


def settle() -> None:
    for _round in range(3):
        QApplication.processEvents()


def shown(widget: QWidget) -> QWidget:
    widget.show()
    settle()
    return widget


def screens(
    qtbot, window: MainWindow, out: Path, case_path: Path, result: ImportResult, received: Path
) -> Iterator[tuple[str, QWidget]]:
    """Every screen and dialog, shown in turn; dialogs are closed after they are checked."""
    window.resize(*SIZE)
    yield "start page", shown(window)
    for name, make in (
        ("new case", lambda: NewCaseDialog(window)),
        ("open case", lambda: OpenCaseDialog(window.settings.recent_cases(), None, 0, window)),
        ("settings", lambda: SettingsDialog("en", 10, window)),
        ("add time-stamping service", lambda: AddTsaDialog(window)),
        ("certificate lists", lambda: TrustListsDialog(window)),
        ("add a certificate list", lambda: AddTrustListDialog(window)),
    ):
        yield name, shown(make())
    for name, what in (("choose a file", Choose.OPEN), ("choose files", Choose.OPEN_MANY),
                       ("save as", Choose.SAVE)):  # fmt: skip
        chooser = file_dialog(
            window,
            translated("Open a case file"),
            str(out),
            translated("Case files (*.evault)"),
            what,
        )
        yield f"file chooser: {name}", shown(chooser)
    window.on_case_ready(Case.open(case_path, PASSPHRASE))
    workspace = window.workspace
    assert workspace is not None
    workspace.items.select_row(0)
    details = workspace.details
    for tab in range(details.count()):
        details.setCurrentIndex(tab)
        yield f"evidence, {details.tabText(tab)} tab", shown(window)
    workspace.tabs.setCurrentIndex(1)
    yield "custody log", shown(window)
    ids = workspace.items.shown_ids()
    yield "import summary", shown(ImportSummaryDialog(result, window))
    yield from results(qtbot, window, ids, out / "package")
    yield from received_screens(qtbot, window, received)


def received_screens(qtbot, window: MainWindow, path: Path) -> Iterator[tuple[str, QWidget]]:
    """A received case: the item Custody tab of an item with a description and a note from
    the first hands, and the custody log with the kept log of the earlier holder."""
    window.new_case()  # closes the open case first (nothing runs, so nothing is asked)
    window.dialog.reject()
    window.on_case_ready(Case.open(path, RECEIVED_PASSPHRASE))
    workspace = window.workspace
    assert workspace is not None
    qtbot.waitUntil(lambda: window.session is not None and not window.session.busy)
    row = next(
        r for r in range(workspace.items.proxy.rowCount())
        if workspace.items.proxy.index(r, 0).data() == "Canon_40D.jpg"
    )  # fmt: skip
    workspace.items.select_row(row)
    details = workspace.details
    details.setCurrentWidget(details.events)
    qtbot.waitUntil(lambda: details.events.model.rowCount() == 5)
    yield "received item, Custody tab", shown(window)
    workspace.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: workspace.custody.kept_model.rowCount() > 0)
    yield "received case, custody log with the kept log", shown(window)


def finish(qtbot, session, finished, button, message) -> None:
    """Click a dialog's start button and wait until its real job has finished."""
    with qtbot.waitSignal(finished, timeout=120_000, raising=False) as done:
        button.click()
    assert done.signal_triggered, message.text()
    qtbot.waitUntil(lambda: not session.busy)


def results(qtbot, window: MainWindow, ids: list[str], out: Path) -> Iterator[tuple[str, QWidget]]:
    """The dialogs that show a result: before, and once their real job has finished."""
    session = window.session
    export = shown(ExportDialog(session, ids, ids[:1], window))
    yield "export", export
    export.scope.setCurrentIndex(export.scope.findData("selected"))
    export.protection.setCurrentIndex(export.protection.findData(PLAIN))
    export.path.setText(str(out.with_suffix(".zip")))
    finish(qtbot, session, export.export_finished, export.start, export.message)
    yield "export result", shown(export)
    receive = shown(ReceiveDialog(session, window))
    yield "receive", receive
    receive.path.setText(str(out.with_suffix(".zip")))
    finish(qtbot, session, receive.verification_finished, receive.check, receive.message)
    yield "receive findings", shown(receive)
    report = shown(ReportDialog(session, ids[:1], window))
    report.open_pdf = False
    yield "report", report
    report.scope.setCurrentIndex(report.scope.findData("shown"))
    report.path.setText(str(out.with_suffix(".pdf")))
    finish(qtbot, session, report.report_finished, report.generate, report.message)
    yield "report result", shown(report)
    yield from certificate(qtbot, window, out.parent)
    yield from provenance(qtbot, window)


def provenance(qtbot, window: MainWindow) -> Iterator[tuple[str, QWidget]]:
    """An item with Content Credentials (its Provenance section and Check again button),
    then the result of checking the whole case again."""
    workspace = window.workspace
    assert workspace is not None
    with qtbot.waitSignal(workspace.import_finished, timeout=60_000):
        workspace.start_import([CORPUS / "c2pa" / "CA.jpg"])
    qtbot.waitUntil(lambda: not window.session.busy)
    window.summary.close()
    workspace.tabs.setCurrentIndex(0)
    workspace.details.setCurrentIndex(0)
    select(window, "CA.jpg")
    yield "evidence, an item with Content Credentials", shown(window)
    with qtbot.waitSignal(workspace.recheck_finished, timeout=60_000):
        window.recheck_action.trigger()
    qtbot.waitUntil(lambda: not window.session.busy)
    yield "provenance checked again", shown(workspace.recheck_box)


def certificate(qtbot, window: MainWindow, folder: Path) -> Iterator[tuple[str, QWidget]]:
    """The report certificate, as the report just issued it, then a refused PKCS#12."""
    dialog = shown(CertificateDialog(window.session, window))
    yield "report certificate", dialog
    junk = folder / "not-a.p12"
    junk.write_bytes(b"not PKCS#12")
    dialog.path.setText(str(junk))
    dialog.passphrase.setText("wrong")
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not window.session.busy and dialog.import_button.isEnabled())
    yield "report certificate refused", shown(dialog)


@pytest.fixture
def look_in(qtbot, settings) -> Iterator[Callable[..., MainWindow]]:
    """A function: a main window in `language` and look (high contrast or not). At the end
    the window is closed and English and the usual look are put back."""
    windows: list[MainWindow] = []

    def open_window(language: str, high_contrast: bool = False) -> MainWindow:
        use_language(language)
        apply_look(QApplication.instance(), high_contrast=high_contrast)
        windows.append(MainWindow(settings, retry_base_ms=0))
        qtbot.addWidget(windows[-1])
        return windows[-1]

    yield open_window
    for window in windows:
        window.close()
    use_language("en")
    apply_look(QApplication.instance(), high_contrast=False)


def walk(
    qtbot, window: MainWindow, tmp_path: Path, olenas_case, received: Path
) -> Iterator[tuple[str, QWidget]]:
    """Every screen, each dialog closed once it has been looked at."""
    for name, screen in screens(qtbot, window, tmp_path, *olenas_case, received):
        yield name, screen
        if isinstance(screen, QDialog):
            screen.close()


@pytest.mark.parametrize(
    ("language", "high_contrast"), [("en", False), ("uk", False), ("uk", True)]
)
def test_no_label_is_cut_on_any_screen(
    qtbot, look_in, tmp_path, olenas_case, received, language, high_contrast
):
    window = look_in(language, high_contrast)
    problems = []
    for name, screen in walk(qtbot, window, tmp_path, olenas_case, received):
        problems += [f"{name}: {p}" for p in clipped_labels(screen)]
        problems += [f"{name}: {p} runs off" for p in cut_widgets(screen)]
        problems += [f"{name}: table {p}" for p in cut_tables(screen)]
        # Every table's and tree's cells and columns (issue 16 §1).
        problems += [f"{name}: table {p}" for p in cut_cells(screen)]
    assert not problems, "cut:\n" + "\n".join(problems)


def test_no_english_is_left_on_any_ukrainian_screen(
    qtbot, look_in, tmp_path, olenas_case, received
):
    window = look_in("uk")
    problems = []
    for name, screen in walk(qtbot, window, tmp_path, olenas_case, received):
        problems += [
            f"{name}: {where}: {text!r}"
            for where, text in shown_texts(
                screen, data=(CASE_TITLE, INVESTIGATOR, "investigator", ORGANIZATION, *LAWYER)
            )
            if english_words(text)
        ]
    assert not problems, "English on a Ukrainian screen:\n" + "\n".join(problems)


def test_the_walker_finds_a_list_column_cut_without_elision_or_tooltip(qtbot):
    """The check the screens above rely on fails when it should: a name cut short with no
    tooltip saying it whole, or not elided at all; an elided name with its tooltip passes."""
    model = QStandardItemModel(1, 2)
    name = "Konica_Minolta_DiMAGE_Z3 taken at the checkpoint.jpg"
    model.setItem(0, 0, QStandardItem(name))
    model.setItem(0, 1, QStandardItem("2008-05-30 15:56:01"))
    view = QTableView()
    qtbot.addWidget(view)
    view.setAccessibleName("Evidence items")
    view.setModel(model)
    view.resize(400, 200)
    view.setColumnWidth(0, 120)
    view.setColumnWidth(1, 60)
    view.show()
    view.setTextElideMode(Qt.TextElideMode.ElideNone)
    assert len(cut_cells(view)) == 2
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    assert len(cut_cells(view)) == 2, "elided, but no tooltip says the whole text"
    model.item(0, 0).setToolTip(name)
    assert [p for p in cut_cells(view) if "Konica" in p] == []
    view.setColumnWidth(1, 200)
    assert cut_cells(view) == []
