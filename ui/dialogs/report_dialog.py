"""Report: language, which items, where to save; it runs in the background (progress and
Cancel in the window's strip) and opens the PDF when done."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QFormLayout, QWidget

from ui.dialogs.settings_dialog import language_combo
from ui.errors import error_message
from ui.jobs.session import CaseSession
from ui.jobs.worker import JobContext
from ui.widgets.dialog_parts import action_buttons, fit_to_content, line_edit, path_row
from ui.widgets.paths import FollowingPath, case_label, default_path
from ui.widgets.text import display_text, plain_label
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

    def _default_path(self) -> Path:
        language = str(self.language.currentData())
        label = case_label(self.session.reader.info)
        return default_path(label, _("report"), language, suffix=".pdf")

    def on_browse_clicked(self) -> None:
        # The core never replaces a file, so do not offer to: it would only be refused.
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save the report as"), self.path.text(), _("PDF files (*.pdf)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )  # fmt: skip
        if chosen:
            self.following.chosen(chosen)

    def on_generate_clicked(self) -> None:
        if self.session.busy or self.session.case is None:
            self.message.setText(_("Wait until the current task finishes, then try again."))
            return
        case, out = self.session.case, Path(self.path.text().strip()).expanduser()
        language = str(self.language.currentData())
        item_ids = list(self.shown_ids) if self.scope.currentData() == "shown" else None

        def task(ctx: JobContext) -> ReportResult:
            return generate_report(
                case, out, language=language, item_ids=item_ids,
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
        )
        fit_to_content(self)
        if self.open_pdf:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.path)))
        self.report_finished.emit(result)

    def on_report_failed(self, err: BaseException) -> None:
        self.generate.setEnabled(True)
        self.message.setText(error_message(err))
        fit_to_content(self)
