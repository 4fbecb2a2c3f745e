"""The BagIt conformance suite: invalid bags are refused as bags; valid ones are recognised
as bags that are not evidence packages. (Its `warning` and `windows-only` bags are left out:
the first are ambiguous by design, the second valid names on Linux.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from vault.package.verify import verify_package

SUITE = Path(__file__).resolve().parents[4] / "shared/corpus/bagit-conformance-suite"
INVALID = sorted([*SUITE.glob("*/invalid/*"), *SUITE.glob("*/linux-only/*")])
VALID = sorted(SUITE.glob("*/valid/*"))


@pytest.mark.parametrize("bag", INVALID, ids=lambda p: f"{p.parent.parent.name}-{p.name}")
def test_invalid_bag_is_refused_as_a_bag(bag: Path):
    result = verify_package(bag)
    assert not result.is_bag and not result.ok
    assert result.checks[0] == ("The bag is complete and every checksum matches", False)


@pytest.mark.parametrize("bag", VALID, ids=lambda p: f"{p.parent.parent.name}-{p.name}")
def test_valid_bag_is_recognised_but_not_as_a_package(bag: Path):
    result = verify_package(bag)
    assert result.is_bag and not result.is_package and not result.ok
