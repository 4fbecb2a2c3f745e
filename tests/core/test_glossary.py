"""One term per concept: no Ukrainian text the app ships (translations, VERIFY.uk.md, the
Ukrainian sentences written in the code) uses a variant docs/GLOSSARY.md rejects."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
GLOSSARY = ROOT / "docs" / "GLOSSARY.md"
CATALOGUES = sorted((ROOT / "resources" / "locale" / "uk" / "LC_MESSAGES").glob("*.po"))
CYRILLIC = re.compile(r"[а-яіїєґА-ЯІЇЄҐ]")


def rejected_variants() -> list[str]:
    """The regular expressions of the glossary's Not column."""
    patterns = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = re.split(r"(?<!\\)\|", line)  # a pattern's own "|" is written "\|"
        if len(cells) == 5 and "`" in cells[3]:
            patterns += [p.replace("\\|", "|") for p in re.findall(r"`([^`]+)`", cells[3])]
    return patterns


def msgstrs(po: Path) -> list[str]:
    """Every translation of a catalogue as one line `msgstr "..."`, a translation written
    over several lines joined (the Not patterns may anchor on that form)."""
    found: list[str] = []
    inside = False
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgstr"):
            found.append(line)
            inside = True
        elif inside and line.startswith('"'):
            found[-1] = found[-1][:-1] + line[1:] if found[-1].endswith('"') else found[-1] + line
        else:
            inside = False
    return [re.sub(r'^(msgstr(\[\d+\])? )""(?=.)', r"\1", text) for text in found]


def translations() -> list[tuple[str, str]]:
    """(catalogue, msgstr) for every translation."""
    return [(po.name, text) for po in CATALOGUES for text in msgstrs(po)]


def ukrainian_documents() -> list[tuple[str, str]]:
    """(file, line) for every line of the shipped Ukrainian documents (VERIFY.uk.md)."""
    return [
        (str(doc.relative_to(ROOT)), line)
        for doc in sorted((ROOT / "resources").rglob("*.uk.*"))
        for line in doc.read_text(encoding="utf-8").splitlines()
    ]


def ukrainian_in_code() -> list[tuple[str, str]]:
    """(file, literal) for every Ukrainian string literal in vault/ and ui/ (the sentences
    VERIFY.md sections write in both languages); docstrings are not shown to anyone."""
    found = []
    for source in sorted([*(ROOT / "vault").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        found += [
            (str(source.relative_to(ROOT)), node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and CYRILLIC.search(node.value)
            and id(node) not in docstrings
        ]
    return found


def uses_of_rejected(texts: list[tuple[str, str]]) -> list[str]:
    return [
        f"{where}: {text} (not {pattern!r})"
        for pattern in rejected_variants()
        for where, text in texts
        if re.search(pattern, text, re.MULTILINE)
    ]


def test_the_glossary_rejects_the_variants_it_was_made_for():
    patterns = rejected_variants()
    assert len(patterns) >= 10 and "хеш" in patterns and "вершин" in patterns


def test_no_translation_uses_a_rejected_variant():
    lines = translations()
    assert len(lines) > 500
    found = uses_of_rejected(lines)
    assert not found, "see docs/GLOSSARY.md:\n" + "\n".join(found)


def test_a_translation_over_several_lines_is_read_whole():
    joined = [text for _po, text in translations() if "\n" not in text and len(text) > 200]
    assert joined, "long translations are wrapped over lines in the catalogues"


def test_the_shipped_ukrainian_documents_and_sentences_use_the_glossary_terms():
    documents, code = ukrainian_documents(), ukrainian_in_code()
    assert any(where == "resources/verify/VERIFY.uk.md" for where, _line in documents)
    assert any(where == "vault/package/anchors.py" for where, _text in code)
    found = uses_of_rejected(documents + code)
    assert not found, "see docs/GLOSSARY.md:\n" + "\n".join(found)


def test_verify_uk_says_hash_and_item_as_the_glossary_does():
    text = (ROOT / "resources" / "verify" / "VERIFY.uk.md").read_text(encoding="utf-8")
    assert "геш" in text and "доказ" in text
