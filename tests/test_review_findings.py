"""Defects found in an independent review, each pinned by a test on real cases and packages:
hostile packages give findings (never a crash), and verify-package trusts only what the
signed chains cover."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.package_helpers import (
    investigator,  # noqa: F401 - fixture
    rehash,
)
from vault.case import Case
from vault.cli import main
from vault.package_export import export
from vault.package_verify import verify_package


def rebag(bag: Path) -> None:
    """Make Payload-Oxum and every manifest match the files again (anyone can do this)."""
    files = [p for p in (bag / "data").rglob("*") if p.is_file()]
    oxum = f"Payload-Oxum: {sum(p.stat().st_size for p in files)}.{len(files)}"
    info = (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines()
    lines = [oxum if line.startswith("Payload-Oxum:") else line for line in info]
    (bag / "bag-info.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rehash(bag)


@pytest.fixture
def package(investigator: Case, tmp_path: Path) -> Path:  # noqa: F811
    export(investigator, tmp_path / "pkg")
    return tmp_path / "pkg"


def tampered(package: Path, name: str) -> Path:
    return Path(shutil.copytree(package, package.parent / name))


def refused(bag: Path) -> list[str]:
    """verify-package refuses with findings, and the CLI exits 1 (not a crash)."""
    result = verify_package(bag)
    assert not result.ok
    assert result.findings
    assert main(["verify-package", str(bag)]) == 1
    return [str(f) for f in result.findings]


@pytest.mark.parametrize("depth", [100_000, 600, 900, 990])
def test_deeply_nested_log_line_is_a_finding_not_a_crash(package, depth):
    bag = tampered(package, f"deep-log-{depth}")
    lines = (bag / "data/custody.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["content"]["details"]["title"] = "NESTED"
    text = json.dumps(first).replace('"NESTED"', "[" * depth + "]" * depth)
    (bag / "data/custody.jsonl").write_text("\n".join([text, *lines[1:]]) + "\n")
    rebag(bag)
    refused(bag)


def test_deeply_nested_case_json_is_a_finding_not_a_crash(package):
    bag = tampered(package, "deep-case")
    (bag / "data/case.json").write_text("[" * 100_000, encoding="utf-8")
    rebag(bag)
    refused(bag)
