"""The selected item's preview in a large window (Enter or double-click in the list)."""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from ui.widgets.text import display_text
from ui.workspace.preview_pane import PreviewPane
from vault.evidence.items import Item
from vault.i18n import _


class PreviewDialog(QDialog):
    def __init__(self, item: Item, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(display_text(item.original_name))
        self.setAccessibleName(_("Preview"))
        self.pane = PreviewPane()
        if image.isNull():
            self.pane.show_file(item)
        else:
            self.pane.show_image(item, image)
        QVBoxLayout(self).addWidget(self.pane)
        self.resize(1000, 760)
