"""What a receipt signed about each item it brought in, read back from its packed records."""

from __future__ import annotations

from vault.evidence.record import item_records, package_source


def test_a_receipts_records_are_its_lines_the_first_line_of_an_item_counting() -> None:
    lines = [
        {"id": "a", "sha256": "0" * 64, "metadata_sha256": "1" * 64, "unsigned": "x",
         "source": "a line's own claim", "size": 2**80},
        {"id": "a", "sha256": "f" * 64},  # the same item again: the first line counts
        {"id": 5}, "not an object",  # no item
        {"id": "b", "sha256": "2" * 64, "thumbnail_sha256": None},
    ]  # fmt: skip
    receipt = {"action": "package.import", "at": "2026-12-01T10:00:00Z",
               "details": {"package": "p-1", "items": lines}}  # fmt: skip
    shared = {"imported_at": "2026-12-01T10:00:00Z", "method": "package", "package": "p-1",
              "source": package_source("p-1")}  # fmt: skip
    assert dict(item_records(receipt)) == {
        "a": {"sha256": "0" * 64, "metadata_sha256": "1" * 64, "size": 2**80, **shared},
        "b": {"sha256": "2" * 64, "thumbnail_sha256": None, **shared},
    }
