"""Filtering the evidence list by capture date, on the camera corpus, whose capture dates
are known independently (../shared/corpus/expected.json, read by exiftool)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate

from ui.workspace.item_filter import preset_range
from ui.workspace.item_model import ItemRole


@pytest.fixture
def taken(corpus: Path) -> dict[str, date]:
    """File name -> the day its camera says it was taken (files with no date left out)."""
    files = json.loads((corpus / "expected.json").read_text(encoding="utf-8"))["files"]
    days = {}
    for path, entry in files.items():
        stamp = entry["exif"]["DateTimeOriginal"]
        if path.startswith("camera/") and stamp:
            days[path.removeprefix("camera/")] = date(*map(int, stamp[:10].split(":")))
    return days


@pytest.fixture
def items(case_window, camera, import_and_wait):
    import_and_wait(case_window, [camera])
    return case_window.workspace.items


def shown(items) -> set[str]:
    return {
        items.proxy.index(r, 0).data(ItemRole).original_name for r in range(items.proxy.rowCount())
    }


def choose(items, value: object) -> None:
    items.dated.setCurrentIndex(items._values[items.dated].index(value))


def between(taken: dict[str, date], first: date, last: date) -> set[str]:
    return {name for name, day in taken.items() if first <= day <= last}


def test_presets_end_today():
    today = date(2008, 5, 31)
    assert preset_range("today", today) == (today, today)
    assert preset_range("week", today) == (date(2008, 5, 25), today)
    assert preset_range("month", today) == (date(2008, 5, 2), today)


def test_a_custom_range_shows_the_items_taken_on_those_days(qtbot, items, taken):
    assert not items.date_from.isVisibleTo(items)
    choose(items, "between")
    assert items.date_from.isVisibleTo(items) and items.date_to.isVisibleTo(items)
    # The range starts as wide as the case: every dated item is shown.
    assert shown(items) == set(taken)
    items.date_from.setDate(QDate(2008, 5, 1))
    items.date_to.setDate(QDate(2008, 5, 31))
    expected = between(taken, date(2008, 5, 1), date(2008, 5, 31))
    assert shown(items) == expected == {"Canon_40D.jpg", "Pentax_K10D.jpg", "FurnaceCreekInn.jpg"}
    assert f"{len(expected)} shown" in items.count.text()
    items.date_to.setDate(QDate(2008, 5, 30))  # the last day counts
    assert "Canon_40D.jpg" in shown(items)
    items.date_to.setDate(QDate(2008, 5, 29))
    assert shown(items) == between(taken, date(2008, 5, 1), date(2008, 5, 29))


def test_presets_count_back_from_today(qtbot, items, taken):
    items.today = lambda: date(2008, 5, 31)
    choose(items, "week")
    assert shown(items) == between(taken, date(2008, 5, 25), date(2008, 5, 31)) == {"Canon_40D.jpg"}
    choose(items, "month")
    assert shown(items) == between(taken, date(2008, 5, 2), date(2008, 5, 31))
    choose(items, "today")
    assert shown(items) == set()
    choose(items, None)
    assert len(shown(items)) == items.model.rowCount()


def test_known_or_unknown_capture_date(qtbot, items, taken):
    choose(items, True)
    assert shown(items) == set(taken)
    choose(items, False)
    assert shown(items) == {i.original_name for i in items.model.items()} - set(taken)


def test_dates_combine_with_type_gps_and_text(qtbot, items, taken):
    choose(items, "between")
    items.date_from.setDate(QDate(2008, 1, 1))
    items.date_to.setDate(QDate(2008, 12, 31))
    in_2008 = between(taken, date(2008, 1, 1), date(2008, 12, 31))
    assert shown(items) == in_2008
    items.gps.setCurrentIndex(1)  # with GPS
    with_gps = {i.original_name for i in items.model.items() if i.gps}
    assert shown(items) == in_2008 & with_gps
    items.gps.setCurrentIndex(0)
    items.kind.setCurrentIndex(2)  # videos: none in the camera folder
    assert shown(items) == set()
    items.kind.setCurrentIndex(0)
    items.filter.setText("canon")
    assert shown(items) == {"Canon_40D.jpg"}
