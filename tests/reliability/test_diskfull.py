"""Disk full: the case lives on a small real file system (a tmpfs mounted by the test) that
fills up. The user gets a clear message and a non-zero exit; the case still opens and
verifies with everything imported before; a journal that cannot be created changes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.case import PASSPHRASE, run_cli
from vault.case.handle import Case
from vault.case.schema import SCHEMA_VERSION
from vault.custody.verify import verify_case
from vault.errors import StorageFull
from vault.evidence.items import list_items
from vault.evidence.notes import add_note

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="mounting a small tmpfs to fill up needs root"
)
FULL_MESSAGE = "The disk is full"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE_PASSPHRASE = "schema fixture passphrase"  # tools/make_schema_fixture.py


@pytest.fixture
def small_disk(tmp_path):
    """A 20 MiB tmpfs with 64 inodes, unmounted however the test ends."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=20m,nr_inodes=64,mode=0700", "tmpfs", str(mount)],
        check=True,
    )
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def make_card(folder, sizes_mb: list[int]) -> list:
    folder.mkdir()
    files = []
    for n, size in enumerate(sizes_mb):
        path = folder / f"clip{n}.bin"
        path.write_bytes(os.urandom(size << 20))
        files.append(path)
    return files


def init_case(path) -> None:
    done = run_cli("init", path, "--title", "Disk full", "--investigator", "Olena K.")
    assert done.returncode == 0, done.stderr


def assert_opens_and_holds(path, sources: list) -> list[str]:
    """The case opens, verifies, and holds a prefix of `sources`, each byte for byte."""
    with Case.open(path, PASSPHRASE) as case:
        report = verify_case(case)
        assert report.ok, [str(f) for f in report.findings]
        names = [item.original_name for item in list_items(case.conn)]
        assert names == [p.name for p in sources[: len(names)]]
        for item in list_items(case.conn):
            assert item.sha256 == hashlib.sha256((sources[0].parent / item.original_name)
                                                 .read_bytes()).hexdigest()  # fmt: skip
        return names


def fill(mount, what: str) -> None:
    """Use up the last free byte ('space') or the last free inode ('inodes')."""
    if what == "space":
        with open(mount / "filler", "wb") as f, contextlib.suppress(OSError):
            while True:
                f.write(bytes(1 << 16))
                f.flush()
    else:
        n = 0
        with contextlib.suppress(OSError):
            while True:
                (mount / f"filler{n}").touch()
                n += 1
    stat = os.statvfs(mount)
    assert stat.f_bavail == 0 or stat.f_favail == 0


def test_import_onto_a_full_disk_stops_clearly_and_keeps_what_came_before(small_disk, tmp_path):
    case = small_disk / "case.evault"
    init_case(case)
    sources = make_card(tmp_path / "card", [3] * 9)  # 27 MiB: does not fit in 20
    done = run_cli("import", case, sources[0].parent)
    assert done.returncode == 2, done.stdout + done.stderr
    assert FULL_MESSAGE in done.stderr and "Traceback" not in done.stderr
    kept = assert_opens_and_holds(case, sources)
    assert 1 <= len(kept) < len(sources)
    assert sorted(p.name for p in small_disk.iterdir()) == ["case.evault"]  # no journal left


def test_the_same_import_in_process_raises_storage_full(small_disk, tmp_path):
    from vault.evidence.ingest import import_paths

    sources = make_card(tmp_path / "card", [4] * 6)
    with Case.create(small_disk / "case.evault", PASSPHRASE, title="Disk full") as case:
        with pytest.raises(StorageFull) as err:
            import_paths(case, sources)
        assert "everything imported before it is safe" in str(err.value)
        assert verify_case(case).ok  # the same connection goes on working
    assert_opens_and_holds(small_disk / "case.evault", sources)


def test_a_full_disk_during_a_batch_of_small_files_keeps_every_file_before_it(small_disk, tmp_path):
    """Small files share a commit; when the disk fills up in the middle of a batch, every
    file before the one that did not fit is still in the case, as the message says."""
    from vault.evidence.ingest import import_paths

    card = tmp_path / "card"
    card.mkdir()
    sources = []
    for n in range(80):  # 80 x 300 KB: more than the 20 MiB disk holds, in 4 MiB batches
        sources.append(card / f"IMG_{n:03}.bin")
        sources[-1].write_bytes(os.urandom(300_000))
    started: list[str] = []
    with Case.create(small_disk / "case.evault", PASSPHRASE, title="Disk full") as case:
        with pytest.raises(StorageFull):
            import_paths(case, sources, on_file=started.append)
        assert verify_case(case).ok
    kept = assert_opens_and_holds(small_disk / "case.evault", sources)
    assert kept == [p.name for p in sources[: [p.name for p in sources].index(started[-1])]]
    assert kept


def test_an_export_onto_a_full_disk_fails_and_leaves_nothing(small_disk, tmp_path):
    """The package's files, its log and case.json included (written as they are made), are
    all under a temporary name, removed when the disk fills: nothing in clear is left
    behind, and no export entry is logged."""
    from vault.evidence.ingest import import_paths
    from vault.package.export import export

    sources = make_card(tmp_path / "card", [4] * 6)  # 24 MiB: more than the 20 MiB disk
    with Case.create(tmp_path / "case.evault", PASSPHRASE, title="Disk full") as case:
        import_paths(case, sources)
        with pytest.raises(OSError):
            export(case, small_disk / "pkg")
        logged = case.conn.execute("SELECT count(*) FROM custody WHERE action = 'package.export'")
        assert logged.fetchone()[0] == 0
    assert list(small_disk.iterdir()) == []


@pytest.mark.parametrize("exhausted", ["space", "inodes"])
def test_a_journal_that_cannot_be_written_changes_nothing(small_disk, tmp_path, exhausted):
    case = small_disk / "case.evault"
    init_case(case)
    sources = make_card(tmp_path / "card", [1])
    assert run_cli("import", case, sources[0]).returncode == 0
    fill(small_disk, exhausted)
    before = case.read_bytes()
    for act in (("note", case, "a note that cannot be saved"), ("import", case, sources[0])):
        done = run_cli(*act)
        assert done.returncode == 2, done.stdout + done.stderr
        assert FULL_MESSAGE in done.stderr and "Traceback" not in done.stderr
        assert case.read_bytes() == before
    assert_opens_and_holds(case, sources)  # opening and verifying need no free space
    for filler in small_disk.glob("filler*"):
        filler.unlink()
    with Case.open(case, PASSPHRASE) as opened:  # with room again, work goes on
        add_note(opened, "written once there was room")
        assert verify_case(opened).ok


def test_an_older_case_that_cannot_be_upgraded_on_a_full_disk_is_left_as_it_was(small_disk):
    """Opening a case of an earlier schema migrates it, as one act (schema 6 moves its
    thumbnails); with no room for that, the user is told and the file is what it was."""
    path = Path(shutil.copy(FIXTURES / "case-v5.evault", small_disk / "old.evault"))
    before = path.read_bytes()
    fill(small_disk, "space")
    with pytest.raises(StorageFull) as err:
        Case.open(path, FIXTURE_PASSPHRASE)
    assert "This step was not saved" in str(err.value)
    assert path.read_bytes() == before
    (small_disk / "filler").unlink()
    with Case.open(path, FIXTURE_PASSPHRASE) as case:
        assert case.file.schema_version == SCHEMA_VERSION and verify_case(case).ok
