"""What an import did: imported, duplicates (stored once, logged again), warnings with
their reasons, files that could not be read, and whether it was cancelled."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QListWidget, QVBoxLayout, QWidget

from ui.widgets.dialog_parts import close_buttons
from ui.widgets.text import display_text, plain_label, warnings_count
from vault.evidence.ingest import ImportResult
from vault.i18n import _, ngettext


def summary_text(result: ImportResult) -> str:
    imported = ngettext("{n} item imported", "{n} items imported", len(result.imported))
    already = ngettext(
        "{d} of them was already in the case (stored once, logged again).",
        "{d} of them were already in the case (stored once, logged again).",
        result.duplicates,
    )
    failed = ngettext(
        "{f} file could not be read.", "{f} files could not be read.", len(result.failed)
    )
    # What did not happen is not said ("0 files could not be read"): the list below is
    # what needs reading.
    parts = [imported.format(n=len(result.imported)) + "."]
    if result.duplicates:
        parts.append(already.format(d=result.duplicates))
    if result.warnings:
        parts.append(warnings_count(len(result.warnings)) + ".")
    if result.failed:
        parts.append(failed.format(f=len(result.failed)))
    text = " ".join(parts)
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
        self.summary = plain_label(_("Import summary"), summary_text(result))
        self.problems = QListWidget()
        self.problems.setAccessibleName(_("Warnings and failures"))
        self.problems.setWordWrap(True)  # a warning is a sentence: it wraps, never scrolls away
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
        buttons = close_buttons(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        if self.problems.count():
            layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.resize(640, 400 if self.problems.count() else 160)
