"""The desktop app's entry point: the QApplication, shipped fonts and the main window.

The window is built by `build_main_window()` without running the event loop, so tests
create it offscreen with qtbot; `main()` adds the QApplication and `exec()`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from ui.main_window import APP_NAME, MainWindow
from ui.refcount_guard import guard_singletons
from ui.settings import AppSettings
from ui.widgets.fonts import UI_FAMILY, register_fonts
from vault import __version__
from vault.i18n import set_language


def build_main_window(settings: AppSettings | None = None) -> MainWindow:
    """The main window in the saved language, not yet shown. MUST be called once a
    QApplication exists."""
    settings = settings or AppSettings()
    set_language(settings.language())
    return MainWindow(settings)


def create_application(argv: Sequence[str]) -> QApplication:
    """The process's QApplication with the shipped fonts registered and used by default."""
    guard_singletons()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([APP_NAME, *argv])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    if UI_FAMILY in register_fonts():
        app.setFont(QFont(UI_FAMILY, 10))
    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop app until its window closes; `argv` excludes the program name."""
    app = create_application(sys.argv[1:] if argv is None else argv)
    window = build_main_window()
    window.show()
    return int(app.exec())
