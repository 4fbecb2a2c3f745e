"""The table-model boilerplate written once: a flat list of records, one per row, with
named columns. Subclasses say what the columns are called and what a cell shows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel):
    """One record per row; `headers()` names the columns and `cell()` gives every role."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Any] = []
        self._columns = len(self.headers())  # asked for on every index(): counted once

    def headers(self) -> list[str]:
        raise NotImplementedError

    def cell(self, record: Any, column: int, role: int) -> Any:
        """What `record` shows in `column` for `role` (None: nothing)."""
        raise NotImplementedError

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._columns

    def header_tips(self) -> dict[int, str]:
        """Column -> tooltip, for headers too short to say it all (an icon, a symbol)."""
        return {}

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tips().get(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return self.cell(self._rows[index.row()], index.column(), role)
