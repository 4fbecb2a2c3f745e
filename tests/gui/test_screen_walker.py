"""The screen walker's table rule on a real table: a column cut without a tooltip, or one
reached only by scrolling sideways, is reported; wrapped or elided-with-tooltip is not."""

from __future__ import annotations

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QTableView, QVBoxLayout, QWidget

from tests.helpers.screens import cut_cells
from ui.widgets.text import tips_for_elided_cells

LONG = "1. Balakliia police station basement (received log)"


def table_in_window(qtbot, *, wide: int, wrap: bool = False) -> tuple[QWidget, QTableView]:
    window = QWidget()
    qtbot.addWidget(window)
    model = QStandardItemModel(1, 2, window)
    model.setHorizontalHeaderLabels(["Case", "Action"])
    model.setItem(0, 0, QStandardItem(LONG))
    model.setItem(0, 1, QStandardItem("Package received"))
    table = QTableView()
    table.setAccessibleName("history")
    table.setModel(model)
    table.setWordWrap(wrap)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.setColumnWidth(0, wide)
    table.setColumnWidth(1, 150)
    QVBoxLayout(window).addWidget(table)
    window.resize(400, 200)
    window.show()
    qtbot.waitExposed(window)
    return window, table


def test_a_cell_cut_without_a_tooltip_is_reported(qtbot):
    window, _table = table_in_window(qtbot, wide=120)
    assert any("cell '1. Balakliia" in problem for problem in cut_cells(window))


def test_a_cell_elided_with_its_whole_text_as_tooltip_passes(qtbot):
    window, table = table_in_window(qtbot, wide=120)
    tips_for_elided_cells(table)
    assert cut_cells(window) == []


def test_a_column_behind_a_sideways_scroll_is_reported(qtbot):
    window, table = table_in_window(qtbot, wide=500)
    tips_for_elided_cells(table)
    assert any("column 'Action' ends at" in problem for problem in cut_cells(window))


def test_text_wrapped_onto_a_tall_enough_row_passes(qtbot):
    window, table = table_in_window(qtbot, wide=120, wrap=True)
    table.resizeRowsToContents()
    assert cut_cells(window) == []
