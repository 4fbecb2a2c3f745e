"""Render the desktop app's main screens offscreen to docs/screenshots/*.png, in English and
Ukrainian, with a real case made from ../shared/corpus in a temporary folder.

Run with `make screenshots` (or QT_QPA_PLATFORM=offscreen python -m tools.screenshots).
Nothing is written outside the temporary folder and docs/screenshots; the user's own
settings are not touched.
"""

from __future__ import annotations

import os
import runpy
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication, QWidget

from ui.app import create_application
from ui.dialogs.certificate_dialog import CertificateDialog
from ui.dialogs.export_dialog import PLAIN, ExportDialog
from ui.dialogs.import_summary_dialog import ImportSummaryDialog
from ui.dialogs.new_case_dialog import NewCaseDialog
from ui.dialogs.receive_dialog import ReceiveDialog
from ui.dialogs.report_dialog import ReportDialog
from ui.dialogs.trust_dialog import TrustListsDialog
from ui.language import use_language
from ui.look import apply_look
from ui.main_window import MainWindow
from ui.settings import AppSettings
from ui.widgets.paths import Choose, file_dialog
from ui.workspace.item_model import ItemRole
from vault.case.handle import Case
from vault.evidence.ingest import ImportResult, import_paths
from vault.evidence.items import list_items
from vault.evidence.notes import add_note, describe_item
from vault.i18n import _, current_language
from vault.package.export import export
from vault.package.receive import receive

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CORPUS = Path(os.environ.get("EVIDENCE_VAULT_SHARED", ROOT.parent / "shared")) / "corpus"
PASSPHRASE = "screenshots only, never a real case"
SIZE = (1280, 800)  # an old laptop's screen; 1600×1000 files are named *-1600.png
SIZES = (SIZE, (1600, 1000))


def settle(ms: int = 150) -> None:
    """Let Qt lay out and paint (thumbnails load as rows paint)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(signal: SignalInstance, start: Callable[[], object]) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    start()
    loop.exec()


def save(widget: QWidget, name: str) -> None:
    settle()
    workspace = getattr(widget, "workspace", None)
    for _turn in range(100):  # the count line's "with warnings: N" is counted in a thread
        if workspace is None or workspace.settled():
            break
        settle(50)
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(path.relative_to(ROOT))


@cache
def import_in(language: str, folder: Path) -> ImportResult:
    """What the import summary shows when the import ran in `language`: the warnings are
    recorded in the language of the import (they are signed as they were shown)."""
    shown = current_language()
    use_language(language)
    case = Case.create(folder / f"summary-{language}.evault", PASSPHRASE, title="summary",
                       investigator="Olena K.")  # fmt: skip
    result = import_paths(case, [CORPUS / "camera", CORPUS / "phone"], source="SD card 1")
    case.close()
    use_language(shown)
    return result


def make_case(folder: Path) -> tuple[Path, ImportResult]:
    """A case like Olena's: camera and phone photos, a described item, a witness note."""
    case = Case.create(
        folder / "balakliia.evault",
        PASSPHRASE,
        title="Balakliia — police station basement",
        number="12022220000000123",
        organization="Kharkiv regional prosecutor's office",
        investigator="Olena K.",
    )
    result = import_paths(
        case, [CORPUS / "camera", CORPUS / "phone", CORPUS / "orientation"], source="SD card 1"
    )
    first = next(i for i in list_items(case.conn) if i.metadata.get("gps_lat"))
    describe_item(
        case,
        first.id,
        {
            "title": "Cell 2, north wall",
            "location": "Basement, east corridor",
            "captured_by": "Olena K.",
        },
    )
    add_note(case, "Свідок 1: «Тут тримали людей у вересні».", about=first.id)
    case.close()
    return folder / "balakliia.evault", result


def make_received(folder: Path, case_path: Path) -> Path:
    """Mykola's case, which received three of Olena's items: custody from the first hands."""
    olena = Case.open(case_path, PASSPHRASE)
    first = next(i for i in list_items(olena.conn) if i.metadata.get("gps_lat"))
    others = [i.id for i in list_items(olena.conn) if i.id != first.id][:2]
    package = folder / "to-mykola"
    export(olena, package, item_ids=[first.id, *others], recipient_label="Mykola P., prosecutor")
    olena.close()
    mykola = Case.create(
        folder / "mykola.evault",
        PASSPHRASE,
        title="Balakliia — proceedings 12022220000000123",
        organization="Kharkiv regional prosecutor's office",
        investigator="Mykola P.",
        role="prosecutor",
    )
    receive(mykola, package)
    mykola.close()
    return folder / "mykola.evault"


def received(window: MainWindow, language: str, suffix: str, path: Path) -> None:
    """A received item's custody from the first hands, and the log with the kept log."""
    window.new_case()  # closes the open case first
    window.dialog.reject()  # type: ignore[union-attr]
    window.on_case_ready(Case.open(path, PASSPHRASE))
    workspace = window.workspace
    assert workspace is not None
    select_first_with_gps(window)
    workspace.details.setCurrentWidget(workspace.details.events)
    save(window, f"item-custody-received-{language}{suffix}")
    workspace.tabs.setCurrentIndex(1)
    save(window, f"custody-received-{language}{suffix}")


