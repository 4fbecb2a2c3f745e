"""The screen walker: what a widget tree shows, as a person would read it.

`shown_texts(root)` lists every visible text (labels, buttons, tabs, group titles, combo
entries, placeholders, table headers, menu and toolbar actions) except widgets marked as
showing evidence data (`ui.widgets.text.EVIDENCE`); `clipped_labels(root)` lists every
visible label whose text does not fit and is neither wrapped nor elided. New widgets are
walked without anyone adding them here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QScrollBar,
    QStyle,
    QTableView,
    QTabWidget,
    QToolBar,
    QTreeView,
    QWidget,
)

from ui.widgets.text import EVIDENCE, is_elided

# Words that are the same in Ukrainian: names, standards, units and file formats.
PROPER = {
    "Evidence", "Vault", "SHA", "GPS", "EXIF", "UTC", "PDF", "JPEG", "ISO", "age", "URL",
    "CA", "TSA", "RFC", "BagIt", "QR", "ICC", "zip", "evault", "pdf", "jpeg", "png", "PEM",
    "English", "Ctrl", "Shift", "OK", "MB", "KB", "GB", "Esc", "https",
    "PAdES", "ECDSA", "PKCS", "Ed", "pfx", "PA",  # PAdES B-T, Ed25519, C2PA, .p12 or .pfx
}  # fmt: skip
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _visible(widget: QWidget, root: QWidget) -> bool:
    return widget is root or widget.isVisibleTo(root)


def _evidence(widget: QWidget, root: QWidget) -> bool:
    """Marked as showing evidence data, itself or through a parent."""
    current: QWidget | None = widget
    while current is not None and current is not root.parentWidget():
        if current.property(EVIDENCE):
            return True
        current = current.parentWidget()
    return False


def _widgets(root: QWidget) -> Iterator[QWidget]:
    for widget in [root, *root.findChildren(QWidget)]:
        if _visible(widget, root) and not _evidence(widget, root):
            yield widget


def _header_texts(view: QAbstractItemView) -> Iterator[str]:
    header = (
        view.horizontalHeader() if isinstance(view, QTableView)
        else view.header() if isinstance(view, QTreeView) else None
    )  # fmt: skip
    if header is None or view.model() is None:
        return
    for column in range(header.count()):
        text = view.model().headerData(column, Qt.Orientation.Horizontal)
        if text and not header.isSectionHidden(column):
            yield str(text)


def _texts_of(widget: QWidget) -> Iterator[str]:
    if isinstance(widget, QLabel | QAbstractButton):
        yield widget.text()
    elif isinstance(widget, QGroupBox):
        yield widget.title()
    elif isinstance(widget, QTabWidget):
        yield from (widget.tabText(i) for i in range(widget.count()))
    elif isinstance(widget, QComboBox):
        yield from (widget.itemText(i) for i in range(widget.count()))
    elif isinstance(widget, QLineEdit | QPlainTextEdit):
        yield widget.placeholderText()
    elif isinstance(widget, QAbstractItemView) and not isinstance(widget, QComboBox):
        yield from _header_texts(widget)
    elif isinstance(widget, QToolBar | QMainWindow):
        for action in widget.actions():
            yield action.text()
            menu = action.menu()
            if menu is not None:
                yield from (a.text() for a in menu.actions())
    if widget.isWindow():
        yield widget.windowTitle()


def shown_texts(root: QWidget, data: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(widget's class and accessible name, text) for every non-empty visible text; the
    evidence strings in `data` (a case title in the window's title) are taken out."""
    found = []
    for widget in _widgets(root):
        for text in _texts_of(widget):
            for value in data:
                text = text.replace(value, "")
            if text and text.strip():
                found.append((f"{type(widget).__name__} {widget.accessibleName()!r}", text))
    return found


def english_words(text: str) -> list[str]:
    """Latin words in `text` that are not names or standards (PROPER)."""
    text = re.sub(r"\(\w\+\w\)|&", "", text)  # Qt's accelerator marks
    text = re.sub(r"\S*/\S*", "", text)  # paths are evidence data
    text = re.sub(r"\b[0-9a-f]{4,}\b", "", text)  # fingerprints, hashes
    return [w for w in LATIN_WORD.findall(text) if w not in PROPER]


def _viewport_of(widget: QWidget) -> QWidget | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent.viewport()
        parent = parent.parentWidget()
    return None


def _fits(label: QLabel) -> bool:
    """The label's text fits its own rectangle (wrapped text: its height is enough)."""
    rect = label.contentsRect()
    if label.pixmap() is not None and not label.pixmap().isNull():
        return True
    if label.wordWrap():
        return label.heightForWidth(label.width()) <= label.height() + 1
    metrics = label.fontMetrics()
    text = label.text()
    if label.buddy() is not None:  # "&Look in:" shows as "Look in:" (L underlined)
        text = re.sub(r"&(.)", r"\1", text)
    lines = text.split("\n")
    width = max(metrics.horizontalAdvance(line) for line in lines)
    return width <= rect.width() + 1 and metrics.height() * len(lines) <= rect.height() + 2


