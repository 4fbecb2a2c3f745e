"""The wheel built from the project works once installed: fonts, translations and VERIFY
templates travel inside it, and nothing is read from the source tree.

The wheel is built from a copy of the sources, installed into a fresh virtualenv (with the
locked dependency versions), and `evidence-vault` runs from a folder outside the project
with no PYTHONPATH, as on an investigator's laptop.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.helpers.case import PASSPHRASE, ROOT

pytestmark = pytest.mark.slow

# What a wheel must carry besides code; each was missing before resources became package data.
SHIPPED = (
    "resources/fonts/DejaVuSans.ttf",
    "resources/fonts/LICENSE-DejaVu.txt",
    "resources/locale/uk/LC_MESSAGES/core.mo",
    "resources/locale/uk/LC_MESSAGES/report.mo",
    "resources/verify/VERIFY.uk.md",
)
SOURCES = ("vault", "ui", "resources", "pyproject.toml", "README.md")


def _run(argv: list[str | Path], **kw: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, stdin=subprocess.DEVNULL,
        timeout=600, check=False, **kw,
    )  # fmt: skip
    assert proc.returncode == 0, f"{argv}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built by pip from a clean copy of the sources."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", out, src])
    (built,) = out.glob("evidence_vault-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel and its locked dependencies; returns its bin/."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    pip = [bin_dir / "python", "-m", "pip", "install", "-q"]
    _run([*pip, "-c", ROOT / "requirements.lock", wheel])
    return bin_dir


def _user_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(HOME=str(home), EVIDENCE_VAULT_PASSPHRASE=PASSPHRASE)
    return env


def test_wheel_carries_fonts_translations_and_templates(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [name for name in SHIPPED if name not in names]
    assert not missing, f"the wheel lacks {missing}"
    assert not [n for n in names if n.endswith(".po")], "catalogue sources are not shipped"


def test_every_file_under_resources_ships_in_the_wheel(wheel: Path) -> None:
    # A file added to resources/ later (a trust list, a new catalogue) must not need a new rule.
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    committed = subprocess.run(
        ["git", "ls-files", "resources"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    expected = {name for name in committed if not name.endswith(".po")}
    assert expected and expected <= names, f"not in the wheel: {sorted(expected - names)}"


def test_installed_app_imports_nothing_from_the_source_tree(
    installed: Path, tmp_path: Path
) -> None:
    code = "import resources, vault; print(vault.__file__); print(resources.__file__)"
    proc = _run([installed / "python", "-c", code], cwd=tmp_path, env=_user_env(tmp_path))
    for line in proc.stdout.splitlines():
        assert Path(line).is_relative_to(installed.parent), line


def test_installed_app_makes_a_case_a_ukrainian_report_and_a_package(
    installed: Path, tmp_path: Path, corpus: Path
) -> None:
    app, env = installed / "evidence-vault", _user_env(tmp_path)

    def cli(*args: str | Path) -> str:
        return _run([app, *args], cwd=tmp_path, env=env).stdout

    cli("init", "case.evault", "--title", "Ізюм — ліс", "--investigator", "Olena K.")
    cli("import", "case.evault", corpus / "camera" / "Canon_40D.jpg", "--source", "SD card")
    cli("report", "case.evault", "report.pdf", "--lang", "uk")
    text = _run(["pdftotext", "-layout", tmp_path / "report.pdf", "-"]).stdout
    assert "Звіт про докази" in text and "Ізюм — ліс" in text and "Canon_40D.jpg" in text
    cli("export", "case.evault", "package.zip")
    with zipfile.ZipFile(tmp_path / "package.zip") as package:
        verify_md = next(n for n in package.namelist() if n.endswith("data/VERIFY.md"))
        instructions = package.read(verify_md).decode("utf-8")
    assert "How to verify this evidence package by hand" in instructions
    assert "Як перевірити цей пакет доказів вручну" in instructions
    assert "✓" in cli("verify-package", "package.zip")
