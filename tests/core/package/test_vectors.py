"""The independent vectors of ../shared/vectors: the good one verifies, the bad ones do not."""

from __future__ import annotations

from pathlib import Path

from vault.cli.main import main
from vault.package.verify import verify_package


def test_independent_good_package_verifies(vectors: Path):
    result = verify_package(vectors / "package-good")
    assert result.ok, result.findings
    assert (result.items, result.notes, result.sender_name) == (3, 1, "Investigator A")
    warnings = [f.reason for f in result.findings if f.level == "warning"]
    assert len(warnings) == 1 and "older package form" in warnings[0]
    assert "data/VERIFY.md" in warnings[0] and "bag-info.txt" in warnings[0]
    assert main(["verify-package", str(vectors / "package-good")]) == 0


def test_changed_original_with_rewritten_manifests_is_refused(vectors: Path):
    result = verify_package(vectors / "package-bad-original")
    assert not result.ok and result.is_bag
    assert any("Apple iPhone 4.jpg" in str(f) for f in result.findings)
    assert main(["verify-package", str(vectors / "package-bad-original")]) == 1


def test_changed_withheld_hash_is_refused(vectors: Path):
    result = verify_package(vectors / "package-bad-withheld-hash")
    assert [(f.seq, f.reason) for f in result.findings if f.level == "error"] == [
        (4, "entry hash does not match its contents")
    ]
