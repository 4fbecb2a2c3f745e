"""Sorting and filtering the evidence list: by text (name or capture date), by kind of
file, by whether a capture date or GPS position is known."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from ui.item_model import ItemRole, SortRole, captured_text, has_gps
from vault.items import Item

KINDS = ("image", "video", "audio", "document")
DOCUMENT_PREFIXES = ("application/", "text/")


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

    def set_dated(self, dated: bool | None) -> None:
        self.beginFilterChange()
        self._dated = dated
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(  # noqa: N802
        self, row: int, parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        item: Item = self.sourceModel().index(row, 0, parent).data(ItemRole)
        return (
            self._matches_text(item)
            and (self._kind is None or kind_of(item) == self._kind)
            and (self._gps is None or has_gps(item) == self._gps)
            and (self._dated is None or bool(captured_text(item)) == self._dated)
        )

    def _matches_text(self, item: Item) -> bool:
        if not self._text:
            return True
        return self._text in item.original_name.casefold() or self._text in captured_text(item)
