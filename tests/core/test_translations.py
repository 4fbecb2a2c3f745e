"""English and Ukrainian ship: every user-facing string has a Ukrainian translation."""

from __future__ import annotations

import gettext
import subprocess
from pathlib import Path

from tools.strings import all_plurals, all_strings
from vault.i18n import translations

LOCALE_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "locale"


def test_every_user_facing_string_is_translated_into_ukrainian():
    uk = translations("uk")
    missing = [
        f"{where}: {msg!r}" for msg, where in all_strings().items() if uk.gettext(msg) == msg
    ]
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_every_counted_string_has_all_three_ukrainian_forms():
    uk = translations("uk")
    missing = [
        f"{where}: {one!r}"
        for (one, many), where in all_plurals().items()
        if {uk.ngettext(one, many, n) for n in (1, 2, 5)} & {one, many}
    ]
    assert not missing, "untranslated plurals:\n" + "\n".join(missing)


def test_one_english_string_has_one_translation_in_every_catalogue():
    """The catalogues are chained: the same English string translated two ways in two
    catalogues would show one of them in the wrong place (a report's 'Summary')."""
    translated: dict[str, dict[str, str]] = {}
    for po in sorted(LOCALE_DIR.glob("uk/LC_MESSAGES/*.mo")):
        with po.open("rb") as file:
            for msgid, msgstr in gettext.GNUTranslations(file)._catalog.items():  # type: ignore[attr-defined]
                if msgid:
                    translated.setdefault(str(msgid), {})[po.stem] = str(msgstr)
    clashes = {m: t for m, t in translated.items() if len(set(t.values())) > 1}
    assert not clashes, clashes


def test_compiled_catalogues_match_their_sources(tmp_path):
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        fresh = tmp_path / po.with_suffix(".mo").name
        subprocess.run(["msgfmt", "--check", "-o", fresh, po], check=True)
        assert fresh.read_bytes() == po.with_suffix(".mo").read_bytes(), (
            f"run `make translations` ({po.name})"
        )


def test_placeholders_survive_translation():
    uk = translations("uk")
    for msg in all_strings():
        for name in ("{n}", "{name}", "{path}", "{id}", "{fp}", "{e}"):
            if name in msg:
                assert name in uk.gettext(msg), msg
