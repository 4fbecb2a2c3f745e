"""Fixtures shared by the core tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.package import olena_case
from vault.case.handle import Case


@pytest.fixture
def investigator(tmp_path: Path, corpus: Path) -> Iterator[Case]:
    """Olena's case: three camera photos, a Ukrainian note and a description."""
    case = olena_case(tmp_path, corpus)
    yield case
    case.close()
