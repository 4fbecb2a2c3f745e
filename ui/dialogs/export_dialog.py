"""Export a package: which items, where, how it is encrypted; then the fingerprint and the
custody head to read out to the recipient over the phone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from ui.errors import error_message
from ui.jobs.session import CaseSession
from ui.jobs.worker import JobContext
from ui.widgets.dialog_parts import action_buttons, fit_to_content, line_edit, path_row
from ui.widgets.fonts import MONO_FAMILY
from ui.widgets.passphrase import strength_hint
from ui.widgets.paths import Choose, FollowingPath, case_label, choose_file, default_path
from ui.widgets.text import display_text, items_count, notes_count, plain_label
from vault.case.casefile import MIN_PASSPHRASE_LENGTH
from vault.evidence.derive import working_copies
from vault.i18n import _, ngettext
from vault.package.export import ExportResult, export

PASSPHRASE, RECIPIENT, PLAIN = "passphrase", "recipient", "plain"


def spaced(hex_text: str, per_line: int = 8) -> str:
    """A fingerprint in groups of four, eight groups a line: easy to read aloud, and a line
    break never splits a group."""
    groups = [hex_text[i : i + 4] for i in range(0, len(hex_text), 4)]
    lines = [" ".join(groups[i : i + per_line]) for i in range(0, len(groups), per_line)]
    return "\n".join(lines)


class ExportDialog(QDialog):
    """Emits `export_finished(ExportResult)`."""

    export_finished = Signal(object)

    def __init__(
        self,
        session: CaseSession,
        shown_ids: list[str],
        selected: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.shown_ids, self.selected = session, shown_ids, selected
        self.setWindowTitle(_("Export package"))
        self.setAccessibleName(_("Export package"))
        self.scope = self._combo(
            _("Items in the package"),
            [
                (_("Every item"), "all"),
                (_("The items the list shows ({n})").format(n=len(shown_ids)), "shown"),
                (
                    ngettext(
                        "The selected item ({n})", "The selected items ({n})", len(selected)
                    ).format(n=len(selected)),
                    "selected",
                ),
            ],
        )
        # DESIGN §10: a disclosure carries the working copies of the chosen items, never their
        # originals (whose entries the package then withholds, hashes only).
        self.copies_only = QCheckBox(_("Share redacted copies only (originals withheld)"))
        self.copies_only.setAccessibleName(_("Share redacted copies only"))
        self.protection = self._combo(
            _("Encryption"),
            [
                (_("Encrypt with a passphrase"), PASSPHRASE),
                (_("Encrypt for a recipient's key"), RECIPIENT),
                (_("Do not encrypt (.zip)"), PLAIN),
            ],
        )
        self.secret = line_edit(_("Package passphrase, or the recipient's age1… key"), True)
        # A package passphrase follows the case passphrase rule: typed twice, with a hint.
        self.confirm = line_edit(_("Package passphrase again"), True)
        self.strength = plain_label(_("Passphrase strength"))
        self.secret.textChanged.connect(self.on_secret_changed)
        self.recipient_label = line_edit(_("Who receives it (for the log)"))
        self.path = line_edit(_("Where to save the package"))
        self.following = FollowingPath(
            self.path,
            default_path(case_label(session.reader.info), _("package"), suffix=".zip.age"),
        )
        self.protection.currentIndexChanged.connect(self.on_protection_changed)
        self.message = plain_label(_("Export status"))
        self.fingerprint = plain_label(_("Fingerprint to read out"))
        self.fingerprint.setFont(QFont(MONO_FAMILY, 14))
        self._layout()

    def _combo(self, name: str, choices: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for text, value in choices:
            combo.addItem(text, value)
        return combo

    def _layout(self) -> None:
        buttons, self.start = action_buttons(self, _("Export"), self.on_export_clicked)
        form = QFormLayout(self)
        form.addRow(_("Items"), self.scope)
        form.addRow("", self.copies_only)
        form.addRow(_("Encryption"), self.protection)
        form.addRow(_("Passphrase or key"), self.secret)
        form.addRow(_("Passphrase again"), self.confirm)
        form.addRow("", self.strength)
        form.addRow(_("Recipient"), self.recipient_label)
        form.addRow(
            _("Save as"),
            path_row(self.path, _("Choose…"), _("Choose where to save"), self.on_browse_clicked),
        )
        form.addRow(self.message)
        form.addRow(self.fingerprint)
        form.addRow(buttons)

    def on_browse_clicked(self) -> None:
        # The core never replaces a file, so do not offer to: it would only be refused.
        chosen = choose_file(
            self, _("Save the package as"), self.path.text(), _("Packages (*.zip.age *.zip)"),
            Choose.SAVE,
        )  # fmt: skip
        if chosen:
            self.following.chosen(chosen)

    def on_protection_changed(self) -> None:
        mode = self.protection.currentData()
        self.secret.setEnabled(mode != PLAIN)
        self.confirm.setEnabled(mode == PASSPHRASE)
        self.on_secret_changed(self.secret.text())
        self.secret.setEchoMode(
            QLineEdit.EchoMode.Password if mode == PASSPHRASE else QLineEdit.EchoMode.Normal
        )
        text = self.path.text()
        base = text.removesuffix(".age").removesuffix(".zip")
        self.path.setText(base + (".zip" if mode == PLAIN else ".zip.age"))

    def on_secret_changed(self, text: str) -> None:
        passphrase = self.protection.currentData() == PASSPHRASE
        self.strength.setText(strength_hint(text) if passphrase and text else "")

    def _passphrase_problem(self, secret: str) -> str | None:
        """Why this package passphrase cannot be used, or None."""
        if len(secret) < MIN_PASSPHRASE_LENGTH:
            return strength_hint(secret)
        if self.confirm.text().strip() != secret:
            return _("The two passphrases differ. Type the same passphrase twice.")
        return None

    def _item_ids(self) -> list[str] | None:
        scope = self.scope.currentData()
        return (
            None if scope == "all" else list(self.shown_ids if scope == "shown" else self.selected)
        )

    def on_export_clicked(self) -> None:
        if self.session.busy or self.session.case is None:
            self.message.setText(_("Wait until the current task finishes, then try again."))
            return
        mode, secret = self.protection.currentData(), self.secret.text().strip()
        if mode != PLAIN and not secret:
            self.message.setText(_("Enter the package passphrase or the recipient's key."))
            return
        if mode == PASSPHRASE and (problem := self._passphrase_problem(secret)):
            self.message.setText(problem)
            return
        case, out, ids = self.session.case, Path(self.path.text().strip()), self._item_ids()
        if self.copies_only.isChecked():
            ids = working_copies(self.session.reader.items(), ids)
            if not ids:
                self.message.setText(_("There are no working copies to share."))
                return
        label = self.recipient_label.text().strip()
        passphrase = secret if mode == PASSPHRASE else None
        recipients = [secret] if mode == RECIPIENT else None

        def task(ctx: JobContext) -> ExportResult:
            return export(
                case, out, item_ids=ids, recipient_label=label, encrypt_passphrase=passphrase,
                age_recipients=recipients, progress=ctx.progress, cancelled=ctx.cancelled,
            )  # fmt: skip

        self.start.setEnabled(False)
        self.message.setText(_("Exporting… you can keep working."))
        self.session.run(task, _("Exporting"), self.on_export_succeeded, self.on_export_failed)

    def on_export_succeeded(self, result: ExportResult) -> None:
        self.start.setEnabled(True)
        self.secret.clear()
        self.confirm.clear()
        self.message.setText(
            _(
                "Package written: {path}. {items}, {notes}, {withheld}. "
                "Read these to the recipient:"
            ).format(
                path=display_text(result.path),
                items=items_count(result.items),
                notes=notes_count(result.notes),
                withheld=ngettext(
                    "{n} log entry withheld", "{n} log entries withheld", result.withheld
                ).format(n=result.withheld),
            )
        )
        self.fingerprint.setText(
            _("Your fingerprint:\n{fp}\nPackage custody head:\n{head}").format(
                fp=spaced(result.sender), head=spaced(result.head)
            )
        )
        fit_to_content(self)  # the head to read out must show without resizing
        self.export_finished.emit(result)

    def on_export_failed(self, err: BaseException) -> None:
        self.start.setEnabled(True)
        self.message.setText(error_message(err))
        fit_to_content(self)
