"""The small form that adds one entry from a PEM file to a user's own list in Settings (Add a
time-stamping service, Add a certificate list): the core saves the list as it is edited."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QWidget

from ui.errors import show_error
from ui.widgets.dialog_parts import action_buttons, line_edit, path_row
from ui.widgets.paths import choose_into
from vault.errors import VaultError
from vault.i18n import _


class AddFromPemDialog(QDialog):
    """A form that adds one entry to a user list: the subclass's own fields (`add_fields`),
    a PEM file with Choose…, then Add and Cancel. Add calls the subclass's `save()`, a core
    call: a refusal is shown with its reason and the form stays open, else it closes."""

    def __init__(
        self, parent: QWidget | None, title: str, pem_label: str, pem_name: str, caption: str
    ) -> None:
        """`pem_label` heads the file's row, `pem_name` is the field's accessible name and
        `caption` the chooser's title (and the Choose… button's accessible name)."""
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.caption = caption
        self.pem = line_edit(pem_name)
        form = QFormLayout(self)
        self.add_fields(form)
        form.addRow(pem_label, path_row(self.pem, _("Choose…"), caption, self.on_browse))
        buttons, _add = action_buttons(self, _("Add"), self.on_add, cancel=True)
        form.addRow(buttons)

    def add_fields(self, form: QFormLayout) -> None:
        """Add the rows above the file's (the subclass's)."""

    def save(self) -> None:
        """Add the entry through the core; raise VaultError to refuse (the subclass's)."""
        raise NotImplementedError

    def on_browse(self) -> None:
        choose_into(self.pem, self, self.caption, _("Certificates (*.pem *.crt)"))

    def on_add(self) -> None:
        try:
            self.save()
        except VaultError as err:
            show_error(self, err)
            return
        self.accept()
