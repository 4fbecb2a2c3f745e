"""Settings: the language of the app, after how many idle minutes the case locks, the
time-stamping services the user trusts (DESIGN §8) and the certificate lists for Content
Credentials (DESIGN §9, their own dialog)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.tsa_settings import TsaList
from ui.widgets.dialog_parts import action_buttons
from vault.i18n import _

LANGUAGE_NAMES = {"en": "English", "uk": "Українська"}


def language_combo(name: str, current: str) -> QComboBox:
    """Every language the app ships, each named in itself; `current` chosen."""
    combo = QComboBox()
    combo.setAccessibleName(name)
    for code, language in LANGUAGE_NAMES.items():
        combo.addItem(language, code)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


class SettingsDialog(QDialog):
    """Emits `forget_recent_requested()` when the user asks to forget the remembered case
    paths (done at once, not on Save: it is what they asked for)."""

    forget_recent_requested = Signal()

    def __init__(
        self,
        language: str,
        auto_lock_minutes: int,
        parent: QWidget | None = None,
        *,
        remember_recent: bool = True,
        blur_all: bool = False,
        high_contrast: bool = False,
    ):
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self.setAccessibleName(_("Settings"))
        self.language = language_combo(_("Language"), language)
        self.minutes = QSpinBox()
        self.minutes.setAccessibleName(_("Lock after idle minutes"))
        self.minutes.setRange(1, 240)
        self.minutes.setValue(auto_lock_minutes)
        self.minutes.setSuffix(" " + _("min"))
        self.blur_all = QCheckBox(_("Blur every picture until I reveal it (graphic material)"))
        self.blur_all.setChecked(blur_all)
        self.tsas = TsaList()
        buttons, _save = action_buttons(self, _("Save"), self.accept, cancel=True)
        form = QFormLayout(self)
        self.contrast = QCheckBox(_("High contrast (black on white, strong borders)"))
        self.contrast.setAccessibleName(_("High contrast"))
        self.contrast.setChecked(high_contrast)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Look"), self.contrast)
        form.addRow(_("Lock the case after this long without use"), self.minutes)
        form.addRow("", self.blur_all)
        form.addRow(_("Time-stamping services"), self.tsas)
        self.trust_button = QPushButton(_("Certificate lists…"))
        self.trust_button.setAccessibleName(_("Certificate lists for Content Credentials"))
        self.trust_button.clicked.connect(self.on_trust_lists)
        self.trust_dialog: QDialog | None = None
        form.addRow(_("Content Credentials"), self.trust_button)
        form.addRow(_("Privacy"), self._privacy(remember_recent))
        form.addRow(buttons)

    def on_trust_lists(self) -> None:
        from ui.dialogs.trust_dialog import TrustListsDialog

        self.trust_dialog = TrustListsDialog(self)
        self.trust_dialog.open()

    def _privacy(self, remember_recent: bool) -> QWidget:
        box = QWidget()
        self.remember = QCheckBox(_("Remember the paths of the cases I open (start page)"))
        self.remember.setChecked(remember_recent)
        self.remember.setAccessibleName(_("Remember recent case paths"))
        self.forget = QPushButton(_("Forget all remembered paths"))
        self.forget.setAccessibleName(_("Forget all remembered paths"))
        self.forget.clicked.connect(self.forget_recent_requested.emit)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.remember)
        layout.addWidget(self.forget)
        return box

    def chosen_high_contrast(self) -> bool:
        return self.contrast.isChecked()

    def chosen_remember_recent(self) -> bool:
        return self.remember.isChecked()

    def chosen_language(self) -> str:
        return str(self.language.currentData())

    def chosen_minutes(self) -> int:
        return self.minutes.value()
