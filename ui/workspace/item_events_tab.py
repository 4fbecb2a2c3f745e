"""The custody entries about the selected item: its import, descriptions, notes about it,
and packages or reports that carried it."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from ui.workspace.custody_model import CustodyTableModel
from vault.custody.entry import Entry
from vault.i18n import _


class ItemEventsTab(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName(_("Custody of this item"))
        self.model = CustodyTableModel()
        self.table = QTableView()
        self.table.setAccessibleName(_("Custody entries about this item"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        QVBoxLayout(self).addWidget(self.table)

    def show_events(self, entries: list[Entry], names: dict[str, str]) -> None:
        self.model.set_entries(entries, names)
