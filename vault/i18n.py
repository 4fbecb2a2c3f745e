"""Translations with gettext, usable without Qt (core, CLI and reports)."""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "evidence_vault"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "resources" / "locale"
LANGUAGES = ("en", "uk")

_current: gettext.NullTranslations = gettext.NullTranslations()


def translations(language: str) -> gettext.NullTranslations:
    """The catalogue for `language`; English is the source language and needs none."""
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def set_language(language: str) -> None:
    """Switch the process-wide language used by `_()`."""
    global _current
    _current = translations(language)


def _(message: str) -> str:
    """Translate `message` into the current language."""
    return _current.gettext(message)
