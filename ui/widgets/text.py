"""Evidence strings are hostile: file names, EXIF values and notes are shown as plain text
only, with control and format characters removed so they cannot disguise what they say
(the one rule, `vault.text`, that the command line and reports follow too)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from vault.i18n import _
from vault.text import stripped

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
    return stripped(value, keep_newlines=False)[:limit]


def display_block(value: object) -> str:
    """Printable multi-line text (notes): keeps line breaks, drops other controls."""
    return stripped(value, keep_newlines=True)


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
