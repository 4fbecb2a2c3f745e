"""Receive a package: choose it, give its passphrase if it is encrypted, see every check with
✓/✗ and the sender's fingerprint in large type; Import is enabled only on a pass."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QFormLayout, QListWidget, QPushButton, QWidget

from ui.dialogs.export_dialog import spaced
from ui.errors import error_message
from ui.jobs.session import CaseSession
from ui.jobs.worker import JobContext, Task
from ui.widgets.dialog_parts import action_buttons, fit_to_content, line_edit, path_row
from ui.widgets.fonts import MONO_FAMILY
from ui.widgets.paths import choose_file, choose_into
from ui.widgets.text import display_text, items_count, notes_count, plain_label
from vault.errors import PackageRefused, VaultError
from vault.i18n import _
from vault.package.age import MAGIC as AGE_MAGIC
from vault.package.age import read_identity_file
from vault.package.receive import ReceiveResult, receive
from vault.package.verify import PackageVerification, verify_package


def is_encrypted_package(path: Path) -> bool:
    """Named `*.zip.age`, or a file that starts with the age header (a renamed package)."""
    if path.name.lower().endswith(".zip.age"):
        return True
    try:
        with open(path, "rb") as f:
            return f.read(len(AGE_MAGIC)) == AGE_MAGIC
    except OSError:  # not there (yet), a folder, unreadable: not an encrypted file
        return False


class ReceiveDialog(QDialog):
    """Emits `verification_finished(PackageVerification)` and `receive_finished(ReceiveResult)`."""

    verification_finished = Signal(object)
    receive_finished = Signal(object)

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.verification: PackageVerification | None = None
        self._encrypted = False
        self.setWindowTitle(_("Receive package"))
        self.setAccessibleName(_("Receive package"))
        self.path = line_edit(_("Package file"))
        self.passphrase = line_edit(_("Package passphrase (if encrypted)"), secret=True)
        self.checks = QListWidget()
        self.checks.setAccessibleName(_("Checks"))
        self.checks.setWordWrap(True)  # a finding is a sentence: it wraps, never scrolls away
        self.sender_label = plain_label(_("Sender and fingerprint"))
        self.sender_label.setFont(QFont(MONO_FAMILY, 16))
        self.message = plain_label(_("Receive status"))
        self._layout()

    def _layout(self) -> None:
        row = path_row(self.path, _("Browse…"), _("Browse for a package"), self.on_browse_clicked)
        self.check = QPushButton(_("Check the package"))
        self.check.setAccessibleName(_("Check the package"))
        self.check.clicked.connect(self.on_check_clicked)
        buttons, self.import_button = action_buttons(
            self, _("Import into this case"), self.on_import_clicked
        )
        self.import_button.setEnabled(False)
        self.form = form = QFormLayout(self)
        form.addRow(_("Package"), row)
        self.secret_row = path_row(
            self.passphrase, _("Key file…"), _("Open with an age key file"),
            self.on_key_file_clicked,
        )  # fmt: skip
        form.addRow(_("Passphrase"), self.secret_row)
        form.addRow("", self.check)
        form.addRow(self.checks)
        form.addRow(self.sender_label)
        form.addRow(self.message)
        form.addRow(buttons)
        self.path.textChanged.connect(self.on_path_changed)
        self.on_path_changed()

    def on_browse_clicked(self) -> None:
        choose_into(
            self.path, self, _("Choose a package"), _("Packages (*.zip *.zip.age);;All files (*)")
        )

    def on_path_changed(self) -> None:
        """A new package: its passphrase is asked for only if it is encrypted, and it must
        be checked before it can be imported."""
        self._encrypted = encrypted = is_encrypted_package(self._package())
        self.form.setRowVisible(self.secret_row, encrypted)
        self.passphrase.setEnabled(encrypted)
        if not encrypted:
            self.passphrase.clear()
        self.verification = None
        self.import_button.setEnabled(False)

    def on_key_file_clicked(self) -> None:
        """A package encrypted to the user's age key: its identity file (as age-keygen
        writes it) gives the secret, read into memory, never copied."""
        chosen = choose_file(self, _("Choose your age key file"), "",
                             _("Key files (*.txt *.key);;All files (*)"))  # fmt: skip
        if not chosen:
            return
        try:
            self.passphrase.setText(read_identity_file(Path(chosen)))
        except VaultError as err:
            self.message.setText(error_message(err))
            return
        self.message.setText(_("The key is read from the file: check the package."))

    def encrypted(self) -> bool:
        return self._encrypted

    def _package(self) -> Path:
        return Path(self.path.text().strip()).expanduser()

    def _secret(self) -> str | None:
        return (self.passphrase.text() or None) if self.encrypted() else None

    def _start(self, task: Task, title: str, on_succeeded: Callable[[Any], None]) -> None:
        if self.session.busy or self.session.case is None:
            self.message.setText(_("Wait until the current task finishes, then try again."))
            return
        self.check.setEnabled(False)
        self.import_button.setEnabled(False)
        self.session.run(task, title, on_succeeded, self.on_job_failed)

    def on_check_clicked(self) -> None:
        path, secret = self._package(), self._secret()

        def task(ctx: JobContext) -> PackageVerification:
            return verify_package(
                path, passphrase=secret, progress=ctx.progress, cancelled=ctx.cancelled
            )

        self.checks.clear()
        self.sender_label.clear()
        self.message.setText(_("Checking the package… nothing is imported yet."))
        self._start(task, _("Checking the package"), self.on_verification_succeeded)

    def on_verification_succeeded(self, result: PackageVerification) -> None:
        self.verification = result
        self.check.setEnabled(True)
        for name, passed in result.checks:
            self.checks.addItem(("✓ " if passed else "✗ ") + display_text(name))
        for finding in result.findings:
            self.checks.addItem("   " + display_text(str(finding)))
        for copy in result.copies:  # DESIGN §10: whoever holds the original can confirm it
            where = _("included") if copy.parent_included else _("withheld")
            line = _("Working copy {name}: its original's SHA-256 is {sha} (original {where})")
            name = display_text(copy.name)
            self.checks.addItem("   " + line.format(name=name, sha=copy.parent_sha256, where=where))
        if result.sender:  # name, role and organization as the sender's key was signed in
            self.sender_label.setText(_(
                "Sent by {name} ({role}, {organization})\n{fp}\n"
                "Confirm this fingerprint with the sender by phone."
            ).format(
                name=display_text(result.sender_name), role=display_text(result.sender_role or "-"),
                organization=display_text(result.sender_organization or "-"),
                fp=spaced(result.sender),
            ))  # fmt: skip
        verdict = (
            _("The package verified: {items}, {notes}.")
            if result.ok
            else _("The package did NOT verify and cannot be imported.")
        )
        self.message.setText(
            verdict.format(items=items_count(result.items), notes=notes_count(result.notes))
        )
        self.import_button.setEnabled(result.ok)
        fit_to_content(self)
        self.verification_finished.emit(result)

    def on_import_clicked(self) -> None:
        if self.verification is None or not self.verification.ok:
            return
        case, path, secret = self.session.case, self._package(), self._secret()
        if case is None:
            return
        shown = _head(self.verification)

        def same_as_shown(again: PackageVerification) -> bool:
            # The import must be of the package whose verification the user saw.
            if _head(again) != shown:
                changed = _("The package changed since it was checked; check it again.")
                raise PackageRefused([], changed)
            return True

        def task(ctx: JobContext) -> ReceiveResult:
            return receive(
                case, path, passphrase=secret, progress=ctx.progress,
                cancelled=ctx.cancelled, confirm=same_as_shown,
            )  # fmt: skip

        self.message.setText(_("Importing the package…"))
        self._start(task, _("Receiving the package"), self.on_receive_succeeded)

    def on_receive_succeeded(self, result: ReceiveResult) -> None:
        self.check.setEnabled(True)
        self.passphrase.clear()
        if result.nothing_new:
            text = _(
                "Nothing new: this case already holds every item, note and log of this "
                "package. Nothing was recorded."
            )
        elif not result.items and not result.notes:  # only the sender's log grew
            text = _(
                "No new items or notes; the sender's newer log is kept and linked "
                "(custody entry {seq})."
            ).format(seq=result.seq)
        else:
            text = _(
                "Imported {items} and {notes}; the sender's custody "
                "is kept and linked to this case's log."
            ).format(items=items_count(result.items), notes=notes_count(result.notes))
        self.message.setText(text)
        fit_to_content(self)
        self.receive_finished.emit(result)

    def on_job_failed(self, err: BaseException) -> None:
        self.check.setEnabled(True)
        self.message.setText(error_message(err))


def _head(verification: PackageVerification) -> str:
    """The package's signed export entry hash: which package a verification was of."""
    return verification.contents.head if verification.contents else ""
