"""Playback's own read path (CaseReader.playback): a read-only connection to the case file,
keyed with the key the case was unlocked with, that reads on while a job writes through the
case's connection, and is closed with the player."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from tests.helpers.case import CORPUS, new_case, reopen
from vault.case.view import CaseReader
from vault.evidence.blobreader import BlobReader
from vault.evidence.blobstore import store_bytes
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items

VIDEO = CORPUS / "video" / "FLIR_Thermal.mp4"


def test_playback_reads_the_original_through_a_connection_of_its_own(tmp_path: Path) -> None:
    case = reopen(new_case(tmp_path))  # reopened: keyed from the passphrase, as at unlock
    [item] = import_paths(case, [VIDEO]).imported
    reader = CaseReader(case).playback(item.id)
    original = VIDEO.read_bytes()
    assert reader.size == len(original)
    assert reader.read_at(1_000_000, 300_000) == original[1_000_000:1_300_000]
    reader.close()
    assert reader.read_at(0, 10) == b""  # closed: nothing more, no error
    case.close()


def test_playback_reads_on_while_an_import_writes(tmp_path: Path) -> None:
    case = new_case(tmp_path)
    [item] = import_paths(case, [VIDEO]).imported
    reader = CaseReader(case).playback(item.id)
    original = VIDEO.read_bytes()
    read: list[bytes] = []
    with case.act("item.import", subject="x") as act:  # a job's write transaction, open
        act.conn.execute("INSERT INTO blobs (sha256, size) VALUES ('x', 0)")
        worker = threading.Thread(target=lambda: read.append(reader.read_at(0, len(original))))
        worker.start()
        worker.join(timeout=30)
        assert read == [original]
        act.abandon()
    reader.close()
    case.close()


def test_playbacks_connection_cannot_write_and_needs_an_open_case(tmp_path: Path) -> None:
    case = new_case(tmp_path)
    conn = case.file.reader()
    with pytest.raises(sqlcipher.OperationalError):
        conn.execute("INSERT INTO blobs (sha256, size) VALUES ('x', 0)")
    conn.close()
    case.close()
    with pytest.raises(RuntimeError):
        case.file.reader()


def test_a_read_that_waits_out_a_long_write_in_vain_ends_short_and_the_next_one_reads(
    tmp_path: Path,
) -> None:
    """A write larger than SQLite's page cache holds the file exclusively until it commits:
    a playback read gives up after its wait (the stream is short, nothing breaks), and once
    the writer is done the same bytes read again."""
    case = new_case(tmp_path)
    [item] = import_paths(case, [VIDEO]).imported
    blob_id = next(i for i in list_items(case.conn) if i.id == item.id).blob_id
    reader = BlobReader(case.file.reader(), blob_id, owns_connection=True, wait=0.3)
    with case.act("item.import", subject="x") as act:
        store_bytes(act.conn, os.urandom(16 << 20))  # spills: the writer holds the file
        assert reader.read_at(0, 1000) == b""
        act.abandon()
    assert reader.read_at(0, 1000) == VIDEO.read_bytes()[:1000]
    reader.close()
    case.close()


def test_closing_the_reader_ends_a_read_that_waits_out_a_write(tmp_path: Path) -> None:
    """The player stops while its read waits for an import's write (the file held by the
    writer): closing the reader ends that read at once, short, instead of after the wait,
    so stopping never waits for the import; later reads return nothing."""
    case = new_case(tmp_path)
    [item] = import_paths(case, [VIDEO]).imported
    blob_id = next(i for i in list_items(case.conn) if i.id == item.id).blob_id
    reader = BlobReader(case.file.reader(), blob_id, owns_connection=True, wait=600.0)
    read: list[bytes] = []
    with case.act("item.import", subject="x") as act:
        store_bytes(act.conn, os.urandom(16 << 20))  # spills: the writer holds the file
        worker = threading.Thread(target=lambda: read.append(reader.read_at(0, 1000)))
        worker.start()
        worker.join(timeout=0.5)
        assert worker.is_alive()  # waiting for the writer (up to 10 minutes)
        reader.close()
        worker.join(timeout=30)
        assert read == [b""] and reader.closed
        act.abandon()
    assert reader.read_at(0, 1000) == b""
    case.close()
