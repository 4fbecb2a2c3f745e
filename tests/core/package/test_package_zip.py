"""Hostile archives are refused with a reason, never unpacked or trusted."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from vault.package.verify import verify_package


def _zip(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]], method=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", method) as z:
        for info, data in entries:
            z.writestr(info, data)
    return path


def _symlink() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("data/link")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    ("entries", "method", "reason"),
    [
        ([("../evil.txt", b"x")], zipfile.ZIP_STORED, "unsafe path"),
        ([("/etc/evil", b"x")], zipfile.ZIP_STORED, "unsafe path"),
        ([(_symlink(), b"/etc/passwd")], zipfile.ZIP_STORED, "symbolic link"),
        ([("data/bomb", bytes(100 << 20))], zipfile.ZIP_DEFLATED, "zip bomb"),
    ],
)
def test_hostile_zip_is_refused_with_a_reason(tmp_path, entries, method, reason):
    result = verify_package(_zip(tmp_path / "hostile.zip", entries, method))
    assert not result.ok and not result.is_bag
    assert any(reason in f.reason for f in result.findings), result.findings


def test_zip_whose_directory_disagrees_with_its_contents_is_refused(tmp_path):
    path = _zip(tmp_path / "p.zip", [("bagit.txt", b"a"), ("data/x", b"b")])
    data = path.read_bytes()
    central = data.rindex(b"data/x")  # the name in the central directory
    path.write_bytes(data[:central] + b"data/y" + data[central + 6 :])
    result = verify_package(path)
    assert any("directory does not match" in f.reason for f in result.findings)
