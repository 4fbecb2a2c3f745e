"""The custody of the selected item from the first hands: for a received item, every kept
sender log's entries about it (its import, descriptions, notes, exports), each actor named
as that log introduced them, then the hand-over and this case's own acts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from ui.widgets.row_table_model import RowTableModel
from ui.widgets.text import display_text, local_and_utc
from ui.workspace.custody_model import action_label
from vault.custody.hands import Chain, Event
from vault.i18n import _

UTC_COLUMN, ACTION_COLUMN, SUBJECT_COLUMN, HASH_COLUMN = 2, 4, 5, 6


def chain_name(chain: Chain) -> str:
    """Which hands: this case, or an earlier holder's case by its signed title."""
    if chain.own:
        return _("This case")
    return _("{n}. {title} (received log)").format(n=chain.hand, title=display_text(chain.title))


def written_by(event: Event | None) -> str:
    """ "Olena (investigator), 2026-11-30 05:16:16 UTC, in 1. Балаклія (received log)": who
    signed a description or note, when, and in which case; "" when unknown."""
    if event is None:
        return ""
    person = event.actor
    who = display_text(person.name) if person else event.entry.actor[:16]
    if person and person.role:
        who += f" ({display_text(person.role)})"
    _local, utc = local_and_utc(str((event.entry.content or {}).get("at", "")))
    if event.chain.own:
        return _("{who} at {utc}").format(who=who, utc=utc)
    return _("{who}, {utc}, in {case}").format(who=who, utc=utc, case=chain_name(event.chain))


class HistoryTableModel(RowTableModel):
    """One row per event: the case (hands) it belongs to, then the entry."""

    def headers(self) -> list[str]:
        return [_("Case"), _("Seq"), _("Local time"), "UTC", _("Actor"), _("Action")]

    def row_event(self, row: int) -> Event:
        return self._rows[row]

    def cell(self, event: Event, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return event.entry.actor  # the full fingerprint
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        entry, person = event.entry, event.actor
        local, utc = local_and_utc(str((entry.content or {}).get("at", "")))
        actor = (
            f"{display_text(person.name)} ({display_text(person.role)}) · {entry.actor[:8]}"
            if person
            else entry.actor[:16]
        )
        cells = [chain_name(event.chain), str(entry.seq), local, utc, actor]
        return [*cells, action_label(entry.action)][column]


class ItemEventsTab(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName(_("Custody of this item"))
        self.model = HistoryTableModel()
        self.table = QTableView()
        self.table.setAccessibleName(_("Custody entries about this item, from the first hands"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The pane is narrow: the item's own entries need no UTC, subject (the item itself,
        # or a note on it: the action says which) nor hash prefix; the Custody log tab shows
        # them all. What is left fits, the action last and taking the rest.
        for column in (UTC_COLUMN, SUBJECT_COLUMN, HASH_COLUMN):
            self.table.setColumnHidden(column, True)
        header.setSectionResizeMode(ACTION_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.moveSection(ACTION_COLUMN, header.count() - 1)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        QVBoxLayout(self).addWidget(self.table)

    def show_history(self, events: list[Event]) -> None:
        self.model.set_rows(events)

    def clear(self) -> None:
        self.model.set_rows([])
