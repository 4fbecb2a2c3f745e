"""The preview of the selected item: images decoded from the original in memory, turned
the right way by their EXIF orientation; other files an icon and their properties."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui.widgets.icons import file_kind, icon
from ui.widgets.text import display_text, human_size, plain_label
from ui.workspace.media_player import MediaPlayer
from vault.evidence.blobreader import BlobReader
from vault.evidence.items import Item
from vault.i18n import _

MAX_PREVIEW_BYTES = 64 * 1024 * 1024  # larger originals are not decoded for a preview
MAX_PREVIEW_SIDE = 1600


def can_preview(item: Item) -> bool:
    return item.mime.startswith("image/") and item.size <= MAX_PREVIEW_BYTES


def decode_preview(chunks: Iterable[bytes], max_side: int = MAX_PREVIEW_SIDE) -> QImage:
    """Decode an image from its bytes in memory (nothing touches the disk), oriented by
    its EXIF tag and scaled down while decoding so a huge photo costs little memory."""
    data = QByteArray(b"".join(chunks))
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    reader.setAllocationLimit(512)
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > max_side:
        reader.setScaledSize(
            size.scaled(QSize(max_side, max_side), Qt.AspectRatioMode.KeepAspectRatio)
        )
    image = reader.read()
    # Qt's TIFF handler touches its device when it is destroyed: the reader must go before
    # the buffer, or showing a TIFF (a redacted copy, an imported scan) crashes the app.
    del reader
    return image


def veiled(image: QImage) -> QImage:
    """The picture blurred beyond recognition (a sensitive item not revealed yet): scaled
    down to a few dozen pixels and back up smoothly."""
    if image.isNull():
        return image
    smooth = Qt.TransformationMode.SmoothTransformation
    tiny = image.scaled(24, 24, Qt.AspectRatioMode.KeepAspectRatio, smooth)
    return tiny.scaled(image.width(), image.height(), Qt.AspectRatioMode.IgnoreAspectRatio, smooth)


class PreviewPane(QWidget):
    """Displays one item; never reads the case itself. `frame_requested(item_id, at_ms)`
    comes from the player's "Save frame"."""

    frame_requested = Signal(str, int)

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName(_("Preview"))
        self._image = QImage()
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(160, 160)
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.picture.setAccessibleName(_("Preview picture"))
        self.caption = plain_label(_("Preview caption"), evidence=True)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.player: MediaPlayer | None = None  # made on first use: Qt Multimedia starts slowly
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.picture, 1)
        self._layout.addWidget(self.caption)
        self.show_nothing()

    def show_media(self, item: Item, reader: BlobReader) -> MediaPlayer:
        """Video or audio, streamed from the case file (vault/evidence/blobreader.py)."""
        if self.player is None:
            self.player = MediaPlayer()
            self.player.frame_requested.connect(self.frame_requested)
            self._layout.insertWidget(0, self.player, 1)
        self._image = QImage()
        self.picture.hide()
        self.player.show()
        self.player.load(item, reader)
        self.caption.setText(display_text(item.original_name))
        if not item.mime.startswith("video/"):
            self.picture.show()
            self._show_icon(item, "")
        return self.player

    def showing_media(self, item_id: str) -> bool:
        """Whether the player is showing this item now."""
        player = self.player
        return player is not None and not player.isHidden() and player.showing(item_id)

    def _leave_media(self) -> None:
        if self.player is not None:
            self.player.stop()
            self.player.hide()
        self.picture.show()

    def show_nothing(self) -> None:
        self._leave_media()
        self._image = QImage()
        self.picture.clear()
        self.caption.setText(_("Select an item to see it here."))

    def show_waiting(self, item: Item) -> None:
        """The case is busy (an import is writing); show what is known without reading."""
        self._leave_media()
        self._show_icon(item, _("The preview appears when the current task finishes."))

    def show_image(self, item: Item, image: QImage) -> None:
        self._leave_media()
        if image.isNull():
            self._show_icon(item, _("This image could not be decoded for a preview."))
            return
        self._image = image
        self.caption.setText(display_text(item.original_name))
        self._fit()

    def show_file(self, item: Item) -> None:
        self._leave_media()
        self._show_icon(item, "")

    def _show_icon(self, item: Item, remark: str) -> None:
        self._image = QImage()
        self.picture.setPixmap(icon(file_kind(item.mime)).pixmap(96, 96))
        lines = [
            display_text(item.original_name),
            display_text(item.mime),
            human_size(item.size),
            remark,
        ]
        self.caption.setText("\n".join(line for line in lines if line))

    def image(self) -> QImage:
        return self._image

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._image.isNull():
            return
        target = self.picture.size().boundedTo(self._image.size())
        pixmap = QPixmap.fromImage(self._image).scaled(
            target, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self.picture.setPixmap(pixmap)
