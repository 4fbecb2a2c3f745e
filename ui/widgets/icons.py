"""The app's icons: one set (Material Design Icons through qtawesome, whose fonts ship in
its wheel), one name per concept, drawn in the palette's text colour so they follow the
normal and the high-contrast look alike. No theme fallbacks: the same icon on every
desktop."""

from __future__ import annotations

import os

os.environ.setdefault("QT_API", "pyside6")  # qtawesome reaches Qt through qtpy

import qtawesome
from PySide6.QtCore import QByteArray
from PySide6.QtGui import QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from vault import assets

ICONS = {
    "new-case": "mdi6.briefcase-plus-outline",
    "open-case": "mdi6.folder-open-outline",
    "import": "mdi6.tray-arrow-down",
    "note": "mdi6.note-plus-outline",
    "verify": "mdi6.shield-check-outline",
    "export": "mdi6.package-variant-closed",
    "receive": "mdi6.package-down",
    "report": "mdi6.file-document-outline",
    "lock": "mdi6.lock-outline",
    "settings": "mdi6.cog-outline",
    "quit": "mdi6.exit-to-app",
    "filter": "mdi6.magnify",
    "browse": "mdi6.folder-search-outline",
    "recent": "mdi6.history",
    "timestamp": "mdi6.clock-check-outline",
    "file": "mdi6.file-outline",
    "file-image": "mdi6.file-image-outline",
    "file-video": "mdi6.file-video-outline",
    "file-audio": "mdi6.file-music-outline",
    "file-pdf": "mdi6.file-pdf-box",
}


def file_kind(mime: str) -> str:
    """The icon concept for a file of type `mime`."""
    if mime == "application/pdf":
        return "file-pdf"
    kind = mime.split("/", 1)[0]
    return f"file-{kind}" if kind in ("image", "video", "audio") else "file"


def app_icon() -> QIcon:
    """The shipped application icon (resources/icons), for title bars, task bars and the
    start page."""
    pixmap = QPixmap()
    pixmap.loadFromData(QByteArray(assets.read_bytes("icons", "evidence-vault.png")))
    return QIcon(pixmap)


def icon(concept: str) -> QIcon:
    """The icon of `concept` (a key of ICONS), coloured like the current text.
    MUST be called once a QApplication exists."""
    palette = QApplication.palette()
    return qtawesome.icon(
        ICONS[concept],
        color=palette.color(QPalette.ColorRole.WindowText),
        color_disabled=palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText),
    )
