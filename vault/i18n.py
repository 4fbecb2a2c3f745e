"""Translations with gettext, usable without Qt (core, CLI, reports and the desktop app).

Each area of the app keeps its own catalogue, `resources/locale/<lang>/LC_MESSAGES/<area>.mo`
(core, ui, package, report...); all of a language's catalogues are chained into one.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "resources" / "locale"
LANGUAGES = ("en", "uk")

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """Every catalogue of `language`; English is the source language and needs none."""
    chained = gettext.NullTranslations()
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    for mo in sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.mo")):
        with open(mo, "rb") as f:
            catalogue = gettext.GNUTranslations(f)
        catalogue.add_fallback(chained)
        chained = catalogue
    return chained


def set_language(language: str) -> None:
    """Switch the process-wide language used by `_()`."""
    global _current, _language
    _current, _language = translations(language), language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """Translate `message` into the current language."""
    return _current.gettext(message)
