"""The desktop app's entry point: the QApplication, shipped fonts and the main window.

The window is built by `build_main_window()` without running the event loop, so tests
create it offscreen with qtbot; `main()` adds the QApplication and `exec()`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from ui.fonts import UI_FAMILY, register_fonts
from vault import __version__
from vault.i18n import _

APP_NAME = "Evidence Vault"


def build_main_window() -> QMainWindow:
    """The main window, not yet shown. MUST be called once a QApplication exists."""
    window = QMainWindow()
    window.setWindowTitle(APP_NAME)
    label = QLabel(_("Open or create a case"))
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    # Evidence text is hostile (DESIGN §1.6): labels never interpret rich text.
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName(_("Start"))
    window.setCentralWidget(label)
    window.resize(960, 640)
    return window


def create_application(argv: Sequence[str]) -> QApplication:
    """The process's QApplication with the shipped fonts registered and used by default."""
    app = QApplication.instance() or QApplication([APP_NAME, *argv])
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
