"""The app's language, for our strings and Qt's own: `use_language("uk")` switches gettext
(vault.i18n) and installs Qt's bundled `qtbase_uk` translation, so file choosers, message
box buttons and context menus speak the same language as the rest of the app."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from vault.i18n import set_language

_installed: QTranslator | None = None


def use_language(language: str) -> None:
    """Switch every string the app shows to `language` ("en" or "uk"). Windows and dialogs
    built afterwards use it; MUST be called once a QApplication exists for Qt's part."""
    global _installed
    set_language(language)
    QLocale.setDefault(QLocale(language))
    app = QCoreApplication.instance()
    if app is None:
        return
    if _installed is not None:
        app.removeTranslator(_installed)
        _installed = None
    if language == "en":
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{language}", folder):
        app.installTranslator(translator)
        _installed = translator
