"""Thumbnails on demand with a bound: only rows the view paints are loaded, and only the
most recently used few hundred stay in memory, so a 10,000-item case opens at once.

A view asks `get()` (read and decoded at once, on the UI thread) or, when a worker reads
thumbnails (ui/workspace/list_reader.py), `put()`s what the worker decoded with
`decode_image()` while `placeholder()` stands in for it."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

ICON_SIDE = 48
DEFAULT_CAPACITY = 400

Loader = Callable[[str], bytes | None]


class ThumbnailCache:
    """item id -> small pixmap (or None when the item has no thumbnail), least recent out."""

    def __init__(self, load: Loader, capacity: int = DEFAULT_CAPACITY) -> None:
        self._load = load
        self._capacity = capacity
        self._pixmaps: OrderedDict[str, QPixmap | None] = OrderedDict()
        self.generation = 0  # bumped by clear(): a worker's result asked before is dropped

    def __len__(self) -> int:
        return len(self._pixmaps)

    def cached(self, item_id: str) -> bool:
        return item_id in self._pixmaps

    def get(self, item_id: str) -> QPixmap | None:
        """The pixmap, loading it if needed. MUST only be called when the case may be read."""
        if item_id in self._pixmaps:
            self._pixmaps.move_to_end(item_id)
            return self._pixmaps[item_id]
        image = decode_image(self._load(item_id))
        pixmap = QPixmap.fromImage(image) if image is not None else None
        self._keep(item_id, pixmap)
        return pixmap

    def put(self, item_id: str, image: QImage | None) -> QPixmap | None:
        """Keep what a worker decoded (`decode_image`); the pixmap kept."""
        pixmap = QPixmap.fromImage(image) if image is not None else None
        self._keep(item_id, pixmap)
        return pixmap

    def clear(self) -> None:
        self._pixmaps.clear()
        self.generation += 1

    def _keep(self, item_id: str, pixmap: QPixmap | None) -> None:
        self._pixmaps[item_id] = pixmap
        self._pixmaps.move_to_end(item_id)
        if len(self._pixmaps) > self._capacity:
            self._pixmaps.popitem(last=False)


def placeholder() -> QPixmap:
    """What a row shows while its thumbnail is read: a blank square (the name stays put)."""
    pixmap = QPixmap(ICON_SIDE, ICON_SIDE)
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap


def decode_image(data: bytes | None) -> QImage | None:
    """The thumbnail decoded and scaled to ICON_SIDE; None when there is none or it does
    not decode. Safe off the UI thread (QImage, unlike QPixmap)."""
    if not data:
        return None
    image = QImage.fromData(data)
    if image.isNull():
        return None
    return image.scaled(
        ICON_SIDE,
        ICON_SIDE,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
