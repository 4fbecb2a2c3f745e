"""A folder package's files are made on a second thread (vault/package/filesink.py) while
the export reads and hashes the next items: the files are the same bytes, in full, and a
cancelled or failed export leaves no package, no temporary folder and no export entry."""

from __future__ import annotations

import json
import os
import resource
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import vault.package.export as exporting
from tests.helpers.case import new_case
from tests.helpers.package import received_case
from tests.helpers.tamper import tamper
from vault.case.handle import Case
from vault.errors import Cancelled, VaultError
from vault.evidence.blobstore import blob_chunks, small_blobs
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.evidence.notes import describe_item
from vault.package.export import export
from vault.package.filesink import BATCH_BYTES, FileSink
from vault.package.signed import CUSTODY
from vault.package.verify import verify_package

BIG = 2 * (1 << 20) + 12345  # three pieces of the blob store's 1 MiB chunks


@pytest.fixture
def mixed_case(tmp_path: Path) -> Iterator[Case]:
    """Small notes, an empty file, and one file larger than a chunk."""
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(40):
        (folder / f"note-{n:02}.txt").write_text(f"Witness {n}: the school roof.\n")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "video.bin").write_bytes(os.urandom(BIG))
    case = new_case(tmp_path)
    import_paths(case, [folder], source="folder test")
    yield case
    case.close()


def _exports(case: Case) -> int:
    rows = case.conn.execute("SELECT count(*) FROM custody WHERE action = 'package.export'")
    return int(rows.fetchone()[0])


def test_a_folder_package_holds_the_same_bytes_as_the_zip_of_the_same_case(mixed_case, tmp_path):
    export(mixed_case, tmp_path / "pkg")
    export(mixed_case, tmp_path / "pkg.zip")
    assert verify_package(tmp_path / "pkg").ok
    with zipfile.ZipFile(tmp_path / "pkg.zip") as zipped:
        members = {n for n in zipped.namelist() if n.startswith("data/originals/")}
        files = [p for p in (tmp_path / "pkg/data/originals").rglob("*") if p.is_file()]
        written = {p.relative_to(tmp_path / "pkg").as_posix() for p in files}
        assert written == members and len(written) == 42
        for name in members:
            assert (tmp_path / "pkg" / name).read_bytes() == zipped.read(name), name
    sizes = sorted(p.stat().st_size for p in (tmp_path / "pkg/data/originals").rglob("*.*"))
    assert sizes[0] == 0 and sizes[-1] == BIG


def test_a_folder_package_writes_its_log_as_the_zip_writes_it(mixed_case, tmp_path):
    """The folder's custody.jsonl is spooled straight into its file, the zip's in memory:
    the same entries either way (the zip, made second, has the folder's export entry too,
    read back from the case rather than as it was just made: the same JSON)."""
    export(mixed_case, tmp_path / "pkg")
    export(mixed_case, tmp_path / "pkg.zip")
    folder_log = (tmp_path / "pkg/data/custody.jsonl").read_text("utf-8").splitlines()
    with zipfile.ZipFile(tmp_path / "pkg.zip") as zipped:
        zip_log = zipped.read("data/custody.jsonl").decode("utf-8").splitlines()
    assert zip_log[: len(folder_log) - 1] == folder_log[:-1]  # byte for byte
    assert [json.loads(line) for line in zip_log[:-1]] == [json.loads(n) for n in folder_log]
    assert [p.name for p in (tmp_path / "pkg").iterdir() if p.name.startswith(".")] == []


def test_an_export_cancelled_midway_leaves_no_package_and_no_entry(mixed_case, tmp_path):
    asked = 0

    def cancelled() -> bool:  # the user presses Cancel while the 30th original is read
        nonlocal asked
        asked += 1
        return asked >= 30

    with pytest.raises(Cancelled):
        export(mixed_case, tmp_path / "pkg", cancelled=cancelled)
    assert asked == 30
    assert [p.name for p in tmp_path.iterdir() if "pkg" in p.name] == []
    assert _exports(mixed_case) == 0
    assert not [t for t in threading.enumerate() if t.name.startswith("export-read")]
    export(mixed_case, tmp_path / "pkg")  # and the next export goes through
    assert verify_package(tmp_path / "pkg").ok and _exports(mixed_case) == 1


def test_a_disk_that_fills_up_midway_fails_the_export_and_leaves_nothing(mixed_case, tmp_path):
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, hard))  # the big original cannot fit
    try:
        with pytest.raises(OSError):
            export(mixed_case, tmp_path / "pkg")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert [p.name for p in tmp_path.iterdir() if "pkg" in p.name] == []
    assert _exports(mixed_case) == 0


def test_a_file_the_thread_cannot_make_is_reported_to_the_caller(tmp_path):
    sink = FileSink()
    sink.write((), str(tmp_path / "missing-folder" / "a.txt"), b"evidence", True)
    with pytest.raises(FileNotFoundError):
        sink.finish()


def test_the_thread_makes_folders_first_and_files_in_pieces(tmp_path):
    sink = FileSink()
    folder = str(tmp_path / "a")
    sink.write((folder, folder + "/b"), folder + "/b/f.bin", b"one ", False)
    sink.write((), None, b"two ", False)
    sink.write((), None, b"three", True)
    sink.finish()
    assert (tmp_path / "a/b/f.bin").read_bytes() == b"one two three"
    assert oct((tmp_path / "a/b").stat().st_mode & 0o777) == oct(0o700)


