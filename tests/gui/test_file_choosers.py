"""The app's file choosers: Qt's own (in the app's language), and they leave nothing behind.
Qt's QFileDialog writes its history and last folder to ~/.config/QtProject.conf when it is
destroyed; with "remember recent cases" off no file outside the case may name its folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel, QLabel, QLineEdit

from ui.dialogs.certificate_dialog import CertificateDialog
from ui.dialogs.export_dialog import ExportDialog
from ui.dialogs.new_case_dialog import NewCaseDialog
from ui.dialogs.open_case_dialog import OpenCaseDialog
from ui.dialogs.receive_dialog import ReceiveDialog
from ui.dialogs.report_dialog import ReportDialog
from ui.dialogs.trust_dialog import AddTrustListDialog
from ui.dialogs.tsa_settings import AddTsaDialog
from ui.main_window import MainWindow
from ui.widgets.paths import Choose, file_dialog


def answer_chooser(path: Path, asked: list[str]) -> None:
    """When a file chooser comes up (modal: the test waits inside its exec), go to the folder
    of `path`, type its name and accept, as a person would."""

    def answer() -> None:
        chooser = QApplication.activeModalWidget()
        if not isinstance(chooser, QFileDialog):
            QTimer.singleShot(10, answer)  # not up yet: look again from the event loop
            return
        asked.append(chooser.windowTitle())
        name = chooser.findChild(QLineEdit, "fileNameEdit")
        assert name is not None, "Qt's own chooser, not the desktop's"
        chooser.setDirectory(str(path.parent))
        name.setText(path.name)
        chooser.accept()

    QTimer.singleShot(0, answer)


def every_browse(
    window: MainWindow, folder: Path
) -> list[tuple[Callable[[], None], Path, Callable[[], str]]]:
    """(click Browse, the file to choose, what the dialog then holds) for every chooser."""
    session = window.session
    new = NewCaseDialog(window)
    opening = OpenCaseDialog([], None, 0, window)
    export = ExportDialog(session, [], [], window)
    report = ReportDialog(session, [], window)
    receive = ReceiveDialog(session, window)
    package = folder / "from-olena.zip"
    package.write_bytes(b"PK")
    tsa = AddTsaDialog(window)
    certificate = folder / "tsa-ca.pem"
    certificate.write_text("not read here")
    signing = CertificateDialog(session, window)
    pkcs12 = folder / "report-signing.p12"
    pkcs12.write_bytes(b"not read here")
    trust = AddTrustListDialog(window)
    return [
        (new.on_browse_clicked, folder / "second.evault", new.path.text),
        (opening.on_browse_clicked, session.case.path, opening.path.text),
        (export.on_browse_clicked, folder / "package.zip", export.path.text),
        (report.on_browse_clicked, folder / "report.pdf", report.path.text),
        (receive.on_browse_clicked, package, receive.path.text),
        (tsa.on_browse, certificate, tsa.pem.text),
        (signing.on_browse, pkcs12, signing.path.text),
        (trust.on_browse, certificate, trust.pem.text),
    ]


def test_no_file_chooser_leaves_the_case_folder_on_the_machine(case_window, qtbot, tmp_path):
    case_window.apply_settings("en", 10, remember_recent=False)
    folder = tmp_path / "secret-folder-of-the-case"
    folder.mkdir()
    asked: list[str] = []
    for browse, path, field in every_browse(case_window, folder):
        answer_chooser(path, asked)
        browse()
        assert field() == str(path), asked[-1]
    dropped = folder / "witness-statement.txt"
    dropped.write_text("Свідок 1")
    answer_chooser(dropped, asked)
    with qtbot.waitSignal(case_window.workspace.import_finished, timeout=60_000):
        case_window.on_import_triggered()
    qtbot.waitUntil(lambda: not case_window.session.busy)
    assert len(asked) == 9
    QApplication.processEvents()
    written = [p for p in Path.home().rglob("*") if p.is_file()]
    assert written, "the app's own settings are there"
    for file in written:
        text = file.read_bytes().decode("utf-8", "replace")
        assert str(tmp_path) not in text and "secret-folder" not in text, file


def test_every_file_chooser_goes_through_the_one_helper():
    """A QFileDialog opened anywhere else would write its history again."""
    root = Path(__file__).resolve().parents[2] / "ui"
    direct = [
        str(source.relative_to(root))
        for source in root.rglob("*.py")
        if "QFileDialog" in source.read_text(encoding="utf-8")
    ]
    assert sorted(direct) == ["language.py", "widgets/paths.py"]


def test_file_choosers_keep_what_other_programs_saved(case_window, tmp_path):
    """Another Qt program's chooser history (same QtProject.conf) is left as it was."""
    qt = QSettings(QSettings.Scope.UserScope, "QtProject")
    qt.setValue("FileDialog/lastVisited", "file:///home/someone/photos")
    qt.sync()
    export = ExportDialog(case_window.session, [], [], case_window)
    answer_chooser(tmp_path / "package.zip", [])
    export.on_browse_clicked()
    again = QSettings(QSettings.Scope.UserScope, "QtProject")
    assert again.value("FileDialog/lastVisited") == "file:///home/someone/photos"
    assert str(tmp_path) not in Path(again.fileName()).read_text()


def test_the_file_chooser_speaks_ukrainian_to_the_last_label(qtbot, window, tmp_path):
    """qtbase_uk lacks the Qt 6 labels with accelerators ("&Look in:", "Files of &type:")
    and the Type column's "Folder": our catalogue fills them in."""
    (tmp_path / "Фото").mkdir()
    window.apply_settings("uk", 10)
    try:
        chooser = file_dialog(window, "x", str(tmp_path), "", Choose.OPEN)
        qtbot.addWidget(chooser)
        model = chooser.findChild(QFileSystemModel)
        with qtbot.waitSignal(model.directoryLoaded, timeout=10_000):
            chooser.show()
        labels = {label.text() for label in chooser.findChildren(QLabel)}
        assert {"&Шукати в:", "&Ім'я файлу:", "&Тип файлів:"} <= labels
        folder = model.index(str(tmp_path / "Фото"))
        assert model.data(folder.siblingAtColumn(2)) == "Тека"
    finally:
        window.apply_settings("en", 10)
    english = file_dialog(window, "x", str(tmp_path), "", Choose.OPEN)
    qtbot.addWidget(english)
    assert "&Look in:" in {label.text() for label in english.findChildren(QLabel)}
