"""Register the fonts shipped in resources/fonts with Qt.

A minimal machine has no system fonts and Qt would draw boxes, so the app never relies on
fontconfig: it registers the bundled DejaVu files (which also cover Cyrillic) at start-up.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFontDatabase

FONT_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "fonts"
UI_FAMILY = "DejaVu Sans"
MONO_FAMILY = "DejaVu Sans Mono"

log = logging.getLogger(__name__)


def font_files(font_dir: Path = FONT_DIR) -> list[Path]:
    """Every TTF shipped in `font_dir`, in a stable order."""
    return sorted(font_dir.glob("*.ttf"))


def register_fonts(font_dir: Path = FONT_DIR) -> set[str]:
    """Add every shipped TTF to Qt's font database and return the families it now has.

    MUST be called after the QGuiApplication exists (Qt's font database needs it).
    """
    families: set[str] = set()
    for path in font_files(font_dir):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("Qt could not load the font file %s", path.name)
            continue
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    return families
