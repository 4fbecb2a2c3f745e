"""Register the fonts shipped in resources/fonts with Qt.

A minimal machine has no system fonts and Qt would draw boxes, so the app never relies on
fontconfig: it registers the bundled DejaVu files (which also cover Cyrillic) at start-up.
They are read through `vault.assets`, so the installed and the frozen app find them too.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QFontDatabase

from vault import assets

UI_FAMILY = "DejaVu Sans"
MONO_FAMILY = "DejaVu Sans Mono"

log = logging.getLogger(__name__)


def font_files() -> list[str]:
    """The name of every TTF shipped in resources/fonts, in a stable order."""
    return assets.names("fonts", suffix=".ttf")


def register_fonts() -> set[str]:
    """Add every shipped TTF to Qt's font database and return the families it now has.

    MUST be called after the QGuiApplication exists (Qt's font database needs it).
    """
    families: set[str] = set()
    for name in font_files():
        font_id = QFontDatabase.addApplicationFontFromData(
            QByteArray(assets.read_bytes("fonts", name))
        )
        if font_id < 0:
            log.warning("Qt could not load the font file %s", name)
            continue
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    return families
