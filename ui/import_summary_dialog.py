"""What an import did: imported, duplicates (stored once, logged again), warnings with
their reasons, files that could not be read, and whether it was cancelled."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QVBoxLayout, QWidget

from ui.text import display_text
from vault.i18n import _
from vault.ingest import ImportResult


def summary_text(result: ImportResult) -> str:
    text = _(
        "{n} items imported, of which {d} were already in the case (stored once, "
        "logged again). {w} warnings. {f} files could not be read."
    ).format(
        n=len(result.imported), d=result.duplicates, w=len(result.warnings), f=len(result.failed)
    )
    if result.cancelled:
        text += " " + _(
            "The import was cancelled: the files listed as imported are safely "
            "in the case; the rest were not imported."
        )
    return text


class ImportSummaryDialog(QDialog):
    def __init__(self, result: ImportResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Import finished"))
        self.setAccessibleName(_("Import summary"))
        self.summary = QLabel(summary_text(result))
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(_("Import summary"))
        self.problems = QListWidget()
        self.problems.setAccessibleName(_("Warnings and failures"))
        for name, warning in result.warnings:
            self.problems.addItem(
                _("Warning: {name}: {reason}").format(
                    name=display_text(name), reason=display_text(warning)
                )
            )
        for path, reason in result.failed:
            self.problems.addItem(
                _("Not imported: {name}: {reason}").format(
                    name=display_text(path), reason=display_text(reason)
                )
            )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        if self.problems.count():
            layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.resize(560, 360 if self.problems.count() else 160)
