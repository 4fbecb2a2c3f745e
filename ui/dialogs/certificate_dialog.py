"""Case › Report certificate: the ECDSA P-256 certificate that signs the investigator's
reports (DESIGN §7), and importing the organisation's one from a PKCS#12 file. The import is
the CLI's `certificate --import` core call (`import_certificate`), run as a job: one signed
`identity.certificate` entry, the private key kept only inside the case file."""

from __future__ import annotations

from pathlib import Path

from cryptography.x509.oid import NameOID
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QVBoxLayout, QWidget

from ui.errors import error_message
from ui.jobs.session import CaseSession
from ui.jobs.worker import JobContext
from ui.widgets.dialog_parts import (
    DIALOG_MIN_WIDTH,
    action_buttons,
    fit_to_content,
    line_edit,
    path_row,
)
from ui.widgets.paths import choose_into
from ui.widgets.text import display_text, plain_label
from vault.case.certificate import ReportKey, import_certificate, read_pkcs12
from vault.i18n import _


def _holder(key: ReportKey) -> str:
    """Whom the certificate names: its common name, else its whole subject."""
    names = key.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else key.certificate.subject.rfc4514_string()


class CertificateDialog(QDialog):
    """Emits `certificate_imported(ReportKey)` once the organisation's certificate is
    recorded."""

    certificate_imported = Signal(object)

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Report certificate"))
        self.setAccessibleName(_("Report certificate"))
        self.current = plain_label(_("The certificate that signs your reports"))
        self.path = line_edit(_("PKCS#12 file"))
        self.passphrase = line_edit(_("Passphrase of the PKCS#12 file"), secret=True)
        self.message = plain_label(_("Import status"))
        row = path_row(self.path, _("Choose…"), _("Choose the PKCS#12 file"), self.on_browse)
        buttons, self.import_button = action_buttons(
            self, _("Import the certificate"), self.on_import_clicked
        )
        # Wrapped sentences in a plain column: a form row squeezes them until they overlap.
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addWidget(plain_label(text=_(
            "To sign with your organisation's certificate instead, choose its PKCS#12 file "
            "(.p12 or .pfx). It must hold an ECDSA P-256 key: common PDF readers do not "
            "check Ed25519 signatures. The certificate is recorded in the custody log, signed "
            "with your custody key, and its private key is kept only inside this case file."
        )))  # fmt: skip
        form = QFormLayout()
        form.addRow(_("PKCS#12 file"), row)
        form.addRow(_("Its passphrase"), self.passphrase)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(DIALOG_MIN_WIDTH + 80)
        self.show_current()

    def show_current(self) -> None:
        key = self.session.reader.report_certificate() if self.session.case else None
        if key is None:
            self.current.setText(_(
                "No report certificate yet: one is issued for you (self-signed, bound to "
                "your custody key) when you make your first report."
            ))  # fmt: skip
            return
        self.current.setText(
            _("Your reports are signed with {subject}, SHA-256 {sha} (custody entry {seq}).")
            .format(subject=display_text(_holder(key)), sha=key.sha256, seq=key.seq)
        )  # fmt: skip

    def on_browse(self) -> None:
        choose_into(self.path, self, _("Choose the PKCS#12 file"),
                    _("PKCS#12 files (*.p12 *.pfx)"), self.path.text())  # fmt: skip

    def on_import_clicked(self) -> None:
        if self.session.busy or self.session.case is None:
            self.message.setText(_("Wait until the current task finishes, then try again."))
            return
        if not self.path.text().strip():
            self.message.setText(_("Choose the PKCS#12 file first."))
            return
        case, path = self.session.case, Path(self.path.text().strip()).expanduser()
        secret = self.passphrase.text() or None

        def task(_ctx: JobContext) -> ReportKey:
            return import_certificate(case, read_pkcs12(path), secret)

        self.import_button.setEnabled(False)
        self.message.setText(_("Importing the certificate…"))
        self.session.run(
            task, _("Importing the certificate"), self.on_imported, self.on_import_failed
        )

    def on_imported(self, key: ReportKey) -> None:
        self.import_button.setEnabled(True)
        self.passphrase.clear()
        self.message.setText(_("Recorded: your next reports are signed with this certificate."))
        self.show_current()
        fit_to_content(self)
        self.certificate_imported.emit(key)

    def on_import_failed(self, err: BaseException) -> None:
        self.import_button.setEnabled(True)
        self.message.setText(error_message(err))
        fit_to_content(self)
