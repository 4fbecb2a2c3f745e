"""What the window shows with no case open: the app's icon and name, New case and Open case,
and the recent cases (name, folder, last opened) when the user lets the app remember them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.dialog_parts import button_row
from ui.widgets.icons import app_icon, icon
from ui.widgets.text import display_text, plain_label
from vault.i18n import _

ICON_SIZE = 72
MAX_ROWS = 8


def heading_font(base: QFont, grow: int) -> QFont:
    """`base`, bold and `grow` points larger: the one way headings are made."""
    font = QFont(base)
    font.setPointSize(font.pointSize() + grow)
    font.setBold(True)
    return font


class StartPage(QWidget):
    """Emits `new_case_requested()` and `open_case_requested(path or None)`."""

    new_case_requested = Signal()
    open_case_requested = Signal(object)

    def __init__(self, recent: list[tuple[Path, str]], remembering: bool = True) -> None:
        super().__init__()
        self.setAccessibleName(_("Start"))
        self.new_case = self._button(_("New case…"), "new-case", self.new_case_requested.emit)
        self.open_case = self._button(
            _("Open case…"), "open-case", lambda: self.open_case_requested.emit(None)
        )
        self.recent = self._recent_table()
        self.recent_title = QLabel(_("Recent cases"))
        self.recent_title.setFont(heading_font(self.font(), 2))
        self.empty = plain_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 40, 60, 40)
        layout.setSpacing(14)
        layout.addLayout(self._title())
        layout.addLayout(button_row(self.new_case, self.open_case))
        layout.addSpacing(12)
        layout.addWidget(self.recent_title)
        layout.addWidget(self.recent)
        layout.addWidget(self.empty)
        layout.addStretch(1)
        self.show_recent(recent, remembering)

    def _title(self) -> QHBoxLayout:
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(QSize(ICON_SIZE, ICON_SIZE)))
        logo.setAccessibleName(_("Evidence Vault icon"))
        heading = QLabel("Evidence Vault")
        heading.setFont(heading_font(self.font(), 10))
        intro = plain_label(
            text=_(
                "Every case is one encrypted file. Everything you do in it is "
                "signed and logged, so others can check it later."
            )
        )
        words = QVBoxLayout()
        words.addWidget(heading)
        words.addWidget(intro)
        row = QHBoxLayout()
        row.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        row.addSpacing(12)
        row.addLayout(words, 1)
        return row

    def _recent_table(self) -> QTreeWidget:
        table = QTreeWidget()
        table.setAccessibleName(_("Recent cases"))
        table.setHeaderLabels([_("Name"), _("Folder"), _("Last opened")])
        table.setRootIsDecorated(False)
        table.setUniformRowHeights(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = table.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        table.itemActivated.connect(self.on_recent_activated)
        return table

    def show_recent(self, recent: list[tuple[Path, str]], remembering: bool = True) -> None:
        """Fill the recent list; with none, say why (nothing yet, or remembering is off)."""
        self.recent.clear()
        for path, opened in recent:
            row = QTreeWidgetItem([display_text(path.stem), display_text(path.parent), opened])
            row.setIcon(0, icon("recent"))
            row.setData(0, Qt.ItemDataRole.UserRole, str(path))
            row.setToolTip(1, display_text(path))
            self.recent.addTopLevelItem(row)
        self.recent.setVisible(bool(recent))
        self._fit_height(len(recent))
        self.recent_title.setVisible(bool(recent) or remembering)
        self.empty.setText(
            _("Double-click a case to open it.")
            if recent
            else _("The cases you open will be listed here.")
            if remembering
            else _("Remembering recent cases is turned off (Settings).")
        )

    def _fit_height(self, rows: int) -> None:
        """As tall as its rows (up to MAX_ROWS, then it scrolls): no empty white box."""
        row = self.recent.sizeHintForRow(0) if rows else 0
        header = self.recent.header().sizeHint().height()
        frame = 2 * self.recent.frameWidth()
        self.recent.setFixedHeight(header + frame + row * min(max(rows, 1), MAX_ROWS) + 4)

    def _button(self, text: str, icon_name: str, slot: object) -> QPushButton:
        button = QPushButton(icon(icon_name), text)
        button.setAccessibleName(text.rstrip("…"))
        button.setMinimumHeight(48)
        button.setIconSize(QSize(24, 24))
        button.setFont(heading_font(self.font(), 1))
        button.clicked.connect(slot)
        return button

    def on_recent_activated(self, entry: QTreeWidgetItem) -> None:
        self.open_case_requested.emit(Path(entry.data(0, Qt.ItemDataRole.UserRole)))
