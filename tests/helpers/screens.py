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

from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
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

from ui.widgets.text import EVIDENCE, FullTextTips, is_elided

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


def _header(view: QAbstractItemView) -> QHeaderView | None:
    if isinstance(view, QTableView):
        return view.horizontalHeader()
    return view.header() if isinstance(view, QTreeView) else None


def _tells_whole(view: QAbstractItemView, index: QModelIndex) -> bool:
    """A cut cell is fine when it is elided (…) and its whole text is a tooltip away: the
    cell's own tooltip says its words (a mark before them aside: ↳, ⚠, a badge), or the
    view's delegate shows the whole text of an elided cell (FullTextTips)."""
    if view.textElideMode() == Qt.TextElideMode.ElideNone:
        return False
    tip = str(index.data(Qt.ItemDataRole.ToolTipRole) or "")
    words = re.sub(r"^\W+", "", str(index.data() or ""))
    if words and words in tip:
        return True
    return isinstance(view.itemDelegateForIndex(index), FullTextTips)


def _rows_on_screen(view: QAbstractItemView, top: QModelIndex) -> range:
    """The rows under `top` that the viewport shows (a big list is not read whole)."""
    count = view.model().rowCount(top)
    first = view.indexAt(QPoint(1, 1)).row()
    last = view.indexAt(QPoint(1, view.viewport().height() - 1)).row()
    return range(max(first, 0), count if last < 0 else min(last + 1, count))


def _cell_needs(view: QAbstractItemView, index: QModelIndex) -> int:
    """Width the cell's text (and icon) takes unwrapped, with the delegate's margins."""
    text = index.data(Qt.ItemDataRole.DisplayRole)
    if text is None or str(text) == "":
        return 0
    metrics = QFontMetrics(view.font())
    margin = _margin(view)
    widest = max(metrics.horizontalAdvance(line) for line in str(text).split("\n"))
    icon = index.data(Qt.ItemDataRole.DecorationRole)
    extra = view.iconSize().width() + 4 if icon is not None and view.iconSize().width() > 0 else 0
    return widest + margin + extra


def _margin(view: QAbstractItemView) -> int:
    return 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)


def _wraps_within(view: QAbstractItemView, index: QModelIndex, rect: QRect) -> bool:
    """Word-wrapped text fits its cell: every word fits the width, the lines its height."""
    text = str(index.data())
    metrics = QFontMetrics(view.font())
    width = rect.width() - _margin(view)
    if max(metrics.horizontalAdvance(word) for word in text.split()) > width:
        return False
    box = QRect(0, 0, width, 100_000)
    return metrics.boundingRect(box, Qt.TextFlag.TextWordWrap, text).height() <= rect.height()


def cut_cells(root: QWidget, only: str | None = None) -> list[str]:
    """Cells and headers on screen of every visible table or tree whose text is wider than
    its column and neither wrapped (with room) nor elided with the whole text as tooltip
    (an evidence list's names, a capture date cut short), and columns that can only be
    reached by scrolling sideways; `only`: the accessible name of the one view to check."""
    problems = []
    views = [root] if isinstance(root, QAbstractItemView) else []
    for view in views + root.findChildren(QAbstractItemView):
        header = _header(view)
        model = view.model()
        if header is None or model is None or not _visible(view, root):
            continue
        if only is not None and view.accessibleName() != only:
            continue
        name = view.accessibleName() or type(view).__name__
        room = view.viewport().width()
        for column in range(header.count()):
            if header.isSectionHidden(column):
                continue
            left = header.sectionViewportPosition(column) + header.offset()
            width = header.sectionSize(column)
            title = model.headerData(column, Qt.Orientation.Horizontal)
            if left + width > room + 1 and width > 0:
                problems.append(
                    f"{name!r}: column {title!r} ends at {left + width} px in {room} px"
                )
            title_needs = QFontMetrics(header.font()).horizontalAdvance(str(title or "")) + 8
            if title_needs > width + 1 and not model.headerData(
                column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
            ):
                problems.append(f"{name!r}: header {title!r} needs {title_needs} px in {width}")
            top = view.rootIndex()
            for row in _rows_on_screen(view, top):
                index = model.index(row, column, top)
                rect = view.visualRect(index)
                if rect.isEmpty():  # not laid out: a hidden row
                    continue
                needs = _cell_needs(view, index)
                if needs <= rect.width() + 1 or _tells_whole(view, index):
                    continue
                if getattr(view, "wordWrap", lambda: False)() and _wraps_within(view, index, rect):
                    continue
                text = str(index.data())[:40]
                problems.append(
                    f"{name!r}: {title!r} cell {text!r} needs {needs} px in {rect.width()}"
                )
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