def test_stopping_midway_through_a_file_closes_it(tmp_path):
    before = len(os.listdir("/proc/self/fd"))
    sink = FileSink()
    sink.write((), str(tmp_path / "f.bin"), bytes(BATCH_BYTES), False)  # sent, not ended
    sink.drain()
    sink.write((), None, b"never written", True)
    sink.stop()
    sink.stop()  # twice is harmless (abort after a failed finish)
    assert len(os.listdir("/proc/self/fd")) == before
    assert (tmp_path / "f.bin").stat().st_size == BATCH_BYTES


def test_small_blobs_read_together_stop_at_a_missing_chunk_as_one_by_one(mixed_case, tmp_path):
    conn = mixed_case.conn
    ids = [b for (b,) in conn.execute("SELECT DISTINCT blob_id FROM items")]
    together = small_blobs(conn, ids)
    assert {b: list(blob_chunks(conn, b)) for b in together} == together
    assert sum(1 for b in ids if b not in together) == 1  # the empty file has no chunks
    assert small_blobs(conn, []) == {}
    big = conn.execute("SELECT blob_id FROM chunks WHERE n = 2").fetchone()[0]
    tamper(mixed_case, "DELETE FROM chunks WHERE blob_id = ? AND n = 1", (big,))
    assert len(small_blobs(conn, [big])[big]) == len(list(blob_chunks(conn, big))) == 1
    with pytest.raises(VaultError, match="do not match the log"):
        export(mixed_case, tmp_path / "pkg")


def test_a_log_entry_stored_as_bytes_still_exports(tmp_path):
    """SQLite keeps whatever type is put in a column: a log's text stored as a BLOB holds
    the same signed bytes, verifies, and exports as it did."""
    case = new_case(tmp_path)
    tamper(case, "UPDATE custody SET content = CAST(content AS BLOB) WHERE seq = 0")
    export(case, tmp_path / "pkg")
    assert verify_package(tmp_path / "pkg").ok


def test_a_long_log_line_is_written_in_its_parts_as_a_batch_would_write_it(
    tmp_path, corpus, monkeypatch
):
    """A receipt's log line (8 MB at 20,000 items) is written on its own, never copied
    whole into a batch of lines: the package's log holds the same bytes either way."""
    case, _ids = received_case(tmp_path, corpus)
    export(case, tmp_path / "batched")
    monkeypatch.setattr(exporting, "_LONG", 1200)  # the receipt's line is long now
    export(case, tmp_path / "in-parts")
    batched = (tmp_path / "batched" / CUSTODY).read_bytes().splitlines(keepends=True)
    in_parts = (tmp_path / "in-parts" / CUSTODY).read_bytes().splitlines(keepends=True)
    assert in_parts[: len(batched) - 1] == batched[:-1]  # the lines before either export
    assert min(map(len, batched)) < 1200 < len(batched[1])  # seq 1: the receipt
    assert verify_package(tmp_path / "in-parts").ok


def test_an_altered_log_entry_holding_a_lone_surrogate_exports_and_is_found(tmp_path):
    """A log text altered to hold an escaped lone surrogate (no UTF-8 form once parsed) is
    written escaped, as any altered entry is written again from its values: the export
    goes through, and the package's verification finds the entry (never a traceback)."""
    case = new_case(tmp_path)
    tamper(case, "UPDATE custody SET content = rtrim(content, '}') || ',\"x\":\"\\ud800\"}'"
                 " WHERE seq = 0")  # fmt: skip
    export(case, tmp_path / "pkg")
    line = (tmp_path / "pkg" / CUSTODY).read_bytes().splitlines()[0]
    assert json.loads(line)["content"]["x"] == "\ud800"
    assert not verify_package(tmp_path / "pkg").ok


@pytest.mark.parametrize("forged", ["Cell 3", "Cell \\ud800"])  # the latter: a lone surrogate
def test_an_altered_description_is_refused_never_quoted_into_the_package(
    mixed_case, tmp_path, forged
):
    """case.json quotes an item's description from its signed entry; an entry whose stored
    text was altered is not quoted (any more than an altered note's text): the export is
    refused, naming the entry, and nothing is written or logged."""
    item = list_items(mixed_case.conn)[0]
    describe_item(mixed_case, item.id, {"title": "Cell 2"})
    tamper(mixed_case, f"UPDATE custody SET content = replace(content, 'Cell 2', '{forged}')"
                       " WHERE action = 'item.describe'")  # fmt: skip
    before = _exports(mixed_case)
    with pytest.raises(VaultError, match="does not match what was signed"):
        export(mixed_case, tmp_path / "pkg")
    assert not (tmp_path / "pkg").exists() and _exports(mixed_case) == before


def test_a_description_stored_re_spaced_still_holds_the_signed_values_and_is_quoted(
    mixed_case, tmp_path
):
    """As verify judges an entry by its values, so does export: a stored text re-spaced
    (not the signed text, yet parsing to the signed values) is quoted, and its log line
    is written again from the values, so the package verifies."""
    item = list_items(mixed_case.conn)[0]
    describe_item(mixed_case, item.id, {"title": "Cell 2"})
    tamper(mixed_case, "UPDATE custody SET content = ' ' || content WHERE action = 'item.describe'")
    export(mixed_case, tmp_path / "pkg")
    case_json = json.loads((tmp_path / "pkg" / "data" / "case.json").read_text("utf-8"))
    described = [i["description"] for i in case_json["items"] if i["id"] == item.id]
    assert described == [{"title": "Cell 2"}] and verify_package(tmp_path / "pkg").ok
    assert b'"content": {' not in (tmp_path / "pkg" / CUSTODY).read_bytes()  # written again