def chooser(window: MainWindow, language: str, suffix: str, folder: Path) -> None:
    """Qt's own file chooser, in the app's language."""
    dialog = file_dialog(
        window, _("Open a case file"), str(folder), _("Case files (*.evault)"), Choose.OPEN
    )
    dialog.show()
    save(dialog, f"file-chooser-{language}{suffix}")
    dialog.close()


def select_first_with_gps(window: MainWindow) -> None:
    proxy = window.workspace.items.proxy  # type: ignore[union-attr]
    for row in range(proxy.rowCount()):
        if proxy.index(row, 0).data(ItemRole).gps:
            window.workspace.items.select_row(row)  # type: ignore[union-attr]
            return


def finish(qt_signal: SignalInstance, click: Callable[[], object], window: MainWindow) -> None:
    """Start a dialog's real job and wait until it has finished."""
    wait_for(qt_signal, click)
    while window.session is not None and window.session.busy:
        settle(20)


def dialogs(window: MainWindow, language: str, suffix: str, folder: Path) -> None:
    """Export (its result: the fingerprint and head to read out) and receive (its checks)."""
    workspace, session = window.workspace, window.session
    assert workspace is not None and session is not None
    ids = workspace.items.shown_ids()
    export = ExportDialog(session, ids, ids[:3], window)
    export.show()
    export.scope.setCurrentIndex(export.scope.findData("selected"))
    export.protection.setCurrentIndex(export.protection.findData(PLAIN))
    package = folder / f"package-{language}{suffix}.zip"
    export.path.setText(str(package))
    export.recipient_label.setText("Mykola P., prosecutor")
    finish(export.export_finished, export.start.click, window)
    save(export, f"export-{language}{suffix}")
    export.close()
    receive = ReceiveDialog(session, window)
    receive.show()
    receive.path.setText(str(package))
    finish(receive.verification_finished, receive.check.click, window)
    save(receive, f"receive-{language}{suffix}")
    receive.close()


def signing_dialogs(window: MainWindow, language: str, suffix: str) -> None:
    """The report dialog (how it is signed), the report certificate and the certificate
    lists for Content Credentials."""
    session = window.session
    assert session is not None and window.workspace is not None
    for dialog, name in (
        (ReportDialog(session, window.workspace.items.shown_ids(), window), "report-dialog"),
        (CertificateDialog(session, window), "report-certificate"),
        (TrustListsDialog(window), "trust-lists"),
    ):
        dialog.show()
        save(dialog, f"{name}-{language}{suffix}")
        dialog.close()


def shoot(
    language: str, size: tuple[int, int], case_path: Path, result: ImportResult, mykola: Path
) -> None:
    suffix = "" if size == SIZE else f"-{size[0]}"
    use_language(language)
    settings = AppSettings()
    window = MainWindow(settings)
    window.resize(*size)
    window.show()
    save(window, f"start-{language}{suffix}")
    dialog = NewCaseDialog(window)
    dialog.show()
    save(dialog, f"new-case-{language}{suffix}")
    dialog.close()
    window.on_case_ready(Case.open(case_path, PASSPHRASE))
    select_first_with_gps(window)
    save(window, f"main-{language}{suffix}")
    workspace = window.workspace
    assert workspace is not None
    for tab, name in ((1, "notes"), (2, "item-custody")):
        workspace.details.setCurrentIndex(tab)
        save(window, f"{name}-{language}{suffix}")
    workspace.details.setCurrentIndex(0)
    summary = ImportSummaryDialog(import_in(language, case_path.parent), window)
    summary.show()
    save(summary, f"import-summary-{language}{suffix}")
    summary.close()
    wait_for(workspace.verify_finished, workspace.start_verify)
    while window.session is not None and window.session.busy:
        settle(20)
    save(window, f"custody-{language}{suffix}")
    dialogs(window, language, suffix, case_path.parent)
    if not suffix:  # dialogs of their own size: once is enough
        signing_dialogs(window, language, suffix)
    chooser(window, language, suffix, CORPUS)
    received(window, language, suffix, mykola)
    window.close()


def shoot_high_contrast(language: str, case_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_look(app, high_contrast=True)
    use_language(language)
    window = MainWindow(AppSettings())
    window.resize(*SIZE)
    window.show()
    window.on_case_ready(Case.open(case_path, PASSPHRASE))
    select_first_with_gps(window)
    save(window, f"high-contrast-{language}")
    window.close()
    apply_look(app, high_contrast=False)


def render_report_pages() -> None:
    """The report engineer's page renderer, when it exists."""
    script = ROOT / "tools" / "render_report_pages.py"
    if script.is_file():
        runpy.run_path(str(script), run_name="__main__")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ev-screens-") as tmp:
        QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, tmp)
        app: QApplication = create_application(sys.argv[1:])
        case_path, result = make_case(Path(tmp))
        mykola = make_received(Path(tmp), case_path)
        AppSettings().remember_case(case_path)  # the start page lists it
        for size in SIZES:
            for language in ("en", "uk"):
                shoot(language, size, case_path, result, mykola)
        for language in ("en", "uk"):
            shoot_high_contrast(language, case_path)
        app.processEvents()
    render_report_pages()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
