"""One term per concept: no Ukrainian translation uses a variant docs/GLOSSARY.md rejects."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
GLOSSARY = ROOT / "docs" / "GLOSSARY.md"
CATALOGUES = sorted((ROOT / "resources" / "locale" / "uk" / "LC_MESSAGES").glob("*.po"))


def rejected_variants() -> list[str]:
    """The regular expressions of the glossary's Not column."""
    patterns = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = re.split(r"(?<!\\)\|", line)  # a pattern's own "|" is written "\|"
        if len(cells) == 5 and "`" in cells[3]:
            patterns += [p.replace("\\|", "|") for p in re.findall(r"`([^`]+)`", cells[3])]
    return patterns


def translations() -> list[tuple[str, str]]:
    """(catalogue, msgstr line) for every translated line."""
    return [
        (po.name, line)
        for po in CATALOGUES
        for line in po.read_text(encoding="utf-8").splitlines()
        if line.startswith("msgstr")
    ]


def test_the_glossary_rejects_the_variants_it_was_made_for():
    patterns = rejected_variants()
    assert len(patterns) >= 10 and "хеш" in patterns and "вершин" in patterns


def test_no_translation_uses_a_rejected_variant():
    lines = translations()
    assert len(lines) > 500
    found = [
        f"{po}: {line} (not {pattern!r})"
        for pattern in rejected_variants()
        for po, line in lines
        if re.search(pattern, line, re.MULTILINE)
    ]
    assert not found, "see docs/GLOSSARY.md:\n" + "\n".join(found)
