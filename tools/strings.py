"""List every literal passed to `_()` under vault/ and ui/, with where it is.

`python -m tools.strings` prints them; tests/core/test_translations.py checks that each has a
Ukrainian translation in some catalogue.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("vault", "ui")


def translatable(path: Path) -> Iterator[tuple[str, int]]:
    """(message, line) for every `_("literal")` call in one Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("_", "N_")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value, node.lineno


def plural_pairs(path: Path) -> Iterator[tuple[str, str, int]]:
    """(singular, plural, line) for every `ngettext("one", "many", n)` call in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "ngettext"
            and len(node.args) >= 2
            and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:2])
        ):
            yield node.args[0].value, node.args[1].value, node.lineno  # type: ignore[attr-defined]


def all_plurals() -> dict[tuple[str, str], str]:
    """(singular, plural) -> first place it is used (path:line)."""
    found: dict[tuple[str, str], str] = {}
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for one, many, line in plural_pairs(path):
                found.setdefault((one, many), f"{path.relative_to(ROOT)}:{line}")
    return found


def all_strings() -> dict[str, str]:
    """message -> first place it is used (path:line)."""
    found: dict[str, str] = {}
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for message, line in translatable(path):
                found.setdefault(message, f"{path.relative_to(ROOT)}:{line}")
    return found


if __name__ == "__main__":
    for message, where in all_strings().items():
        sys.stdout.write(f"{where}\t{message!r}\n")
