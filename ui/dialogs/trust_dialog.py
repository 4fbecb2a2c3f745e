"""Settings › Certificate lists (DESIGN §9): the lists a C2PA signer may chain to — shipped
(pinned by SHA-256, with their source) and the user's own — with Add a PEM list… and Remove
for the user's. The same core as the CLI's `trust add|list|remove`; changes are saved at
once, and apply to the next check: earlier provenance entries are never edited."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.errors import show_error
from ui.widgets.dialog_parts import button_row, close_buttons, line_edit
from ui.widgets.list_editor import AddFromPemDialog
from ui.widgets.text import display_text, plain_label
from vault.errors import VaultError
from vault.i18n import _
from vault.provenance.trust import TrustList, add_trust_list, all_lists, remove_trust_list


class AddTrustListDialog(AddFromPemDialog):
    """A name and a PEM file of root certificates; added on Add, refused with a reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent, _("Add a certificate list"), _("Root certificates (PEM)"),
            _("Certificate file (PEM)"), _("Choose the certificate file"),
        )  # fmt: skip

    def add_fields(self, form: QFormLayout) -> None:
        self.name = line_edit(_("List name"))
        form.addRow(_("Name"), self.name)

    def save(self) -> None:
        add_trust_list(self.name.text().strip(), Path(self.pem.text().strip()))


class TrustListsDialog(QDialog):
    """Every list with its origin, SHA-256 and source; the user's can be removed."""

    COLUMNS = 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Certificate lists for Content Credentials"))
        self.setAccessibleName(_("Certificate lists for Content Credentials"))
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setAccessibleName(_("Certificate lists"))
        self.table.setHorizontalHeaderLabels([_("Name"), _("Kind"), "SHA-256", _("Source")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add = QPushButton(_("Add a PEM list…"))
        self.add.clicked.connect(self.on_add)
        self.remove = QPushButton(_("Remove"))
        self.remove.setAccessibleName(_("Remove the chosen list"))
        self.remove.clicked.connect(self.on_remove)
        self.message = plain_label(_("Certificate lists status"))
        self.dialog: AddTrustListDialog | None = None
        self._layout()
        self.resize(960, 420)
        self.refresh()

    def _layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(text=_(
            "A C2PA signer whose certificate chains to one of these lists is shown as "
            "trusted. The shipped lists are pinned by their SHA-256 and cannot be removed; "
            "lists you add apply from the next check. Earlier results are never changed: "
            "use Check provenance again to record a new one."
        )))  # fmt: skip
        layout.addWidget(self.table, 1)
        layout.addLayout(button_row(self.add, self.remove))
        layout.addWidget(self.message)
        layout.addWidget(close_buttons(self))

    def refresh(self) -> None:
        try:
            lists = all_lists()
        except VaultError as err:  # a damaged user file or installation: say which
            self.message.setText(str(err))
            lists = []
        self.table.setRowCount(len(lists))
        for row, trust in enumerate(lists):
            self._fill(row, trust)
        self._update_buttons()

    def _fill(self, row: int, trust: TrustList) -> None:
        kind = _("shipped") if trust.origin == "shipped" else _("added by you")
        cells = (display_text(trust.name), kind, trust.sha256, display_text(trust.source))
        for column, text in enumerate(cells):
            cell = QTableWidgetItem(text)
            cell.setToolTip(text)
            cell.setData(Qt.ItemDataRole.UserRole, (trust.name, trust.origin))
            self.table.setItem(row, column, cell)

    def chosen(self) -> tuple[str, str] | None:
        """The chosen row's (name, origin), or None."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        cell = self.table.item(rows[0].row(), 0)
        return cell.data(Qt.ItemDataRole.UserRole) if cell else None

    def _update_buttons(self) -> None:
        chosen = self.chosen()
        self.remove.setEnabled(chosen is not None and chosen[1] == "user")

    def on_add(self) -> None:
        self.dialog = AddTrustListDialog(self)
        self.dialog.accepted.connect(self.refresh)
        self.dialog.open()

    def on_remove(self) -> None:
        chosen = self.chosen()
        if chosen is None or chosen[1] != "user":
            return
        try:
            remove_trust_list(chosen[0])
        except VaultError as err:
            show_error(self, err)
        else:
            self.message.setText(_("Removed certificate list {name}.").format(
                name=display_text(chosen[0])))  # fmt: skip
        self.refresh()
