"""Redact: draw rectangles on the photo as displayed, choose how to hide them, look at the
result, and save a redacted working copy (a new item tied to the original by a signed
`item.derive` entry). The original is never changed. Saving runs in the background."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QMouseEvent, QPen, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.errors import error_message
from ui.jobs.session import CaseSession
from ui.jobs.worker import JobContext
from ui.widgets.dialog_parts import action_buttons
from ui.widgets.text import plain_label
from ui.workspace.preview_pane import MAX_PREVIEW_BYTES
from vault.evidence.derive import DerivedItem
from vault.evidence.items import Item
from vault.evidence.redact import Picture, Region, picture, redact_item, redacted_picture
from vault.i18n import _

ZOOM_STEP = 1.25
MIN_SIDE = 4  # a drag smaller than this (screen pixels) is a click, not a region


def can_redact(item: Item) -> bool:
    """Photos small enough to decode in memory (the same bound as the preview)."""
    return item.mime.startswith("image/") and item.size <= MAX_PREVIEW_BYTES


def to_qimage(shown: Picture) -> QImage:
    w, h = shown.shown
    return QImage(shown.rgb, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class RegionCanvas(QGraphicsView):
    """The picture, zoomable (wheel, or the dialog's buttons); a drag draws a region. Regions
    are kept in the picture's scene coordinates and given out in the full image's pixels."""

    regions_changed = Signal()

    def __init__(self, shown: Picture) -> None:
        super().__init__()
        self.setAccessibleName(_("Picture to redact"))
        self.shown = shown
        self.setScene(QGraphicsScene(self))
        self.pixmap = QGraphicsPixmapItem(QPixmap.fromImage(to_qimage(shown)))
        self.scene().addItem(self.pixmap)
        self.rects: list[QGraphicsRectItem] = []
        self._start: QPointF | None = None
        self._drawing: QGraphicsRectItem | None = None
        self.setDragMode(QGraphicsView.DragMode.NoDrag)

    def show_picture(self, shown: Picture) -> None:
        self.pixmap.setPixmap(QPixmap.fromImage(to_qimage(shown)))

    def zoom(self, factor: float) -> None:
        self.scale(factor, factor)

    def fit(self) -> None:
        self.fitInView(self.pixmap, Qt.AspectRatioMode.KeepAspectRatio)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.zoom(ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self._start = self._clamped(self.mapToScene(event.position().toPoint()))
        self._drawing = self.scene().addRect(QRectF(self._start, self._start), _PEN, _BRUSH)
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._start is None or self._drawing is None:
            return super().mouseMoveEvent(event)
        end = self._clamped(self.mapToScene(event.position().toPoint()))
        self._drawing.setRect(QRectF(self._start, end).normalized())
        return None

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._start is None or self._drawing is None:
            return super().mouseReleaseEvent(event)
        end = self._clamped(self.mapToScene(event.position().toPoint()))
        self._drawing.setRect(QRectF(self._start, end).normalized())
        rect, drawn = self._drawing.rect(), self._drawing
        self._start, self._drawing = None, None
        on_screen = self.mapFromScene(rect).boundingRect()
        if min(on_screen.width(), on_screen.height()) < MIN_SIDE:
            self.scene().removeItem(drawn)
            return None
        self.rects.append(drawn)
        self.regions_changed.emit()
        return None

    def _clamped(self, point: QPointF) -> QPointF:
        w, h = self.shown.shown
        return QPointF(min(max(point.x(), 0.0), w), min(max(point.y(), 0.0), h))

    def undo(self) -> None:
        if self.rects:
            self.scene().removeItem(self.rects.pop())
            self.regions_changed.emit()

    def regions(self) -> list[Region]:
        """The drawn rectangles in the full displayed image's pixels."""
        found = []
        for item in self.rects:
            r = item.rect()
            left, top = self.shown.to_full(r.left(), r.top())
            right, bottom = self.shown.to_full(r.right(), r.bottom())
            if right > left and bottom > top:
                found.append((left, top, right - left, bottom - top))
        return found


_PEN = QPen(QColor("#d50000"), 0)
_BRUSH = QBrush(QColor(213, 0, 0, 60))


class RedactDialog(QDialog):
    """Emits `redacted(DerivedItem)` when the copy is saved."""

    redacted = Signal(object)

    def __init__(
        self, session: CaseSession, item: Item, data: bytes, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.item = session, item
        self.setWindowTitle(_("Redact a working copy"))
        self.setAccessibleName(_("Redact a working copy"))
        self.picture = picture(data)
        self.canvas = RegionCanvas(self.picture)
        self.method = QComboBox()
        self.method.setAccessibleName(_("How to hide the regions"))
        self.method.addItem(_("Pixelate"), "pixelate")
        self.method.addItem(_("Blur"), "blur")
        self.method.addItem(_("Solid fill (hides everything)"), "fill")
        self.keep = QCheckBox(_("Keep the photo's metadata (GPS, serial numbers)"))
        self.previewing = QCheckBox(_("Show the result"))
        self.message = plain_label(_("Redaction status"))
        self.message.setWordWrap(True)
        self._layout()
        self.canvas.regions_changed.connect(self.on_regions_changed)
        self.previewing.toggled.connect(self.refresh_preview)
        self.method.currentIndexChanged.connect(self.refresh_preview)
        self.on_regions_changed()
        self.resize(1000, 760)

    def _layout(self) -> None:
        tools = QHBoxLayout()
        for text, name, slot in (
            ("+", _("Zoom in"), lambda: self.canvas.zoom(ZOOM_STEP)),
            ("−", _("Zoom out"), lambda: self.canvas.zoom(1 / ZOOM_STEP)),
            (_("Fit"), _("Fit the picture"), self.canvas.fit),
            (_("Undo region"), _("Remove the last region"), self.canvas.undo),
        ):
            button = QPushButton(text)
            button.setAccessibleName(name)
            button.clicked.connect(slot)
            tools.addWidget(button)
        tools.addStretch(1)
        tools.addWidget(QLabel(_("Method")))
        tools.addWidget(self.method)
        tools.addWidget(self.previewing)
        buttons, self.save = action_buttons(
            self, _("Save the redacted copy"), self.on_save_clicked, cancel=True
        )
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_(
            "Drag over the picture to mark each region to hide. The original stays sealed; "
            "the copy is a new item linked to it."
        )))  # fmt: skip
        layout.addLayout(tools)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.keep)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def on_regions_changed(self) -> None:
        n = len(self.canvas.regions())
        self.save.setEnabled(n > 0)
        self.message.setText(
            _("{n} regions marked.").format(n=n) if n else _("No region marked yet.")
        )
        self.refresh_preview()

    def refresh_preview(self) -> None:
        """The picture as the copy will look (on the scaled picture), or as it is."""
        if self.previewing.isChecked():
            method = str(self.method.currentData())
            self.canvas.show_picture(redacted_picture(self.picture, self.canvas.regions(), method))
        else:
            self.canvas.show_picture(self.picture)

    def on_save_clicked(self) -> None:
        if self.session.busy or self.session.case is None:
            self.message.setText(_("Wait until the current task finishes, then try again."))
            return
        case, item_id = self.session.case, self.item.id
        regions, method = self.canvas.regions(), str(self.method.currentData())
        keep = self.keep.isChecked()

        def task(_ctx: JobContext) -> DerivedItem:
            return redact_item(case, item_id, regions, method=method, keep_metadata=keep)

        self.save.setEnabled(False)
        self.message.setText(_("Saving the redacted copy…"))
        self.session.run(task, _("Redacting"), self.on_saved, self.on_failed)

    def on_saved(self, made: DerivedItem) -> None:
        self.redacted.emit(made)
        self.accept()

    def on_failed(self, err: BaseException) -> None:
        self.save.setEnabled(True)
        self.message.setText(error_message(err))
