"""What the window shows with no case open: New case, Open case, and recent case paths."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.text import display_text, plain_label
from vault.i18n import _


class StartPage(QWidget):
    """Emits `new_case_requested()` and `open_case_requested(path or None)`."""

    new_case_requested = Signal()
    open_case_requested = Signal(object)

    def __init__(self, recent: list[Path]) -> None:
        super().__init__()
        self.setAccessibleName(_("Start"))
        heading = QLabel("Evidence Vault")
        font = QFont(heading.font())
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        heading.setFont(font)
        intro = plain_label(
            text=_(
                "Every case is one encrypted file. Everything you do in it is "
                "signed and logged, so others can check it later."
            )
        )
        self.new_case = self._button(_("New case…"), self.new_case_requested.emit)
        self.open_case = self._button(_("Open case…"), lambda: self.open_case_requested.emit(None))
        self.recent = QListWidget()
        self.recent.setAccessibleName(_("Recent cases"))
        for path in recent:
            entry = QListWidgetItem(display_text(path))
            entry.setData(Qt.ItemDataRole.UserRole, str(path))
            self.recent.addItem(entry)
        self.recent.itemActivated.connect(self.on_recent_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 40, 60, 40)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.new_case)
        layout.addWidget(self.open_case)
        if recent:
            layout.addWidget(QLabel(_("Recent cases (double-click to open)")))
            layout.addWidget(self.recent, 1)
        else:
            layout.addStretch(1)

    def _button(self, text: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.rstrip("…"))
        button.setMinimumHeight(44)
        button.clicked.connect(slot)
        return button

    def on_recent_activated(self, entry: QListWidgetItem) -> None:
        self.open_case_requested.emit(Path(entry.data(Qt.ItemDataRole.UserRole)))
