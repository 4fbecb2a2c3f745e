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
