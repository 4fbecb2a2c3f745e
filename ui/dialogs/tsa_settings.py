"""Settings › Time-stamping services (DESIGN §8): the user's own RFC 3161 services and the
CA certificates trusted for each. The list is saved as it is edited, in the same file the
`tsa` command uses; nothing is configured by default and nothing here contacts a service."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.errors import show_error
from ui.widgets.dialog_parts import action_buttons
from ui.widgets.paths import choose_file
from ui.widgets.text import display_text, plain_label
from vault.custody.tsa import add_tsa, list_tsas, read_ca_file, remove_tsa
from vault.errors import VaultError
from vault.i18n import _


class AddTsaDialog(QDialog):
    """Name, URL and the CA file of one service; added on Save, refused with a reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Add a time-stamping service"))
        self.setAccessibleName(_("Add a time-stamping service"))
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Service name"))
        self.url = QLineEdit()
        self.url.setAccessibleName(_("Service address (URL)"))
        self.url.setPlaceholderText("https://")
        self.ca = QLineEdit()
        self.ca.setAccessibleName(_("CA certificate file (PEM)"))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self.on_browse)
        row = QHBoxLayout()
        row.addWidget(self.ca, 1)
        row.addWidget(browse)
        buttons, _save = action_buttons(self, _("Add"), self.on_add, cancel=True)
        form = QFormLayout(self)
        form.addRow(_("Name"), self.name)
        form.addRow(_("Address (URL)"), self.url)
        form.addRow(_("CA certificates you trust for it"), row)
        form.addRow(buttons)

    def on_browse(self) -> None:
        path = choose_file(
            self, _("CA certificate file (PEM)"), "", _("Certificates (*.pem *.crt)")
        )
        if path:
            self.ca.setText(path)

    def on_add(self) -> None:
        try:
            add_tsa(self.name.text().strip(), self.url.text().strip(),
                    read_ca_file(Path(self.ca.text().strip())))  # fmt: skip
        except VaultError as err:
            show_error(self, err)
            return
        self.accept()


class TsaList(QWidget):
    """The configured services, with Add… and Remove."""

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName(_("Time-stamping services"))
        self.list = QListWidget()
        self.list.setAccessibleName(_("Time-stamping services"))
        self.add = QPushButton(_("Add…"))
        self.add.clicked.connect(self.on_add)
        self.remove = QPushButton(_("Remove"))
        self.remove.clicked.connect(self.on_remove)
        self.dialog: AddTsaDialog | None = None
        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(plain_label(text=_(
            "Services you trust to prove when the custody log existed. None is set up by "
            "default, and none is contacted until you press Time-stamp now. Changes here "
            "are saved at once."
        )))  # fmt: skip
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        try:
            tsas = list_tsas()
        except VaultError as err:
            self.list.addItem(display_text(str(err)))
            return
        for tsa in tsas:
            line = QListWidgetItem(display_text(f"{tsa.name} — {tsa.url}"))
            line.setData(Qt.ItemDataRole.UserRole, tsa.name)
            self.list.addItem(line)
        self.remove.setEnabled(bool(tsas))

    def on_add(self) -> None:
        self.dialog = AddTsaDialog(self)
        self.dialog.accepted.connect(self.refresh)
        self.dialog.open()

    def on_remove(self) -> None:
        line = self.list.currentItem()
        if line is None:
            return
        try:
            remove_tsa(str(line.data(Qt.ItemDataRole.UserRole)))
        except VaultError as err:
            show_error(self, err)
        self.refresh()
