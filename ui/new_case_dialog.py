"""New case: what the case is, who is working on it, its passphrase and where it lives."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.errors import error_message
from ui.passphrase import strength_hint
from vault.case import Case
from vault.errors import VaultError
from vault.i18n import _


def default_case_path() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs or Path.home()) / _("New case.evault")


class NewCaseDialog(QDialog):
    """Creates the case file when the user confirms; `case_created` carries the open Case."""

    case_created = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New case"))
        self.setAccessibleName(_("New case"))
        self.case: Case | None = None
        self.title = self._line(_("Case title"))
        self.number = self._line(_("Case number"))
        self.organization = self._line(_("Organization"))
        self.investigator = self._line(_("Your name"))
        self.role = self._line(_("Your role"))
        self.role.setText(_("investigator"))
        self.passphrase = self._line(_("Passphrase"), secret=True)
        self.confirm = self._line(_("Passphrase again"), secret=True)
        self.strength = self._label("", _("Passphrase strength"))
        self.path = self._line(_("Where to save the case file"))
        self.path.setText(str(default_case_path()))
        self.message = self._label("", _("Problem"))
        self.message.setStyleSheet("color: #b00020")
        self._layout()
        self.passphrase.textChanged.connect(self.on_passphrase_changed)
        self.on_passphrase_changed("")

    def _line(self, name: str, secret: bool = False) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _label(self, text: str, name: str) -> QLabel:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setAccessibleName(name)
        return label

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(_("Case title"), self.title)
        form.addRow(_("Case number"), self.number)
        form.addRow(_("Organization"), self.organization)
        form.addRow(_("Your name"), self.investigator)
        form.addRow(_("Your role"), self.role)
        form.addRow(_("Passphrase"), self.passphrase)
        form.addRow(_("Passphrase again"), self.confirm)
        form.addRow("", self.strength)
        form.addRow(_("Save as"), self._path_row())
        warning = self._label(
            _(
                "Nobody can recover a lost passphrase — not us, not an administrator. Without "
                "it the case cannot be opened. Write it down and keep it safe."
            ),
            _("Warning about the passphrase"),
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(_("Create case"))
        self.create_button.setAccessibleName(_("Create case"))
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(_("Cancel"))
        cancel.setAccessibleName(_("Cancel"))
        buttons.accepted.connect(self.on_create_requested)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(warning)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _path_row(self) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        browse = QPushButton(_("Choose…"))
        browse.setAccessibleName(_("Choose where to save"))
        browse.clicked.connect(self.on_browse_clicked)
        layout.addWidget(self.path)
        layout.addWidget(browse)
        return row

    def on_passphrase_changed(self, text: str) -> None:
        self.strength.setText(strength_hint(text))

    def on_browse_clicked(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save the case file as"), self.path.text(), _("Case files (*.evault)")
        )
        if chosen:
            self.path.setText(chosen if chosen.endswith(".evault") else chosen + ".evault")

    def _problem(self) -> str | None:
        if not self.title.text().strip():
            return _("Give the case a title.")
        if not self.investigator.text().strip():
            return _("Enter your name: every act you record is signed with it.")
        if self.passphrase.text() != self.confirm.text():
            return _("The two passphrases differ. Type the same passphrase twice.")
        if not self.path.text().strip():
            return _("Choose where to save the case file.")
        return None

    def on_create_requested(self) -> None:
        problem = self._problem()
        if problem:
            self.message.setText(problem)
            return
        try:
            self.case = Case.create(
                Path(self.path.text().strip()).expanduser(),
                self.passphrase.text(),
                self.title.text().strip(),
                self.number.text().strip(),
                self.organization.text().strip(),
                self.investigator.text().strip(),
                self.role.text().strip() or "investigator",
            )
        except (VaultError, OSError) as err:
            self.message.setText(error_message(err))
            return
        self.passphrase.clear()
        self.confirm.clear()
        self.case_created.emit(self.case)
        self.accept()
