"""How the app looks: the Fusion style on every desktop (the same look in screenshots, on
Linux, Windows and macOS), and a high-contrast mode for bright sunlight and weak eyes:
black on white, strong borders, a yellow focus ring. Colours of status badges stay as they
are (they are chosen dark-on-light already)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

HIGH_CONTRAST_STYLE = """
QLineEdit, QPlainTextEdit, QComboBox, QSpinBox, QDateEdit, QTableView, QTreeView,
QListView, QPushButton, QToolButton:hover, QGroupBox {
    border: 2px solid black;
}
QPushButton { padding: 4px 10px; background: #f2f2f2; }
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QPushButton:focus, QTableView:focus,
QTreeView:focus, QListView:focus { border: 3px solid #c79a00; }
QGroupBox { margin-top: 1.4em; padding-top: 6px; font-weight: bold; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; }
QHeaderView::section { background: black; color: white; padding: 4px; border: 1px solid white; }
"""


def high_contrast_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#ffffff",
        QPalette.ColorRole.WindowText: "#000000",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#e8e8e8",
        QPalette.ColorRole.Text: "#000000",
        QPalette.ColorRole.Button: "#f2f2f2",
        QPalette.ColorRole.ButtonText: "#000000",
        QPalette.ColorRole.Highlight: "#00005a",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#ffffe0",
        QPalette.ColorRole.ToolTipText: "#000000",
        QPalette.ColorRole.PlaceholderText: "#2b2b2b",
        QPalette.ColorRole.Link: "#00005a",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):  # fmt: skip
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#4d4d4d"))
    return palette


def apply_look(app: QApplication, *, high_contrast: bool) -> None:
    """The Fusion style with its own palette, or the high-contrast one. Widgets built
    afterwards (icons take the palette's text colour) follow; the window rebuilds itself."""
    app.setStyle("Fusion")
    if high_contrast:
        app.setPalette(high_contrast_palette())
        app.setStyleSheet(HIGH_CONTRAST_STYLE)
    else:
        style = app.style()
        app.setPalette(style.standardPalette())
        app.setStyleSheet("")
