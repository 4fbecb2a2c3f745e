"""New case: what the case is, who is working on it, its passphrase and where it lives."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QVBoxLayout, QWidget

from ui.errors import error_message
from ui.widgets.dialog_parts import action_buttons, line_edit, path_row
from ui.widgets.passphrase import strength_hint
from ui.widgets.paths import Choose, FollowingPath, choose_file, default_folder
from ui.widgets.text import plain_label
from vault.case.handle import Case
from vault.errors import VaultError
from vault.i18n import _
from vault.userdirs import file_name


def default_case_path(title: str = "", number: str = "") -> Path:
    """In a folder that exists, named for the case (number and title) once they are typed."""
    parts = [p for p in (number.strip(), title.strip()) if p] or [_("New case")]
    return default_folder() / file_name(*parts, suffix=".evault")


class NewCaseDialog(QDialog):
    """Creates the case file when the user confirms; `case_created` carries the open Case."""

    case_created = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New case"))
        self.setAccessibleName(_("New case"))
        self.case: Case | None = None
        self.title = line_edit(_("Case title"))
        self.number = line_edit(_("Case number"))
        self.organization = line_edit(_("Organization"))
        self.investigator = line_edit(_("Your name"))
        self.role = line_edit(_("Your role"), text=_("investigator"))
        self.passphrase = line_edit(_("Passphrase"), secret=True)
        self.confirm = line_edit(_("Passphrase again"), secret=True)
        self.strength = plain_label(_("Passphrase strength"))
        self.path = line_edit(_("Where to save the case file"))
        self.following = FollowingPath(self.path, default_case_path())
        for edit in (self.title, self.number):
            edit.textChanged.connect(
                lambda: self.following.follow(
                    default_case_path(self.title.text(), self.number.text())
                )
            )
        self.message = plain_label(_("Problem"))
        self.message.setStyleSheet("color: #b00020")
        self._layout()
        self.passphrase.textChanged.connect(self.on_passphrase_changed)
        self.on_passphrase_changed("")
        for edit in (self.title, self.number, self.organization, self.investigator, self.role,
                     self.passphrase, self.confirm, self.path):  # fmt: skip
            edit.textChanged.connect(self.message.clear)  # a stale problem misleads

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
        form.addRow(
            _("Save as"),
            path_row(self.path, _("Choose…"), _("Choose where to save"), self.on_browse_clicked),
        )
        warning = plain_label(
            _("Warning about the passphrase"),
            _(
                "Nobody can recover a lost passphrase — not us, not an administrator. Without "
                "it the case cannot be opened. Write it down and keep it safe."
            ),
        )
        buttons, self.create_button = action_buttons(
            self, _("Create case"), self.on_create_requested, cancel=True
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(warning)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def on_passphrase_changed(self, text: str) -> None:
        self.strength.setText(strength_hint(text))

    def on_browse_clicked(self) -> None:
        chosen = choose_file(
            self,
            _("Save the case file as"),
            self.path.text(),
            _("Case files (*.evault)"),
            Choose.SAVE,
        )
        if chosen:
            self.following.chosen(chosen if chosen.endswith(".evault") else chosen + ".evault")

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
                title=self.title.text().strip(),
                number=self.number.text().strip(),
                organization=self.organization.text().strip(),
                investigator=self.investigator.text().strip(),
                role=self.role.text().strip() or "investigator",
            )
        except (VaultError, OSError) as err:
            self.message.setText(error_message(err))
            return
        self.passphrase.clear()
        self.confirm.clear()
        self.case_created.emit(self.case)
        self.accept()
