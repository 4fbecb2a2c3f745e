"""Settings: the language of the app and after how many idle minutes the case locks."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox, QWidget

from vault.i18n import _

LANGUAGE_NAMES = {"en": "English", "uk": "Українська"}


class SettingsDialog(QDialog):
    def __init__(self, language: str, auto_lock_minutes: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self.setAccessibleName(_("Settings"))
        self.language = QComboBox()
        self.language.setAccessibleName(_("Language"))
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(language)))
        self.minutes = QSpinBox()
        self.minutes.setAccessibleName(_("Lock after idle minutes"))
        self.minutes.setRange(1, 240)
        self.minutes.setValue(auto_lock_minutes)
        self.minutes.setSuffix(" " + _("min"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Lock the case after this long without use"), self.minutes)
        form.addRow(buttons)

    def chosen_language(self) -> str:
        return str(self.language.currentData())

    def chosen_minutes(self) -> int:
        return self.minutes.value()
