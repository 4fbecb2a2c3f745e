"""The left pane: filter controls, the evidence table with thumbnails, and a count; an
empty case shows how to import instead."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QItemSelection, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.text import items_count, plain_label, warned_count
from ui.widgets.thumbnail_cache import ICON_SIDE
from ui.workspace.item_filter import DATE_PRESETS, ItemFilterProxy, captured_date, preset_range
from ui.workspace.item_model import (
    CAPTURED,
    GPS,
    NAME,
    PROVENANCE,
    SEAL,
    SIZE,
    TYPE,
    ItemRole,
    ItemTableModel,
)
from vault.evidence.items import Item
from vault.evidence.listing import ItemRow
from vault.i18n import _


class ItemTable(QTableView):
    """The table; Enter asks for the preview of the current item."""

    activated_by_key = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activated_by_key.emit()
            return
        super().keyPressEvent(event)


# The widest text each column shows (besides its header): widths come from the font, never
# from measuring rows, which a list of 10,000 items cannot afford.
# Provenance shows its badge whole; its words are elided (the tooltip says them).
# The type shows its short name ("JPEG", "MP4"); a longer one is elided (the tooltip has it).
WIDEST = {TYPE: "MPEG", CAPTURED: "2000-00-00 00:00:00", GPS: "◉", SIZE: "999.9 MB", SEAL: "✓",
          PROVENANCE: "✓"}  # fmt: skip
MIN_NAME = 120


def fit_columns(table: QTableView) -> None:
    """Every column but the name as wide as its widest text or header; the name takes the
    rest (elided in the middle when narrow), so no column hides behind a scroll bar."""
    header = table.horizontalHeader()
    header.setMinimumSectionSize(24)
    metrics = table.fontMetrics()
    header_metrics = header.fontMetrics()
    padding = 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) + 12
    for column, sample in WIDEST.items():
        title = str(table.model().headerData(column, Qt.Orientation.Horizontal))
        width = max(metrics.horizontalAdvance(sample), header_metrics.horizontalAdvance(title))
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        table.setColumnWidth(column, width + padding)
    header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    table.setMinimumWidth(MIN_NAME + sum(table.columnWidth(c) for c in WIDEST) + 4)


class ItemListPane(QWidget):
    """Emits `item_selected(Item | None)`, `preview_requested()` and `import_requested()`."""

    item_selected = Signal(object)
    preview_requested = Signal()
    import_requested = Signal()

    def __init__(self, model: ItemTableModel) -> None:
        super().__init__()
        self.model = model
        self.proxy = ItemFilterProxy()
        self.proxy.setSourceModel(model)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(_("Filter by name or date (Ctrl+F)"))
        self.filter.setAccessibleName(_("Filter items"))
        self.filter.setClearButtonEnabled(True)
        self._values: dict[QComboBox, list[object]] = {}
        self.kind = self._combo(
            _("Type"),
            [
                (_("All types"), None),
                (_("Images"), "image"),
                (_("Videos"), "video"),
                (_("Audio"), "audio"),
                (_("Documents"), "document"),
                (_("Other"), "other"),
            ],
        )
        self.dated = self._combo(
            _("Capture date"),
            [
                (_("Any date"), None),
                (_("With capture date"), True),
                (_("No capture date"), False),
                (_("Taken today"), "today"),
                (_("Taken in the last 7 days"), "week"),
                (_("Taken in the last 30 days"), "month"),
                (_("Taken between…"), "between"),
            ],
        )
        self.date_from = self._date_edit(_("Taken on or after"))
        self.date_to = self._date_edit(_("Taken on or before"))
        self.today: Callable[[], date] = date.today  # tests fix the day
        self.gps = self._combo(
            "GPS", [(_("GPS or not"), None), (_("With GPS"), True), (_("Without GPS"), False)]
        )
        self._selected_key: int | None = None
        self._warned = (0, 0)  # (counted up to row key, items with warnings among them)
        self.table = self._table()
        self.count = QLabel()
        self.count.setAccessibleName(_("Item count"))
        self.stack = QStackedWidget()
        self.stack.addWidget(self._empty_state())
        self.stack.addWidget(self.table)
        self._layout()
        self._connect()
        self.on_rows_changed()

    def _combo(self, name: str, choices: list[tuple[str, object]]) -> QComboBox:
        # The values stay in Python (not as Qt item data): None and bools round-trip exactly.
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setToolTip(name)
        combo.addItems([text for text, _value in choices])
        self._values[combo] = [value for _text, value in choices]
        return combo

    def _value(self, combo: QComboBox) -> object:
        return self._values[combo][combo.currentIndex()]

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setAccessibleName(name)
        edit.setToolTip(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setDate(QDate.currentDate())
        edit.hide()
        return edit

    def _table(self) -> ItemTable:
        table = ItemTable()
        table.setAccessibleName(_("Evidence items"))
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setIconSize(QSize(ICON_SIDE, ICON_SIDE))
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        # Fixed row heights: the view never asks every row for its size (10,000 items).
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(ICON_SIDE + 6)
        fit_columns(table)
        return table

    def _empty_state(self) -> QWidget:
        page = QWidget()
        text = plain_label(text=_("This case has no items yet.\nImport files — or drop them here."))
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        button = QPushButton(_("Import files…"))
        button.setAccessibleName(_("Import files"))
        button.clicked.connect(self.import_requested)
        layout = QVBoxLayout(page)
        layout.addStretch()
        layout.addWidget(text)
        layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch()
        return page

    def _layout(self) -> None:
        combos = QHBoxLayout()
        for combo in (self.kind, self.dated, self.gps):
            combos.addWidget(combo)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(self.date_to)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addLayout(combos)
        layout.addLayout(dates)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.count)

    def _connect(self) -> None:
        self.filter.textChanged.connect(self.proxy.set_text)
        self.kind.currentIndexChanged.connect(self.on_kind_changed)
        self.dated.currentIndexChanged.connect(self.on_date_choice_changed)
        self.date_from.dateChanged.connect(self.on_date_range_changed)
        self.date_to.dateChanged.connect(self.on_date_range_changed)
        self.gps.currentIndexChanged.connect(self.on_gps_changed)
        self.table.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.table.activated_by_key.connect(self.preview_requested)
        # Rows ahead of the scroll are read once the event loop is idle (after the paint).
        self.table.verticalScrollBar().valueChanged.connect(
            lambda _value: QTimer.singleShot(0, self._prefetch)
        )
        self.table.doubleClicked.connect(self.preview_requested)
        # Filtering and sorting reset the model: the selected item stays selected if shown.
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.model.modelReset.connect(self.on_rows_changed)

    def on_rows_changed(self) -> None:
        total = self.model.total()
        shown = self.model.rowCount()
        text = items_count(total)
        counted, warned = self._warned
        if total and counted >= self.model.last_key():  # said once every item is counted
            text += " · " + warned_count(warned)
        if shown != total:
            text += " · " + _("{n} shown").format(n=shown)
        self.count.setText(text)
        self.stack.setCurrentIndex(1 if total else 0)

    def show_warned(self, upto_key: int, count: int) -> None:
        """`count` items up to row key `upto_key` carry warnings (the count line says so
        once that covers every item listed)."""
        self._warned = (upto_key, count)
        self.on_rows_changed()

    def _remember_selection(self) -> None:
        row = self.current_row()
        self._selected_key = row.key if row is not None else None

    def _restore_selection(self) -> None:
        key, self._selected_key = self._selected_key, None
        position = self.model.position_of_key(key) if key is not None else None
        if position is not None:
            self.select_row(position)
        elif key is not None:
            self.item_selected.emit(None)

    def _prefetch(self) -> None:
        viewport = self.table.viewport()
        first = self.table.rowAt(0)
        last = self.table.rowAt(viewport.height() - 1)
        if first >= 0:
            self.model.prefetch(first, last if last >= 0 else self.model.rowCount() - 1)

    def on_kind_changed(self) -> None:
        kind = self._value(self.kind)
        self.proxy.set_kind(kind if isinstance(kind, str) else None)

    def on_gps_changed(self) -> None:
        gps = self._value(self.gps)
        self.proxy.set_gps(gps if isinstance(gps, bool) else None)

    def on_date_choice_changed(self) -> None:
        choice = self._value(self.dated)
        between = choice == "between"
        self.date_from.setVisible(between)
        self.date_to.setVisible(between)
        if between:
            self._span_the_case()
            self.on_date_range_changed()
        elif choice in DATE_PRESETS:
            self.proxy.set_capture(True, *preset_range(str(choice), self.today()))
        else:
            self.proxy.set_capture(choice if isinstance(choice, bool) else None)

    def _span_the_case(self) -> None:
        """Start the range at the first and last capture days in the case."""
        rows = self.model.index_rows() or []
        days = [d for d in (captured_date(r.captured_at) for r in rows) if d is not None]
        if days:
            for edit, day in ((self.date_from, min(days)), (self.date_to, max(days))):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)

    def on_date_range_changed(self) -> None:
        if self._value(self.dated) == "between":
            self.proxy.set_capture(True, _day(self.date_from), _day(self.date_to))

    def on_selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.item_selected.emit(self.current_item())

    def current_row(self) -> ItemRow | None:
        """What the list shows of the selected item (no metadata; see current_item)."""
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].data(ItemRole) if rows else None
        return row if isinstance(row, ItemRow) else None

    def current_item(self) -> Item | None:
        """The selected item whole (its metadata and warnings read for it alone)."""
        row = self.current_row()
        return self.model.full_item(row) if row is not None else None

    def shown_ids(self) -> list[str]:
        """The ids of the items the filters let through, in the order shown."""
        return self.model.shown_ids()

    def select_item(self, item_id: str | None) -> bool:
        """Select the item if it is shown; whether it is."""
        position = self.model.position_of_id(item_id) if item_id else None
        if position is None:
            return False
        self.select_row(position)
        return True

    def selected_ids(self) -> list[str]:
        item = self.current_item()
        return [item.id] if item else []

    def select_row(self, row: int) -> None:
        """Select the `row`-th item as shown (tests and keyboard start)."""
        self.table.selectRow(row)

    def focus_filter(self) -> None:
        self.filter.setFocus()
        self.filter.selectAll()


def _day(edit: QDateEdit) -> date:
    shown = edit.date()
    return date(shown.year(), shown.month(), shown.day())
