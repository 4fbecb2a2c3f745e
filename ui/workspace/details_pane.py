"""The right pane: Details | Notes | Custody of the selected item."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from ui.workspace.details_tab import DetailsTab
from ui.workspace.item_events_tab import ItemEventsTab
from ui.workspace.notes_tab import NotesTab
from vault.i18n import _


class DetailsPane(QTabWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName(_("Item details, notes and custody"))
        self.details = DetailsTab()
        self.notes = NotesTab()
        self.events = ItemEventsTab()
        self.addTab(self.details, _("Details"))
        self.addTab(self.notes, _("Notes"))
        self.addTab(self.events, _("Custody"))

    def clear(self) -> None:
        self.details.show_item(None)
        self.notes.show_notes([])
        self.events.clear()
