"""Receiving a big package costs memory in proportion to little per item (issue 17: under
150 MB at 20,000 items). Measured with tracemalloc, the Python heap's peak, not a timing:
the cost of 4N items less that of N, per item, stays under a small budget."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from tests.helpers.package import PASSPHRASE
from vault.case.handle import Case
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.evidence.notes import describe_item
from vault.package.export import export
from vault.package.read import _folder_members
from vault.package.receive import receive
from vault.package.verify import verify_package
from vault.text import text_lines, utf8_lines

SMALL = 40
# Bytes of Python heap per received item at the peak. Holding the sender's log three times
# over (its bytes, decoded, and as a list of lines), copying it whole to check its signed
# digest and keeping every parsed entry through the import cost 13 KB an item; read line
# by line and let go of once kept, under 4 KB; with verify-package's own savings (below),
# 1.7 KB: receiving costs no more heap per item than verifying.
PER_ITEM = 2_500
# verify-package alone, at its peak: holding the log, case.json and the manifests as read
# and every parsed entry of the log cost 3.7 KB an item here; with the kept files
# compressed as they stream by and the log's item.imports only indexed, 1.7 KB.
VERIFY_PER_ITEM = 2_500


def _package(folder: Path, items: int) -> Path:
    evidence = folder / "in"
    evidence.mkdir(parents=True)
    for n in range(items):
        (evidence / f"note-{n:05}.txt").write_text(f"Witness statement {n}\n" * 8)
    with Case.create(folder / "sender.evault", PASSPHRASE, title="Sender", investigator="S") as c:
        import_paths(c, [evidence])
        export(c, folder / "pkg")
    return folder / "pkg"


def _receive_peak(folder: Path, package: Path) -> int:
    """The heap's peak while `package` is received into a new case (modules loaded first)."""
    folder.mkdir(exist_ok=True)
    with Case.create(folder / "receiver.evault", PASSPHRASE, title="R", investigator="R") as c:
        tracemalloc.start()
        try:
            result = receive(c, package)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert result.items == len(list((package / "data" / "originals").iterdir()))
    return peak


def test_receiving_four_times_the_items_costs_little_memory_per_item(tmp_path: Path) -> None:
    small = _package(tmp_path / "small", SMALL)
    large = _package(tmp_path / "large", 4 * SMALL)
    _receive_peak(tmp_path / "warm-up", small)  # loads every module receive uses
    # The least of two: the first may grow a table the whole process shares (the one
    # `sys.intern` keeps), once, whenever it fills; no cost of the items received.
    peaks = {size: min(_receive_peak(tmp_path / f"{size}-{n}", package) for n in range(2))
             for size, package in (("large", large), ("small", small))}  # fmt: skip
    grown = peaks["large"] - peaks["small"]
    assert grown / (3 * SMALL) < PER_ITEM


def _verify_peak(package: Path) -> int:
    tracemalloc.start()
    try:
        assert verify_package(package).ok
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_verifying_four_times_the_items_costs_little_memory_per_item(tmp_path: Path) -> None:
    small = _package(tmp_path / "small", SMALL)
    large = _package(tmp_path / "large", 4 * SMALL)
    _verify_peak(small)  # loads every module verify-package uses
    grown = min(_verify_peak(large) for _ in range(2)) - min(_verify_peak(small) for _ in range(2))
    print(f"verify-package: {grown / (3 * SMALL):.0f} bytes per item")
    assert grown / (3 * SMALL) < VERIFY_PER_ITEM


@pytest.mark.parametrize(
    "log",
    [b"", b"\n", b"a", b"a\n", b"a\n\n", b"a\r\nb\r\n", b"\r", b"\r\n\r",
     b"\xe2\x82\nx\xff\r\n",  # a sequence cut by a line break; a byte that is no UTF-8
     "Свідок\u2028x\u0085y\n".encode()],  # separators that are no line break in a log
)  # fmt: skip
def test_a_log_read_line_by_line_reads_as_it_would_whole(log: bytes) -> None:
    assert list(utf8_lines(log)) == text_lines(log.decode("utf-8", "replace"))


def test_a_folder_is_read_in_the_order_its_paths_sort(tmp_path: Path) -> None:
    """Names, not Path objects, are sorted (a Path costs a kilobyte): in the same order."""
    for name in ["a-b/c", "a/b/c.txt", "a b", "a/b-c", "a/b0", "a.b", "Z", "é/x", "a/b c/d"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    read = [(name, data(1 << 20)) for name, _size, data in _folder_members(tmp_path)]
    paths = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert [name for name, _data in read] == [p.relative_to(tmp_path).as_posix() for p in paths]
    assert [data for _name, data in read] == [p.read_bytes() for p in paths]


def test_a_description_shaped_like_an_item_record_is_checked_whole(tmp_path: Path) -> None:
    """Verify drops each item record's unsigned `metadata` from case.json as it parses it;
    a signed description that happens to hold an item record's fields keeps all of its own."""
    evidence = tmp_path / "in"
    evidence.mkdir()
    (evidence / "statement.txt").write_text("Witness statement\n")
    shaped = {"id": "x", "path": "data/originals/x/y", "sha256": "0" * 64,
              "original_name": "y", "metadata": "kept"}  # fmt: skip
    with Case.create(tmp_path / "s.evault", PASSPHRASE, title="Sender", investigator="S") as c:
        import_paths(c, [evidence])
        describe_item(c, list_items(c.conn)[0].id, shaped)
        export(c, tmp_path / "pkg")
    verification = verify_package(tmp_path / "pkg")
    assert verification.ok, verification.findings
    assert verification.contents is not None
    assert verification.contents.doc["items"][0]["description"] == shaped
