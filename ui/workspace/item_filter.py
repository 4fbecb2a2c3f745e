"""Sorting and filtering the evidence list: by text (name or capture date), by kind of
file, by capture date (known or not, or within a range of days), by whether a GPS
position is known."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from ui.workspace.item_model import ItemRole, SortRole, captured_text, has_gps
from vault.evidence.items import Item

DOCUMENT_PREFIXES = ("application/", "text/")


DATE_PRESETS = {"today": 0, "week": 6, "month": 29}  # days before today, today included


def captured_date(item: Item) -> date | None:
    """The day the camera's clock said the picture was taken, or None if unknown."""
    try:
        return date.fromisoformat(str(item.metadata.get("captured_at") or "")[:10])
    except ValueError:
        return None


def preset_range(preset: str, today: date) -> tuple[date, date]:
    """'today', 'week' (the last 7 days) or 'month' (the last 30 days), ending `today`."""
    return today - timedelta(days=DATE_PRESETS[preset]), today


def kind_of(item: Item) -> str:
    """The broad kind of file: image, video, audio, document or other."""
    major = item.mime.split("/", 1)[0]
    if major in ("image", "video", "audio"):
        return major
    return "document" if item.mime.startswith(DOCUMENT_PREFIXES) else "other"


class ItemFilterProxy(QSortFilterProxyModel):
    """Filters are AND-ed; None means 'any'."""

    def __init__(self) -> None:
        super().__init__()
        self.setSortRole(SortRole)
        self._text = ""
        self._kind: str | None = None
        self._gps: bool | None = None
        self._dated: bool | None = None
        self._first: date | None = None
        self._last: date | None = None

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_kind(self, kind: str | None) -> None:
        self.beginFilterChange()
        self._kind = kind
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_gps(self, gps: bool | None) -> None:
        self.beginFilterChange()
        self._gps = gps
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_capture(
        self, dated: bool | None = None, first: date | None = None, last: date | None = None
    ) -> None:
        """Whether a capture date is known (None: either); with `first` and/or `last`, only
        items taken on those days or between them (both included)."""
        if first and last and first > last:
            first, last = last, first
        self.beginFilterChange()
        self._dated, self._first, self._last = dated, first, last
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        item: Item = self.sourceModel().index(row, 0, parent).data(ItemRole)
        return (
            self._matches_text(item)
            and (self._kind is None or kind_of(item) == self._kind)
            and (self._gps is None or has_gps(item) == self._gps)
            and (self._dated is None or bool(captured_text(item)) == self._dated)
            and self._in_range(item)
        )

    def _in_range(self, item: Item) -> bool:
        if self._first is None and self._last is None:
            return True
        day = captured_date(item)
        return (
            day is not None
            and (self._first is None or day >= self._first)
            and (self._last is None or day <= self._last)
        )

    def _matches_text(self, item: Item) -> bool:
        if not self._text:
            return True
        return self._text in item.original_name.casefold() or self._text in captured_text(item)