def _inside_window(widget: QWidget) -> bool:
    """The widget is not cut by its window or by the scroll area it sits in (horizontally:
    vertical scrolling is how long panes are read)."""
    window = widget.window()
    top_left = widget.mapTo(window, widget.rect().topLeft())
    rect = QRect(top_left, widget.size())
    if rect.right() > window.width() + 1:
        return False
    viewport = _viewport_of(widget)
    if viewport is not None and not _scrolls_sideways(viewport):
        left = widget.mapTo(viewport, widget.rect().topLeft()).x()
        if left + widget.width() > viewport.width() + 1:
            return False
    return True


def _scrolls_sideways(viewport: QWidget) -> bool:
    area = viewport.parentWidget()
    return isinstance(area, QAbstractScrollArea) and area.horizontalScrollBar().maximum() > 0


def cut_widgets(root: QWidget) -> list[str]:
    """Inputs and buttons that run past their window or past the side of a scroll area that
    does not scroll sideways (a description field off the right edge)."""
    problems = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLabel | QScrollBar | QHeaderView) or not _visible(widget, root):
            continue
        if widget.isWindow() or isinstance(widget.parentWidget(), QAbstractScrollArea):
            continue  # viewports and scroll bars belong to their area
        if not _inside_window(widget):
            problems.append(f"{type(widget).__name__} {widget.accessibleName()!r}")
    return problems


def cut_tables(root: QWidget) -> list[str]:
    """Tables and lists whose content does not fit sideways: a column cut off or behind a
    sideways scroll, a list entry running past the edge."""
    problems = []
    for view in root.findChildren(QAbstractItemView):
        if (
            not _visible(view, root)
            or view.model() is None
            or isinstance(view.parentWidget(), QComboBox)
        ):
            continue
        header = (
            view.horizontalHeader() if isinstance(view, QTableView)
            else view.header() if isinstance(view, QTreeView) else None
        )  # fmt: skip
        wide = header.length() if header is not None else 0
        room = view.viewport().width()
        wide = max(wide, room + view.horizontalScrollBar().maximum())
        if wide > room + 1:
            problems.append(f"{view.accessibleName()!r}: content {wide} px in {room} px")
    return problems


def _cell_fits(view: QTableView, index: QModelIndex, text: str) -> bool:
    """The cell's text fits its column (beside its icon, within the style's margins)."""
    metrics = view.fontMetrics()
    margin = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
    icon = view.iconSize().width() + 4 if index.data(Qt.ItemDataRole.DecorationRole) else 0
    needed = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
    return needed + icon + margin <= view.columnWidth(index.column())


def _elided_with_tip(view: QTableView, index: QModelIndex, text: str) -> bool:
    """The view elides and the cell's tooltip says the whole text (marks aside)."""
    tip = str(index.data(Qt.ItemDataRole.ToolTipRole) or "")
    words = re.sub(r"^\W+", "", text)  # a mark before the words (↳, ⚠, a badge)
    return view.textElideMode() != Qt.TextElideMode.ElideNone and bool(words) and words in tip


def cut_cells(root: QWidget, only: str | None = None) -> list[str]:
    """Table cells on screen whose text does not fit its column and is not elided with the
    whole text as tooltip (an evidence list's names, a capture date cut short); `only`: the
    accessible name of the one table to check."""
    problems = []
    views = [root] if isinstance(root, QTableView) else []
    for view in views + root.findChildren(QTableView):
        if not _visible(view, root) or view.model() is None:
            continue
        if only is not None and view.accessibleName() != only:
            continue
        model, height = view.model(), view.viewport().height()
        first, last = view.rowAt(0), view.rowAt(height - 1)
        last = model.rowCount() - 1 if last < 0 else last
        for row in range(max(first, 0), last + 1):
            for column in range(model.columnCount()):
                index = model.index(row, column)
                text = str(index.data() or "")
                if view.isColumnHidden(column) or not text.strip():
                    continue
                if not _cell_fits(view, index, text) and not _elided_with_tip(view, index, text):
                    header = model.headerData(column, Qt.Orientation.Horizontal)
                    problems.append(f"{view.accessibleName()!r} {header!r}: {text[:40]!r} cut")
    return problems


def clipped_labels(root: QWidget) -> list[str]:
    """Every visible label that is cut: its text does not fit, or the label runs past its
    window or scroll area; labels that elide (with the full text as tooltip) pass."""
    problems = []
    for label in root.findChildren(QLabel):
        if not _visible(label, root) or not label.text().strip() or is_elided(label):
            continue
        if not _fits(label) or not _inside_window(label):
            problems.append(
                f"{label.accessibleName() or label.objectName()!r}: {label.text()[:60]!r} "
                f"({label.width()}×{label.height()} px)"
            )
    return problems
