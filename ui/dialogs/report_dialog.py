"""Report: language, which items, how it is signed, where to save; it runs in the background
(progress and Cancel in the window's strip) and opens the PDF when done. With a time-stamping
service configured the signature is PAdES B-T (a token from that service, asked for only when
the user makes the report), else B-B; the dialog says which it did."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QWidget

from ui.dialogs.settings_dialog import language_combo
from ui.errors import error_message
from ui.jobs.session import CaseSession
from ui.jobs.worker import JobContext
from ui.widgets.dialog_parts import action_buttons, fit_to_content, line_edit, path_row
from ui.widgets.paths import Choose, FollowingPath, case_label, choose_file, default_path
from ui.widgets.text import display_text, plain_label
from vault.custody.tsa import list_tsas, report_tsa
from vault.errors import VaultError
from vault.i18n import _, current_language, ngettext
from vault.report.generate import ReportResult, generate_report


class ReportDialog(QDialog):
    """Emits `report_finished(ReportResult)`. `shown_ids` are the items the list shows."""

    report_finished = Signal(object)
    open_pdf = True  # tests switch this off: no viewer is launched offscreen

    def __init__(self, session: CaseSession, shown_ids: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.shown_ids = shown_ids
        self.setWindowTitle(_("Report"))
        self.setAccessibleName(_("Report"))
        self.language = language_combo(_("Report language"), current_language())
        self.scope = QComboBox()
        self.scope.setAccessibleName(_("Items in the report"))
        self.scope.addItem(_("Every item in the case"), "all")
        self.scope.addItem(
            _("Only the items the list shows ({n})").format(n=len(shown_ids)), "shown"
        )
        self.signing = self._signing_combo()
        self.tsa_name: str | None = None
        self.path = line_edit(_("Where to save the report"))
        self.following = FollowingPath(self.path, self._default_path())
        self.language.currentIndexChanged.connect(
            lambda: self.following.follow(self._default_path())
        )
        self.message = plain_label(_("Report status"))
        self._layout()

    def _layout(self) -> None:
        row = path_row(self.path, _("Choose…"), _("Choose where to save"), self.on_browse_clicked)
        buttons, self.generate = action_buttons(
            self, _("Make the report"), self.on_generate_clicked
        )
        form = QFormLayout(self)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Items"), self.scope)
        form.addRow(_("Signature"), self.signing)
        form.addRow(_("Save as"), row)
        form.addRow(
            plain_label(
                text=_(
                    "The report includes the custody log and thumbnails; making it "
                    "verifies the case and is itself logged."
                )
            )
        )
        form.addRow(self.message)
        form.addRow(buttons)

    def _signing_combo(self) -> QComboBox:
        """Each configured time-stamping service (B-T, the first chosen, as the CLI does),
        then a signature without a time-stamp (B-B)."""
        combo = QComboBox()
        combo.setAccessibleName(_("How the report is signed"))
        try:
            services = list_tsas()
        except VaultError:
            services = []  # a damaged list: Settings says so; the report is still signed B-B
        for tsa in services:
            text = _("Time-stamped by {name} (PAdES B-T)").format(name=display_text(tsa.name))
            combo.addItem(text, tsa.name)
        combo.addItem(_("Without a time-stamp (PAdES B-B)"), None)
        return combo

    def _default_path(self) -> Path:
        language = str(self.language.currentData())
        label = case_label(self.session.reader.info)
        return default_path(label, _("report"), language, suffix=".pdf")

    def on_browse_clicked(self) -> None:
        # The core never replaces a file, so do not offer to: it would only be refused.
        chosen = choose_file(
            self, _("Save the report as"), self.path.text(), _("PDF files (*.pdf)"), Choose.SAVE
        )
        if chosen:
            self.following.chosen(chosen)

    def on_generate_clicked(self) -> None:
        if self.session.busy or self.session.case is None:
            self.message.setText(_("Wait until the current task finishes, then try again."))
            return
        case, out = self.session.case, Path(self.path.text().strip()).expanduser()
        language = str(self.language.currentData())
        item_ids = list(self.shown_ids) if self.scope.currentData() == "shown" else None
        service = self.signing.currentData()
        try:
            tsa = report_tsa(service, timestamp=service is not None)
        except VaultError as err:  # removed in Settings since the dialog opened
            self.message.setText(error_message(err))
            return
        self.tsa_name = tsa.name if tsa is not None else None

        def task(ctx: JobContext) -> ReportResult:
            return generate_report(
                case, out, language=language, item_ids=item_ids, tsa=tsa,
                progress=ctx.progress, cancelled=ctx.cancelled,
            )  # fmt: skip

        self.generate.setEnabled(False)
        self.message.setText(_("Making the report… you can keep working."))
        self.session.run(
            task, _("Making the report"), self.on_report_succeeded, self.on_report_failed
        )

    def on_report_succeeded(self, result: ReportResult) -> None:
        self.generate.setEnabled(True)
        verdict = _("custody verified") if result.verified else _("custody did NOT verify")
        self.message.setText(
            _("Report written: {path} ({pages}, {verdict}). SHA-256 {sha}").format(
                path=display_text(result.path),
                pages=ngettext("{n} page", "{n} pages", result.pages).format(n=result.pages),
                verdict=verdict,
                sha=result.sha256,
            )
            + "\n"
            + self._signed_as(result)
        )
        fit_to_content(self)
        if self.open_pdf:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.path)))
        self.report_finished.emit(result)

    def _signed_as(self, result: ReportResult) -> str:
        if result.signature == "PAdES-B-T":
            return _("Signed PAdES B-T: the signature carries a time-stamp from {name}.").format(
                name=display_text(self.tsa_name or "")
            )
        return _("Signed PAdES B-B: the signature carries no time-stamp.")

    def on_report_failed(self, err: BaseException) -> None:
        self.generate.setEnabled(True)
        self.message.setText(error_message(err))
        fit_to_content(self)
