"""Settings › Time-stamping services (DESIGN §8): the user's own RFC 3161 services and the
CA certificates trusted for each. The list is saved as it is edited, in the same file the
`tsa` command uses; nothing is configured by default and nothing here contacts a service."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.errors import show_error
from ui.widgets.dialog_parts import button_row, line_edit
from ui.widgets.list_editor import AddFromPemDialog
from ui.widgets.text import display_text, plain_label
from vault.custody.tsa import add_tsa, list_tsas, read_ca_file, remove_tsa
from vault.errors import VaultError
from vault.i18n import _


class AddTsaDialog(AddFromPemDialog):
    """Name, URL and the CA file of one service; added on Add, refused with a reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent, _("Add a time-stamping service"), _("CA certificates you trust for it"),
            _("CA certificate file (PEM)"), _("CA certificate file (PEM)"),
        )  # fmt: skip

    def add_fields(self, form: QFormLayout) -> None:
        self.name = line_edit(_("Service name"))
        self.url = line_edit(_("Service address (URL)"))
        self.url.setPlaceholderText("https://")
        form.addRow(_("Name"), self.name)
        form.addRow(_("Address (URL)"), self.url)

    def save(self) -> None:
        add_tsa(self.name.text().strip(), self.url.text().strip(),
                read_ca_file(Path(self.pem.text().strip())))  # fmt: skip


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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(plain_label(text=_(
            "Services you trust to prove when the custody log existed. None is set up by "
            "default, and none is contacted until you press Time-stamp now. Changes here "
            "are saved at once."
        )))  # fmt: skip
        layout.addWidget(self.list)
        layout.addLayout(button_row(self.add, self.remove))
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
