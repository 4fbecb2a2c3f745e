"""The core never reaches the desktop app or Qt: no module under vault/ imports `ui`,
`PySide6` or `shiboken6`, at the top or lazily inside a function, and importing all of
vault/ in a fresh interpreter loads none of them."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
FORBIDDEN = {"ui", "PySide6", "shiboken6"}
DYNAMIC_IMPORTS = {"import_module", "__import__"}

# Imports every module of vault/ and reports which forbidden packages that loaded.
IMPORT_ALL_VAULT = """
import importlib, json, pkgutil, sys
import vault
# __main__ is the program itself (it runs the CLI), not a module to import.
modules = pkgutil.walk_packages(vault.__path__, "vault.")
names = [m.name for m in modules if not m.name.endswith(".__main__")]
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in sys.argv[1:])
print(json.dumps({"imported": names, "loaded": loaded}))
"""


def forbidden_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) for every import of a forbidden package anywhere in `source`:
    import statements at any depth, and import_module / __import__ of a literal name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and _called_name(node.func) in DYNAMIC_IMPORTS:
            names = [a.value for a in node.args[:1] if isinstance(a, ast.Constant)]
            names = [n for n in names if isinstance(n, str)]
        else:
            continue
        found += [(node.lineno, n) for n in names if n.split(".")[0] in FORBIDDEN]
    return found


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def test_no_core_module_imports_the_ui_or_qt_even_lazily() -> None:
    files = sorted((ROOT / "vault").rglob("*.py"))
    assert len(files) > 30, "the walk found the core's modules"
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in files
        for line, name in forbidden_imports(path.read_text(encoding="utf-8"))
    ]
    assert offences == []


def test_the_import_check_sees_lazy_and_dynamic_imports() -> None:
    source = (
        "import json\n"
        "def later():\n"
        "    from ui.main_window import MainWindow\n"
        "    import PySide6.QtCore\n"
        "    importlib.import_module('shiboken6')\n"
        "    __import__('ui.app')\n"
        "    from vault.i18n import _\n"
        "    from . import sibling\n"
    )
    assert forbidden_imports(source) == [
        (3, "ui.main_window"),
        (4, "PySide6.QtCore"),
        (5, "shiboken6"),
        (6, "ui.app"),
    ]


def test_importing_every_core_module_loads_no_qt_and_no_ui() -> None:
    # A fresh interpreter: in this one pytest-qt has already loaded PySide6.
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL_VAULT, *sorted(FORBIDDEN)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.splitlines()[-1])
    assert {"vault.errors", "vault.cli.main", "vault.report.generate"} <= set(report["imported"])
    assert report["loaded"] == [], f"vault/ loaded {report['loaded']}"


def test_the_architecture_map_names_every_module() -> None:
    """docs/ARCHITECTURE.md is the map: a module missing from it is a module nobody finds."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    modules = sorted(
        path.relative_to(ROOT).as_posix()
        for package in ("vault", "ui")
        for path in (ROOT / package).rglob("*.py")
        if path.name != "__init__.py" or path.parent.name == "vault"
    )
    missing = [m for m in modules if f"`{m}`" not in text]
    assert missing == [], f"add a line for each to docs/ARCHITECTURE.md: {missing}"
