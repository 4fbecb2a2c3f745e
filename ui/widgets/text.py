"""Evidence strings are hostile: file names, EXIF values and notes are shown as plain text
only, with control and format characters removed so they cannot disguise what they say."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from vault.i18n import _

MAX_DISPLAY = 2000


def plain_label(
    name: str = "", text: str = "", *, wrap: bool = True, selectable: bool = False
) -> QLabel:
    """A label that never interprets its text as rich text or HTML, whatever it is given.
    `name` is its accessible name (empty: the text itself, Qt's default)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if name:
        label.setAccessibleName(name)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def display_text(value: object, limit: int = MAX_DISPLAY) -> str:
    """One line of printable text: line breaks become spaces, other controls are dropped."""
    return _printable(str(value), keep_newlines=False)[:limit]


def display_block(value: object) -> str:
    """Printable multi-line text (notes): keeps line breaks, drops other controls."""
    return _printable(str(value), keep_newlines=True)


def _printable(text: str, keep_newlines: bool) -> str:
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in "\t\r\n" or category in ("Zl", "Zp"):
            out.append(" ")
        elif not category.startswith("C"):
            out.append(ch)
    return "".join(out)


def local_and_utc(at: str) -> tuple[str, str]:
    """An RFC 3339 UTC stamp as (local time, UTC time), both 'YYYY-MM-DD HH:MM:SS'."""
    try:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return display_text(at), display_text(at)
    fmt = "%Y-%m-%d %H:%M:%S"
    return moment.astimezone().strftime(fmt), moment.strftime(fmt) + " UTC"


def human_size(size: int) -> str:
    """`size` bytes in B, KB, MB or GB (powers of 1024), the unit in the user's language."""
    units = (_("B"), _("KB"), _("MB"), _("GB"))
    value, power = float(size), 0
    while value >= 1024 and power < len(units) - 1:
        value /= 1024
        power += 1
    return f"{size} {units[0]}" if power == 0 else f"{value:.1f} {units[power]}"
