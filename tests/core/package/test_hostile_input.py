"""Hostile input found by review: each is a refusal with its reason, never a crash, and
verify-package stays in bounded memory whatever the package holds (issue 9 §5)."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.package import rehash
from vault.case.handle import Case
from vault.errors import PackageRefused, VaultError
from vault.evidence.ingest import import_paths
from vault.package.export import export
from vault.package.receive import receive
from vault.package.verify import verify_package

ROOT = Path(__file__).resolve().parents[3]
GOOD = ROOT.parent / "shared" / "vectors" / "package-good"
PASSPHRASE = "hostile input 2026"
RSS_LIMIT_MB = 300


def reasons(result) -> list[str]:
    return [str(f) for f in result.findings if f.level == "error"]


def local_header(name: bytes, extra: bytes, data: bytes = b"") -> bytes:
    sizes = (zlib.crc32(data), len(data), len(data), len(name), len(extra))
    header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0x0800, 0, 0, 0x21, *sizes)
    return header + name + extra + data


def test_a_malformed_zip64_extra_field_is_refused_with_its_reason(tmp_path):
    package = tmp_path / "bag.zip"
    # The Zip64 field says 16 bytes follow; only 4 do.
    package.write_bytes(local_header(b"bag/bagit.txt", struct.pack("<HH", 1, 16) + bytes(4)))
    result = verify_package(package)
    assert not result.ok
    assert any("malformed Zip64 extra field" in r for r in reasons(result)), reasons(result)


def test_an_age_stanza_with_nothing_after_the_arrow_is_refused(tmp_path):
    package = tmp_path / "bag.zip.age"
    package.write_bytes(b"age-encryption.org/v1\n-> \nAAAA\n--- AAAA\n" + bytes(64))
    with pytest.raises(VaultError, match="header of the encrypted package is damaged"):
        verify_package(package, passphrase=PASSPHRASE)


def remove_tree(top: Path) -> None:
    """Remove a tree of any depth with a loop: shutil.rmtree (and pytest's clean-up of old
    temporary folders, shared by every run on the machine) recurses and would fail on it."""
    stack = [str(top)]
    while stack:
        subfolders = []
        with os.scandir(stack[-1]) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry.path)
                else:
                    os.unlink(entry.path)
        if subfolders:
            stack += subfolders
        else:
            os.rmdir(stack.pop())


@pytest.fixture
def deep_tmp(tmp_path) -> Iterator[Path]:
    """A scratch folder for 1,200-deep trees, removed by this test, never left behind."""
    folder = tmp_path / "deep"
    folder.mkdir()
    try:
        yield folder
    finally:
        remove_tree(folder)


def deep_folder(top: Path, depth: int) -> Path:
    """`depth` nested folders below `top` (short names keep the path under PATH_MAX)."""
    top.mkdir(parents=True, exist_ok=True)
    deepest = str(top)
    for _level in range(depth):  # one at a time: Path.mkdir(parents=True) recurses
        deepest += "/d"
        os.mkdir(deepest)
    return Path(deepest)


def test_a_folder_1200_deep_imports_without_a_recursion_error(deep_tmp):
    deepest = deep_folder(deep_tmp / "card", 1200)
    (deepest / "bottom.txt").write_bytes(b"found at the bottom")
    with Case.create(deep_tmp / "c.evault", PASSPHRASE, title="Deep") as case:
        result = import_paths(case, [deep_tmp / "card"])
    assert [i.original_name for i in result.imported] == ["bottom.txt"]
    assert not result.failed


def test_a_package_folder_1200_deep_is_refused_with_a_reason(deep_tmp):
    bag = shutil.copytree(GOOD, deep_tmp / "bag")
    (deep_folder(bag / "data" / "extra", 1200) / "x.txt").write_bytes(b"hidden")
    result = verify_package(bag)
    assert not result.ok
    assert any("not listed in manifest" in r for r in reasons(result)), reasons(result)


def test_a_note_about_an_item_the_package_lacks_is_refused_and_not_received(tmp_path):
    bag = shutil.copytree(GOOD, tmp_path / "bag")
    doc = json.loads((bag / "data" / "case.json").read_text(encoding="utf-8"))
    assert doc["notes"], "the vector must carry a note"
    doc["notes"][0]["about"] = "00000000-0000-4000-8000-000000000000"
    (bag / "data" / "case.json").write_text(json.dumps(doc), encoding="utf-8")
    rehash(bag)
    result = verify_package(bag)
    assert "a note is about an item the package does not hold" in reasons(result)
    with Case.create(tmp_path / "r.evault", PASSPHRASE, title="Receiver") as case:
        with pytest.raises(PackageRefused):
            receive(case, bag)
        assert case.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0


def many_member_zip(path: Path, members: int, member_size: int) -> None:
    """A zip of many members outside data/originals/ (the files a reader might keep), each
    deflated about 100 to 1 so the test file stays small while the reader sees it all."""
    block = (os.urandom(8) + bytes(1016)) * (member_size // 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        for n in range(members):
            z.writestr(f"bag/data/extra/{n:05d}.bin", block)


def peak_rss_mb(argv: list[str]) -> tuple[int, float]:
    """Run a command in a child; (its exit code, its peak RSS in MB)."""
    code = ("import resource, subprocess, sys\n"
            "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
            "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code, *argv], check=True, capture_output=True,
                         text=True, cwd=ROOT).stdout.split()  # fmt: skip
    return int(out[-2]), int(out[-1]) / 1024


def test_verify_package_memory_does_not_grow_with_the_members_it_holds(tmp_path):
    """2,000 members of 128 KiB (256 MiB in all): before the fix every one was kept."""
    package = tmp_path / "many.zip"
    many_member_zip(package, 2000, 128 << 10)
    code, peak = peak_rss_mb([sys.executable, "-m", "vault", "verify-package", str(package)])
    assert code == 1  # refused: not an evidence package, every member hashed and checked
    assert peak < RSS_LIMIT_MB / 2, f"verify-package peaked at {peak:.0f} MB"


def test_too_many_files_are_refused_with_a_reason(tmp_path, monkeypatch):
    from vault.package import read

    monkeypatch.setattr(read, "MAX_FILES", 50)
    package = tmp_path / "many.zip"
    many_member_zip(package, 60, 1024)
    result = verify_package(package)
    assert any("more than 50 files" in r for r in reasons(result)), reasons(result)


def test_a_log_too_large_to_read_is_refused_with_its_size(tmp_path, monkeypatch):
    from vault.package import read

    with Case.create(tmp_path / "c.evault", PASSPHRASE, title="Big log") as case:
        export(case, tmp_path / "pkg")
    log = (tmp_path / "pkg" / "data" / "custody.jsonl").stat().st_size
    monkeypatch.setattr(read, "KEEP_LIMIT", log - 1)
    found = reasons(verify_package(tmp_path / "pkg"))
    assert "data/custody.jsonl is 0.0 MiB: more than this version reads (0 MiB)" in found, found


def test_files_past_what_is_read_together_are_refused_as_such(tmp_path, monkeypatch):
    from vault.package import read

    with Case.create(tmp_path / "c.evault", PASSPHRASE, title="Many logs") as case:
        export(case, tmp_path / "pkg")
    monkeypatch.setattr(read, "KEEP_TOTAL", 1)
    found = reasons(verify_package(tmp_path / "pkg"))
    assert any(r.startswith("data/custody.jsonl (0.0 MiB) is past the 0 MiB") for r in found), found


def test_names_and_titles_with_unicode_line_separators_still_verify(tmp_path):
    """U+0085 and U+2028 are not line ends in JSON Lines or BagIt tag files: a log or
    manifest split at them was cut in two, and a genuine package was refused."""
    name = "photo\u2028line\x85next\u2029.txt"
    (tmp_path / name).write_bytes(b"evidence")
    with Case.create(tmp_path / "c.evault", PASSPHRASE, title="Title\x85with\u2028breaks") as case:
        import_paths(case, [tmp_path / name])
        export(case, tmp_path / "p.zip")
    result = verify_package(tmp_path / "p.zip")
    assert result.ok, reasons(result)
    with Case.create(tmp_path / "r.evault", PASSPHRASE, title="Receiver") as case:
        assert receive(case, tmp_path / "p.zip").items == 1
