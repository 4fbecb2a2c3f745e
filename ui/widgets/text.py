"""Evidence strings are hostile: file names, EXIF values and notes are shown as plain text
only, with control and format characters removed so they cannot disguise what they say
(the one rule, `vault.text`, that the command line and reports follow too)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QHelpEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from vault.i18n import _, ngettext
from vault.text import stripped

MAX_DISPLAY = 2000
# Dynamic property on widgets that show evidence data (file names, tag values, names of
# people): the screen walker in the tests skips them when it looks for untranslated text.
EVIDENCE = "evidence"


def mark_evidence(widget: QWidget) -> QWidget:
    """Say that `widget` shows evidence data, which is never translated."""
    widget.setProperty(EVIDENCE, True)
    return widget


class ElidedLabel(QLabel):
    """One line of plain text that never runs past its space: what does not fit is elided
    (…) and the whole text is the tooltip. `text()` is the whole text."""

    def __init__(self, text: str = "", mode: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle):
        super().__init__()
        self._full = ""
        self._mode = mode
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = text
        self._elide()

    def text(self) -> str:
        return self._full

    def clear(self) -> None:
        self.setText("")

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        margins = self.contentsMargins()
        wide = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right()
        return QSize(wide, hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(
            self.fontMetrics().horizontalAdvance("M…M"), super().minimumSizeHint().height()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, self._mode, max(width, 0))
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")


class FullTextTips(QStyledItemDelegate):
    """A table's delegate: a cell whose text is elided (…) shows the whole text as its
    tooltip (cells with a tooltip of their own keep it)."""

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if (
            event.type() != QEvent.Type.ToolTip
            or index.data(Qt.ItemDataRole.ToolTipRole)
            or not text
        ):
            return super().helpEvent(event, view, option, index)
        fits = view.fontMetrics().horizontalAdvance(str(text)) + 8 <= view.visualRect(index).width()
        if fits:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPos(), str(text), view)
        return True


def tips_for_elided_cells(view: QAbstractItemView) -> None:
    """Every cell of `view` that does not fit is elided (at its end, unless the view elides
    elsewhere already) and shows its whole text as a tooltip."""
    if view.textElideMode() == Qt.TextElideMode.ElideNone:
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setItemDelegate(FullTextTips(view))


def is_elided(label: QLabel) -> bool:
    """Whether `label` elides what does not fit (an ElidedLabel)."""
    return isinstance(label, ElidedLabel)


def plain_label(
    name: str = "",
    text: str = "",
    *,
    wrap: bool = True,
    selectable: bool = False,
    elide: bool = False,
    evidence: bool = False,
) -> QLabel:
    """A label that never interprets its text as rich text or HTML, whatever it is given.
    `name` is its accessible name (empty: the text itself, Qt's default). Long text wraps,
    or with `elide` stays on one line, elided, with the whole text as tooltip. `evidence`:
    it shows evidence data (see EVIDENCE)."""
    label = ElidedLabel(text) if elide else QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap and not elide)
    if evidence:
        mark_evidence(label)
    if name:
        label.setAccessibleName(name)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def display_text(value: object, limit: int = MAX_DISPLAY) -> str:
    """One line of printable text: line breaks become spaces, other controls are dropped."""
    return stripped(value, keep_newlines=False)[:limit]


def signed_title(title: str | None) -> str:
    """A case's title as its `case.create` signed it, as plain text; a placeholder where
    none is signed (never the case file's row in its stead)."""
    return _("(title not shown: not as signed)") if title is None else display_text(title)


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


def items_count(n: int) -> str:
    """'1 item', '5 items' (1 доказ, 2 докази, 5 доказів): counts are always ngettext'd."""
    return ngettext("{n} item", "{n} items", n).format(n=n)


def warned_count(n: int) -> str:
    """'with warnings: 3' in the evidence list's count line (uk: '3 докази з попередженнями')."""
    return ngettext("with warnings: {n}", "with warnings: {n}", n).format(n=n)


def notes_count(n: int) -> str:
    return ngettext("{n} note", "{n} notes", n).format(n=n)


def warnings_count(n: int) -> str:
    return ngettext("{n} warning", "{n} warnings", n).format(n=n)
