"""The custody of the selected item from the first hands: for a received item, every kept
sender log's entries about it (its import, descriptions, notes, exports), each actor named
as that log introduced them, then the hand-over and this case's own acts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from ui.widgets.row_table_model import RowTableModel
from ui.widgets.text import display_text, local_and_utc, signed_title, tips_for_elided_cells
from ui.workspace.custody_model import action_label
from vault.custody.hands import Chain, Event
from vault.i18n import _

CASE, SEQ, LOCAL, UTC, ACTOR, ACTION = range(6)


def chain_name(chain: Chain) -> str:
    """Which hands: this case, or an earlier holder's case by its signed title."""
    if chain.own:
        return _("This case")
    return _("{n}. {title} (received log)").format(n=chain.hand, title=signed_title(chain.title))


SHORT_TITLE = 18  # characters of an earlier case's title in the narrow tab (whole: tooltip)


def short_chain_name(chain: Chain) -> str:
    """For the narrow item tab: "1. Balakliia — police…"; the whole name is the tooltip."""
    if chain.own:
        return _("This case")
    title = signed_title(chain.title)
    if len(title) > SHORT_TITLE:
        title = title[:SHORT_TITLE].rstrip() + "…"
    return f"{chain.hand}. {title}"


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
    """One row per event: the case (hands) it belongs to, then the entry. `compact`: for a
    narrow pane, the time and the actor's key on a line of their own."""

    def __init__(self, *, compact: bool = False) -> None:
        self.compact = compact
        super().__init__()

    def headers(self) -> list[str]:
        return [_("Case"), _("Seq"), _("Local time"), "UTC", _("Actor"), _("Action")]

    def row_event(self, row: int) -> Event:
        return self._rows[row]

    def cell(self, event: Event, column: int, role: int) -> Any:
        entry = event.entry
        local, utc = local_and_utc(str((entry.content or {}).get("at", "")))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == ACTOR:
                return self._actor(event, " · ") + "\n" + entry.actor  # the full fingerprint
            if column == CASE and self.compact:
                return chain_name(event.chain)
            if column in (LOCAL, UTC):
                return _("{local} (local time)\n{utc}").format(local=local, utc=utc)
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == UTC and self.compact:
            return utc.replace(" ", "\n", 1)
        if column == CASE and self.compact:
            return short_chain_name(event.chain)
        cells = [chain_name(event.chain), str(entry.seq), local, utc]
        action = action_label(entry.action, kept=not event.chain.own)
        return [*cells, self._actor(event), action][column]

    def _actor(self, event: Event, joint: str = "") -> str:
        """Name (role) and the key's first 8 hex digits; on its own line when compact."""
        entry, person = event.entry, event.actor
        if person is None:
            return entry.actor[:16]
        joint = joint or ("\n" if self.compact else " · ")
        return f"{display_text(person.name)} ({display_text(person.role)}){joint}{entry.actor[:8]}"


class ItemEventsTab(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName(_("Custody of this item"))
        self.model = HistoryTableModel(compact=True)
        self.table = QTableView()
        self.table.setAccessibleName(_("Custody entries about this item, from the first hands"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        # The pane is narrow (about 470 px at 1280x800): the local time is the UTC cell's
        # tooltip; the sequence and time take what they need, the case, actor and action
        # share the rest and wrap (a word too long for its column is elided, whole in its
        # tooltip). Rows grow to their wrapped text. Nothing needs a sideways scroll.
        self.table.setColumnHidden(LOCAL, True)
        self.table.setWordWrap(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in (CASE, ACTOR, ACTION):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        for column in (SEQ, UTC):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        tips_for_elided_cells(self.table)
        QVBoxLayout(self).addWidget(self.table)

    def show_history(self, events: list[Event]) -> None:
        self.model.set_rows(events)

    def clear(self) -> None:
        self.model.set_rows([])
