"""Fixtures shared by the package tests (Olena's `investigator` is in tests/core/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.package import PASSPHRASE
from vault.case.handle import Case


@pytest.fixture
def lawyer(tmp_path: Path) -> Iterator[Case]:
    """Mykola's empty case, the one that receives Olena's packages (tmp_path/mykola.evault)."""
    case = Case.create(
        tmp_path / "mykola.evault", PASSPHRASE, title="Prosecution", investigator="M"
    )
    yield case
    case.close()
