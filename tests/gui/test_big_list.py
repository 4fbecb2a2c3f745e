"""Issue 17 §4: a big case's evidence list reads only what is on screen. Thumbnails, tags,
metadata and warnings never come with the list query; the selected item's details are
read for it alone, and are the signed ones; filters and sorting still see every item."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from bench.big_case import PHOTO_EVERY, build_case
from tests.helpers.case import PASSPHRASE
from ui.main_window import MainWindow
from ui.workspace.item_model import NAME, WINDOW
from vault.case.handle import Case
from vault.evidence.items import Item, list_items

ITEMS = 2_000
pytestmark = pytest.mark.slow  # the case takes ~5-8 s to build


@pytest.fixture(scope="module")
def big_case_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 generated items (every tenth a phone photo with EXIF, GPS and a thumbnail)."""
    folder = tmp_path_factory.mktemp("big")
    path = folder / "big.evault"
    build_case(path, PASSPHRASE, ITEMS, folder / "scratch", distinct_photos=10)
    return path


@pytest.fixture(scope="module")
def whole(big_case_file: Path) -> dict[str, Item]:
    """Every item whole, read by the core before the app opens the case: name -> item."""
    with Case.open(big_case_file, PASSPHRASE) as case:
        return {item.original_name: item for item in list_items(case.conn)}


def _open_traced(window: MainWindow, path: Path) -> list[str]:
    """Open the case in the window; every SQL statement run until its list is painted."""
    case = Case.open(path, PASSPHRASE)
    statements: list[str] = []
    case.conn.set_trace_callback(statements.append)
    window.on_case_ready(case)
    assert window.workspace is not None
    window.workspace.items.table.viewport().repaint()
    return statements


def _list_reads(statements: list[str]) -> list[str]:
    """Statements reading many items (not one item's thumbnail, row or tags by its id)."""
    return [s for s in statements if "FROM items" in s and not re.search(r"WHERE (i\.)?id = ", s)]


def test_opening_a_big_case_reads_only_the_rows_on_screen(qtbot, window, big_case_file):
    statements = _open_traced(window, big_case_file)
    workspace = window.workspace
    model = workspace.item_model
    assert model.rowCount() == ITEMS
    reads = _list_reads(statements)
    assert reads, "the list was read"
    for sql in reads:
        assert "tags" not in sql and "thumbnail" not in sql, sql
        # Metadata and warnings only through SQL that picks two fields, whether there are
        # warnings and the digests: never their text.
        bare = re.sub(r"(json_valid|json_extract|evidence_sha256)\((metadata|warnings)", "", sql)
        bare = bare.replace("warnings <> '[]'", "")
        assert "metadata" not in bare and "warnings" not in bare, sql
    assert len(model._cache) <= 2 * WINDOW, "only the rows around the screen were read"
    assert len(workspace.thumbnails) <= workspace.items.table.viewport().height() // 20


def test_the_selected_item_shows_its_signed_details(qtbot, window, big_case_file, whole):
    _open_traced(window, big_case_file)
    workspace = window.workspace
    items = workspace.items
    row = 1_500  # a photo far down the list: its window is read when reached
    assert row % PHOTO_EVERY == 0
    items.table.scrollTo(items.proxy.index(row, NAME))
    items.select_row(row)
    shown = items.current_row()
    item = whole[f"IMG_{row:06}.jpg"]
    assert shown.id == item.id
    assert shown.original_name == item.original_name == f"IMG_{row:06}.jpg"
    assert shown.gps and shown.captured_at == item.metadata["captured_at"]
    values = workspace.details.details.values
    assert values["name"].text() == item.original_name
    assert values["captured"].text().startswith(item.metadata["captured_at"].replace("T", " "))
    assert values["gps"].text() and values["camera"].text()
    assert items.proxy.index(row, NAME).data(Qt.ItemDataRole.ToolTipRole) == item.original_name


def test_filtering_and_sorting_see_every_item(qtbot, window, big_case_file):
    _open_traced(window, big_case_file)
    items = window.workspace.items
    items.filter.setText("IMG_0019")  # IMG_001900 ... IMG_001990
    assert sorted(items.shown_ids()) and items.proxy.rowCount() == 10
    items.filter.clear()
    items.gps.setCurrentIndex(1)  # with GPS: the photos
    assert items.proxy.rowCount() == ITEMS // PHOTO_EVERY
    items.gps.setCurrentIndex(0)
    items.table.sortByColumn(NAME, Qt.SortOrder.DescendingOrder)
    assert items.proxy.index(0, NAME).data() == f"note-{ITEMS - 1:06}.txt"
    assert items.proxy.rowCount() == ITEMS
