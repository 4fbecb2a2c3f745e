"""Sorting and filtering the evidence list: by text (name or capture date), by kind of
file, by capture date (known or not, or within a range of days), by whether a GPS
position is known.

The filters choose among every item's stored values (`IndexRow`, read once when first
needed; vault/evidence/listing.py); the model then shows the chosen rows, each checked
against its signed record as it is painted. The proxy passes rows through unchanged (no
per-row mapping of 100,000 items) and hands sorting and filtering to the model."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from PySide6.QtCore import QIdentityProxyModel

from ui.workspace.item_model import ItemTableModel, captured_text
from vault.evidence.listing import IndexRow

DOCUMENT_PREFIXES = ("application/", "text/")


DATE_PRESETS = {"today": 0, "week": 6, "month": 29}  # days before today, today included


def captured_date(captured_at: str) -> date | None:
    """The day the camera's clock said the picture was taken, or None if unknown."""
    try:
        return date.fromisoformat(captured_at[:10])
    except ValueError:
        return None


def preset_range(preset: str, today: date) -> tuple[date, date]:
    """'today', 'week' (the last 7 days) or 'month' (the last 30 days), ending `today`."""
    return today - timedelta(days=DATE_PRESETS[preset]), today


def kind_of(mime: str) -> str:
    """The broad kind of file: image, video, audio, document or other."""
    major = mime.split("/", 1)[0]
    if major in ("image", "video", "audio"):
        return major
    return "document" if mime.startswith(DOCUMENT_PREFIXES) else "other"


@dataclass(frozen=True)
class ItemQuery:
    """Filters are AND-ed; None means 'any'."""

    text: str = ""
    kind: str | None = None
    gps: bool | None = None
    dated: bool | None = None
    first: date | None = None
    last: date | None = None

    def active(self) -> bool:
        return self != ItemQuery()

    def __call__(self, row: IndexRow) -> bool:
        return (
            self._matches_text(row)
            and (self.kind is None or kind_of(row.mime) == self.kind)
            and (self.gps is None or row.gps == self.gps)
            and (self.dated is None or bool(row.captured_at) == self.dated)
            and self._in_range(row)
        )

    def _in_range(self, row: IndexRow) -> bool:
        if self.first is None and self.last is None:
            return True
        day = captured_date(row.captured_at)
        return (
            day is not None
            and (self.first is None or day >= self.first)
            and (self.last is None or day <= self.last)
        )

    def _matches_text(self, row: IndexRow) -> bool:
        if not self.text:
            return True
        return self.text in row.name.casefold() or self.text in captured_text(row.captured_at)


class ItemFilterProxy(QIdentityProxyModel):
    """The list's filters; the model (an ItemTableModel) applies them and sorts."""

    def __init__(self) -> None:
        super().__init__()
        self.query = ItemQuery()

    def _apply(self, query: ItemQuery) -> None:
        self.query = query
        model = self.sourceModel()
        assert isinstance(model, ItemTableModel)
        model.set_query(query if query.active() else None)

    def set_text(self, text: str) -> None:
        self._apply(replace(self.query, text=text.strip().casefold()))

    def set_kind(self, kind: str | None) -> None:
        self._apply(replace(self.query, kind=kind))

    def set_gps(self, gps: bool | None) -> None:
        self._apply(replace(self.query, gps=gps))

    def set_capture(
        self, dated: bool | None = None, first: date | None = None, last: date | None = None
    ) -> None:
        """Whether a capture date is known (None: either); with `first` and/or `last`, only
        items taken on those days or between them (both included)."""
        if first and last and first > last:
            first, last = last, first
        self._apply(replace(self.query, dated=dated, first=first, last=last))
