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
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication, QWidget

from ui.app import create_application
from ui.dialogs.import_summary_dialog import ImportSummaryDialog
from ui.dialogs.new_case_dialog import NewCaseDialog
from ui.main_window import MainWindow
from ui.settings import AppSettings
from ui.workspace.item_model import ItemRole
from vault.case.handle import Case
from vault.evidence.ingest import ImportResult, import_paths
from vault.evidence.items import list_items
from vault.evidence.notes import add_note, describe_item
from vault.i18n import set_language

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CORPUS = Path(os.environ.get("EVIDENCE_VAULT_SHARED", ROOT.parent / "shared")) / "corpus"
PASSPHRASE = "screenshots only, never a real case"
SIZE = (1280, 800)


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
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(path.relative_to(ROOT))


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


def select_first_with_gps(window: MainWindow) -> None:
    proxy = window.workspace.items.proxy  # type: ignore[union-attr]
    for row in range(proxy.rowCount()):
        if proxy.index(row, 0).data(ItemRole).metadata.get("gps_lat"):
            window.workspace.items.select_row(row)  # type: ignore[union-attr]
            return


def shoot(language: str, case_path: Path, result: ImportResult) -> None:
    set_language(language)
    window = MainWindow(AppSettings())
    window.resize(*SIZE)
    window.show()
    save(window, f"start-{language}")
    dialog = NewCaseDialog(window)
    dialog.show()
    save(dialog, f"new-case-{language}")
    dialog.close()
    window.on_case_ready(Case.open(case_path, PASSPHRASE))
    select_first_with_gps(window)
    save(window, f"main-{language}")
    summary = ImportSummaryDialog(result, window)
    summary.show()
    save(summary, f"import-summary-{language}")
    summary.close()
    workspace = window.workspace
    assert workspace is not None
    wait_for(workspace.verify_finished, workspace.start_verify)
    while window.session is not None and window.session.busy:
        settle(20)
    save(window, f"custody-{language}")
    window.close()


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
        for language in ("en", "uk"):
            shoot(language, case_path, result)
        app.processEvents()
    render_report_pages()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
