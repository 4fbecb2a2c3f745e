"""Shipped files (fonts, translations, VERIFY templates) are read through `vault.assets`,
so an installed or frozen app finds them as a source checkout does."""

from __future__ import annotations

import re

import pytest

from tests.helpers.case import ROOT
from vault import assets
from vault.errors import MissingResource


def test_shipped_templates_and_catalogues_are_found() -> None:
    assert assets.read_text("verify", "VERIFY.uk.md").startswith("# Як перевірити")
    catalogues = assets.names("locale", "uk", "LC_MESSAGES", suffix=".mo")
    assert {"core.mo", "ui.mo", "report.mo", "package.mo"} <= set(catalogues)
    assert assets.read_bytes("fonts", "DejaVuSans.ttf")[:4] == b"\x00\x01\x00\x00"


def test_a_missing_file_says_the_installation_is_incomplete() -> None:
    with pytest.raises(MissingResource, match=r"resources/fonts/Nope\.ttf is missing"):
        assets.read_bytes("fonts", "Nope.ttf")
    with pytest.raises(MissingResource, match=r"resources/locale/xx is missing"):
        assets.names("locale", "xx", suffix=".mo")


def test_no_module_finds_shipped_files_by_path() -> None:
    # A path built from __file__ works in a checkout and breaks in the wheel and the frozen app.
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("vault", "ui")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if re.search(r"""["']resources["']""", path.read_text(encoding="utf-8"))
        and path != ROOT / "vault" / "assets.py"
    ]
    assert not offenders, f"read shipped files through vault.assets: {offenders}"
