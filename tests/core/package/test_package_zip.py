"""Hostile archives are refused with a reason, never unpacked or trusted."""

from __future__ import annotations

import io
import stat
import struct
import zipfile
from pathlib import Path

import pyrage
import pytest

from tests.helpers.package import PASSPHRASE
from vault.case.handle import Case
from vault.package import zipreader
from vault.package.export import export
from vault.package.receive import receive
from vault.package.verify import verify_package
from vault.package.zipreader import read_members


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


class _Pipe(io.RawIOBase):
    """A stream that cannot seek, as a pipe: zipfile then puts each file's CRC and sizes
    after its bytes (a data descriptor), as `zip -r - .`, Go's and Java's writers do."""

    def __init__(self, out: io.BufferedWriter) -> None:
        self.out = out

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return self.out.write(data)


def piped_zip(folder: Path, path: Path, method: int) -> Path:
    """The package folder zipped into a pipe, its bytes caught in `path`."""
    with open(path, "wb") as out, zipfile.ZipFile(_Pipe(out), "w", method) as z:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            z.write(file, file.relative_to(folder).as_posix())
    with zipfile.ZipFile(path) as z:
        assert all(info.flag_bits & 0x08 for info in z.infolist())
    return path


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_package_zipped_into_a_pipe_verifies_and_is_received(
    investigator: Case, tmp_path: Path, method: int
) -> None:
    export(investigator, tmp_path / "folder")
    piped = piped_zip(tmp_path / "folder", tmp_path / "piped.zip", method)
    assert verify_package(piped).ok
    with Case.create(tmp_path / "l.evault", PASSPHRASE, title="Defence") as lawyer:
        assert receive(lawyer, piped).items == 3


def test_a_piped_zip_whose_descriptor_lies_is_refused(investigator: Case, tmp_path: Path) -> None:
    export(investigator, tmp_path / "folder")
    piped = piped_zip(tmp_path / "folder", tmp_path / "piped.zip", zipfile.ZIP_DEFLATED)
    data = bytearray(piped.read_bytes())
    at = data.index(struct.pack("<I", 0x08074B50))  # the first file's descriptor: its CRC
    data[at + 4] ^= 0xFF
    piped.write_bytes(bytes(data))
    result = verify_package(piped)
    assert any("damaged (size or CRC)" in f.reason for f in result.findings), result.findings


def test_a_bomb_zipped_into_a_pipe_is_refused_as_read(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb"
    bomb.mkdir()
    (bomb / "bagit.txt").write_bytes(bytes(200 << 20))
    result = verify_package(piped_zip(bomb, tmp_path / "bomb.zip", zipfile.ZIP_DEFLATED))
    assert any("zip bomb" in f.reason for f in result.findings), result.findings


def test_a_stored_piped_zip_inside_age_is_refused_with_why(
    investigator: Case, tmp_path: Path
) -> None:
    """Encrypted, a stored file whose size comes after its bytes cannot be found: said."""
    export(investigator, tmp_path / "folder")
    piped = piped_zip(tmp_path / "folder", tmp_path / "piped.zip", zipfile.ZIP_STORED)
    identity = pyrage.x25519.Identity.generate()
    sealed = tmp_path / "piped.zip.age"
    sealed.write_bytes(pyrage.encrypt(piped.read_bytes(), [identity.to_public()]))
    result = verify_package(sealed, passphrase=str(identity))
    assert not result.ok
    assert any("only from a zip file itself" in f.reason for f in result.findings)


def _package_zip(investigator: Case, tmp_path: Path) -> bytes:
    export(investigator, tmp_path / "p.zip")
    return (tmp_path / "p.zip").read_bytes()


def test_a_second_directory_hidden_in_the_comment_is_refused(investigator, tmp_path):
    """`unzip` reads the last end record it finds: one in the comment would show it other
    files than the verified ones (no key is needed to write a comment)."""
    data = _package_zip(investigator, tmp_path)
    fake_end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, 46, 0, 0)
    comment = b"another directory would be here" + fake_end
    (tmp_path / "c.zip").write_bytes(data[:-2] + struct.pack("<H", len(comment)) + comment)
    reasons = [f.reason for f in verify_package(tmp_path / "c.zip").findings]
    assert reasons == ["The archive's comment holds zip records: another directory could be "
                       "read in place of the one that was verified."]  # fmt: skip


@pytest.mark.parametrize("length", [2**63, 2**45, 44 + 320_000])
def test_a_zip64_end_record_of_another_size_is_refused(investigator, tmp_path, length):
    data = bytearray(_package_zip(investigator, tmp_path))
    at = data.rindex(struct.pack("<I", 0x06064B50))
    data[at + 4 : at + 12] = struct.pack("<Q", length)
    (tmp_path / "e.zip").write_bytes(bytes(data))
    reasons = [f.reason for f in verify_package(tmp_path / "e.zip").findings]
    assert reasons == ["The archive is damaged (a Zip64 end record of another size)."]


def test_end_records_that_point_elsewhere_are_refused(investigator, tmp_path):
    data = bytearray(_package_zip(investigator, tmp_path))
    at = data.rindex(struct.pack("<I", 0x06064B50))
    (offset,) = struct.unpack_from("<Q", data, at + 48)  # where the directory starts
    data[at + 48 : at + 56] = struct.pack("<Q", offset + 46)
    (tmp_path / "e.zip").write_bytes(bytes(data))
    reasons = [f.reason for f in verify_package(tmp_path / "e.zip").findings]
    assert reasons == ["The archive's end records do not describe the directory that was "
                       "read: a zip tool could read another one."]  # fmt: skip


def test_a_deflated_file_whose_last_bytes_zlib_still_holds_is_read_whole(tmp_path):
    """1 MiB and one zero bytes at level 1: zlib gives the last byte only when asked again,
    after every compressed byte is read."""
    path = tmp_path / "z.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("data/zeros", bytes((1 << 20) + 1))
    assert zipfile.ZipFile(path).testzip() is None
    with open(path, "rb") as src:
        ((name, size, read),) = list(_read_all_members(src))
    assert (name, size, read) == ("data/zeros", (1 << 20) + 1, (1 << 20) + 1)


def _read_all_members(src):
    for name, size, read in read_members(src):
        total = 0
        while chunk := read(1 << 16):
            total += len(chunk)
        yield name, size, total


def test_an_archive_of_too_many_entries_is_refused(tmp_path, monkeypatch):
    """Folders count too: each entry is held until the directory is checked."""
    monkeypatch.setattr(zipreader, "MAX_ENTRIES", 10)
    folders = [(zipfile.ZipInfo(f"d{n}/"), b"") for n in range(11)]
    result = verify_package(_zip(tmp_path / "many.zip", folders))
    assert [f.reason for f in result.findings] == [
        "The archive holds too many entries (more than 10)."]  # fmt: skip
