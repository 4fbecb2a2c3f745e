"""The desktop app shows a received item's custody from the first hands (issue 12 §1):
Olena's import, note, description and export, then the lawyer's receipt; her description
and note are shown as hers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.gui.test_main_window import select
from tests.helpers.package import LAWYER, PASSPHRASE, UK_NOTE, received_case
from tests.helpers.screens import cut_cells, cut_tables
from tests.helpers.tamper import tamper
from ui.workspace.case_workspace import LOG_TAB
from ui.workspace.item_events_tab import ACTION
from vault.case.handle import Case


def test_the_custody_tab_of_a_received_item_shows_the_first_hands(
    qtbot, window, tmp_path: Path, corpus: Path
) -> None:
    lawyer, _ids = received_case(tmp_path, corpus)
    window.on_case_ready(lawyer)
    workspace = window.workspace
    qtbot.waitUntil(lambda: workspace.items.proxy.rowCount() == 3)
    qtbot.waitUntil(lambda: window.session is not None and not window.session.busy)
    select(window, "Canon_40D.jpg")
    model = workspace.details.events.model
    qtbot.waitUntil(lambda: model.rowCount() == 5)
    rows = [[model.index(r, c).data() for c in (0, 4, 5)] for r in range(model.rowCount())]
    assert [row[2] for row in rows] == [
        "Item imported", "Note added", "Item described", "Package exported", "Package received",
    ]  # fmt: skip
    assert all(row[0] == "1. Балаклія" for row in rows[:4])  # the narrow tab's short name
    tip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "1. Балаклія (received log)"
    assert all(row[1].startswith("Olena (investigator)") for row in rows[:4])
    assert rows[4][0] == "This case" and rows[4][1].startswith(f"{LAWYER} (advocate)")
    details = workspace.details.details
    assert details.title.text() == "Cell 2" and details.location.text() == "Balakliia"
    assert details.described_by.text().startswith("Olena (investigator), ")
    assert "Балаклія (received log)" in details.described_by.text()
    notes = workspace.details.notes.notes
    assert notes.count() == 1
    shown = notes.item(0).text()
    assert shown.startswith("By Olena (investigator), ") and UK_NOTE in shown


def test_the_custody_log_shows_the_kept_log_of_the_first_hands(
    qtbot, window, tmp_path: Path, corpus: Path
) -> None:
    lawyer, _ids = received_case(tmp_path, corpus)
    window.on_case_ready(lawyer)
    custody = window.workspace.custody
    qtbot.waitUntil(lambda: custody.kept_model.rowCount() > 0)
    kept = custody.kept_model
    actions = [kept.index(r, 5).data() for r in range(kept.rowCount())]
    assert actions[0] == "Case created" and actions[-1] == "Package exported"
    assert {kept.index(r, 0).data() for r in range(kept.rowCount())} == {
        "1. Балаклія (received log)"
    }
    assert not custody.kept.isHidden()  # shown once the custody tab is


def test_the_kept_log_says_which_entries_the_package_withheld(
    qtbot, window, tmp_path: Path, corpus: Path
) -> None:
    """Olena sent one of her three photos: her entries about the other two travelled as
    hashes only. The lawyer's custody log says so, not that their content is unreadable."""
    lawyer, _ids = received_case(tmp_path, corpus, only=slice(0, 1))
    window.on_case_ready(lawyer)
    kept = window.workspace.custody.kept_model
    qtbot.waitUntil(lambda: kept.rowCount() > 0)
    actions = [kept.index(r, 5).data() for r in range(kept.rowCount())]
    assert actions.count("Withheld (only its hashes travelled)") == 2  # two imports
    assert "(content missing or unreadable)" not in actions
    assert actions[-1] == "Package exported"


def test_the_custody_tab_shows_every_column_whole_at_1280x800(
    qtbot, window, tmp_path: Path, corpus: Path
) -> None:
    """The Action column is on screen, not hidden nor behind a sideways scroll; long values
    wrap or are elided with the whole text as tooltip (the screen walker's rule)."""
    lawyer, _ids = received_case(tmp_path, corpus)
    window.resize(1280, 800)
    window.on_case_ready(lawyer)
    workspace = window.workspace
    qtbot.waitUntil(lambda: window.session is not None and not window.session.busy)
    select(window, "Canon_40D.jpg")
    workspace.details.setCurrentWidget(workspace.details.events)
    table = workspace.details.events.table
    qtbot.waitUntil(lambda: table.model().rowCount() == 5)
    header = table.horizontalHeader()
    shown = [
        table.model().headerData(c, Qt.Orientation.Horizontal)
        for c in range(header.count())
        if not header.isSectionHidden(c)
    ]
    assert shown == ["Case", "Seq", "UTC", "Actor", "Action"]
    assert table.horizontalScrollBar().maximum() == 0
    assert cut_cells(window) == [] and cut_tables(window) == []
    action = table.model().index(0, ACTION)
    assert table.visualRect(action).right() <= table.viewport().width()


def test_a_kept_log_that_cannot_be_read_is_said_and_the_case_stays_open(
    qtbot, window, tmp_path: Path, corpus: Path
) -> None:
    """A kept line made unreadable in the case file since it was received: the window says
    which log cannot be read and shows the item's own data, so verify can still be run."""
    lawyer, _ids = received_case(tmp_path, corpus)
    lawyer.close()
    tamper(lawyer.path, "UPDATE lineage SET line = '{not json' WHERE line LIKE '%item.describe%'",
           passphrase=PASSPHRASE)  # fmt: skip
    window.on_case_ready(Case.open(lawyer.path, PASSPHRASE))
    workspace = window.workspace
    qtbot.waitUntil(lambda: workspace.items.proxy.rowCount() == 3)
    qtbot.waitUntil(lambda: window.session is not None and not window.session.busy)
    workspace.tabs.setCurrentIndex(LOG_TAB)  # the custody log reads the kept chains
    select(window, "Canon_40D.jpg")
    qtbot.waitUntil(lambda: workspace.banner.isVisible())
    assert "kept from a received package, cannot be read" in workspace.banner.text()
    assert workspace.details.details.title.text() == ""
    assert workspace.details.events.model.rowCount() == 0
    notes = workspace.details.notes.notes  # Olena's note: its writer is in the kept log
    assert [notes.item(row).text() for row in range(notes.count())] == [
        "⚠ Who wrote this note cannot be read (see above); its text is not shown."
    ]
