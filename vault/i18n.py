"""Translations with gettext, usable without Qt (core, CLI, reports and the desktop app).

Each area of the app keeps its own catalogue, `resources/locale/<lang>/LC_MESSAGES/<area>.mo`
(core, ui, package, report...); all of a language's catalogues are chained into one. They are
read through `vault.assets`, so an installed app finds them as a source checkout does.
"""

from __future__ import annotations

import gettext
import io
from functools import cache

from vault import assets

LANGUAGES = ("en", "uk")

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """Every catalogue of `language`; English is the source language and needs none."""
    chained = gettext.NullTranslations()
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    if language == "en":
        return chained
    folder = ("locale", language, "LC_MESSAGES")
    # A missing folder raises MissingResource: a broken install must not quietly fall back
    # to English.
    for name in assets.names(*folder, suffix=".mo"):
        catalogue = gettext.GNUTranslations(io.BytesIO(assets.read_bytes(*folder, name)))
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


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for `n` in the current language (Ukrainian has three:
    1 день, 2 дні, 5 днів); the caller formats `n` in."""
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for it)
    """Marks `message` for translation where it is defined (a table of names); `_()`
    translates it where it is shown, in the language of that moment."""
    return message
