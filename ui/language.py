"""The app's language, for our strings and Qt's own: `use_language("uk")` switches gettext
(vault.i18n) and installs Qt's bundled `qtbase_uk` translation, so file choosers, message
box buttons and context menus speak the same language as the rest of the app. What
`qtbase_uk` lacks is filled in from our own catalogue (`QtGaps`)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from vault.i18n import N_, _, set_language

# Qt's own strings its Ukrainian catalogue does not have: Qt 6 gave the file chooser's
# labels accelerators ("Look in:" became "&Look in:") and qtbase_uk still carries only the
# old source texts; the file icon provider's "Folder" (the Type column) gained a
# disambiguation. Keyed by (Qt's context, Qt's source text); translated in ui.po.
QT_GAPS: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): N_("&Look in:"),
    ("QFileDialog", "Files of &type:"): N_("Files of &type:"),
    ("QAbstractFileIconProvider", "Folder"): N_("Folder"),
    ("QAbstractFileIconProvider", "Drive"): N_("Drive"),
}

_installed: list[QTranslator] = []


class QtGaps(QTranslator):
    """Answers Qt's `tr()` for the strings of QT_GAPS, in the current gettext language.
    Installed before qtbase_uk, so it is asked only when qtbase_uk has no answer."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        message = QT_GAPS.get((context, source))
        return _(message) if message else ""

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's name)
        return False


def use_language(language: str) -> None:
    """Switch every string the app shows to `language` ("en" or "uk"). Windows and dialogs
    built afterwards use it; MUST be called once a QApplication exists for Qt's part."""
    set_language(language)
    QLocale.setDefault(QLocale(language))
    app = QCoreApplication.instance()
    if app is None:
        return
    while _installed:
        app.removeTranslator(_installed.pop())
    if language == "en":
        return
    gaps = QtGaps(app)
    app.installTranslator(gaps)  # the last asked: Qt asks the latest installed first
    _installed.append(gaps)
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{language}", folder):
        app.installTranslator(translator)
        _installed.append(translator)
