"""The desktop app's entry point: the QApplication, shipped fonts and the main window.

The window is built by `build_main_window()` without running the event loop, so tests
create it offscreen with qtbot; `main()` adds the QApplication and `exec()`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from ui.gc_pin import collect_on_ui_thread
from ui.interrupt import InterruptHandler
from ui.language import use_language
from ui.look import apply_look
from ui.main_window import APP_NAME, MainWindow
from ui.refcount_guard import guard_singletons
from ui.settings import AppSettings
from ui.widgets.fonts import UI_FAMILY, register_fonts
from ui.widgets.icons import app_icon
from vault import __version__


def build_main_window(settings: AppSettings | None = None) -> MainWindow:
    """The main window in the saved language, not yet shown. MUST be called once a
    QApplication exists."""
    settings = settings or AppSettings()
    use_language(settings.language())
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_look(app, high_contrast=settings.high_contrast())
    return MainWindow(settings)


def create_application(argv: Sequence[str]) -> QApplication:
    """The process's QApplication with the shipped fonts registered and used by default."""
    guard_singletons()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([APP_NAME, *argv])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    collect_on_ui_thread(app)  # cyclic garbage is collected on this thread only
    apply_look(app, high_contrast=False)  # the saved choice is applied with the window
    if UI_FAMILY in register_fonts():
        app.setFont(QFont(UI_FAMILY, 10))
    return app


def main(argv: Sequence[str] | None = None, *, smoke_test: bool = False) -> int:
    """Run the desktop app until its window closes; `argv` excludes the program name.

    With `smoke_test` the app starts as usual, reports on stdout what it shows once the
    event loop has run, and quits: `evidence-vault --smoke-test` checks an installed or
    frozen build (Qt plugins, fonts, icon) without anyone closing the window.
    """
    app = create_application(sys.argv[1:] if argv is None else argv)
    window = build_main_window()
    interrupted: list[int] = []

    def on_interrupt(signum: int) -> None:
        interrupted.append(signum)
        window.shut_down()
        app.quit()

    handler = InterruptHandler(on_interrupt, app)
    window.show()
    if smoke_test:
        QTimer.singleShot(0, lambda: app.exit(_smoke_report(app, window)))
    code = int(app.exec())
    handler.uninstall()
    # The shell's convention for "ended by signal N", without the process dying of it.
    return 128 + interrupted[0] if interrupted else code


def _smoke_report(app: QApplication, window: MainWindow) -> int:
    """Print what a user would see; 0 if the window is up with the shipped font and icon."""
    shown = window.isVisible() and not window.windowIcon().isNull()
    print(
        f"{APP_NAME} {__version__}: window {window.windowTitle()!r} "
        f"{'shown' if shown else 'NOT shown'} on {app.platformName()}, "
        f"font {app.font().family()!r}"
    )
    return 0 if shown and app.font().family() == UI_FAMILY else 1
