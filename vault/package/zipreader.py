"""Zip archives read front to back, as a stream (bounded memory; an age stream cannot seek).

Local headers are followed in order, and the central directory at the end must describe
exactly the same entries, so a reader that trusts the central directory (`unzip`) sees the
very files that were verified.

Other tools' zips are read too. A zip written to a pipe (`zip -r - .`, Go's and Java's
writers, Python's to a stream) gives a file's CRC and sizes only after its bytes, in a
data descriptor: a deflated file ends where its deflate stream does; a stored one cannot
be found in a stream, so a zip file on disk lends the sizes its central directory lists,
read when first needed. Nothing the directory says is trusted: every local entry must agree
with it.
"""

from __future__ import annotations

import stat
import struct
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from vault.i18n import _
from vault.package.ziparchive import (
    CENTRAL,
    END,
    END64,
    FFFF32,
    LOCAL,
    LOCATOR64,
    UTF8_FLAG,
    BadArchive,
    ZipEntry,
)

MAX_MEMBER = 1 << 40  # 1 TiB: a declared size beyond this is an attack, not evidence
MAX_RATIO = 1000  # deflate expanding more than this is a zip bomb
MAX_NAME = 4096
MAX_ENTRIES = 300_000  # files and folders together: more than a package may hold
DESCRIBED = 0x0008  # the CRC and sizes follow the file's bytes (a data descriptor)
DESCRIPTOR = 0x08074B50
_SLACK = 1 << 20  # a bomb is judged on ratio once this much is out (a first block of zeros)
_TAIL = (1 << 16) + 22  # the end record and the longest comment it may carry


class _Counting:
    """Reads exactly what is asked from the stream, counting the offset; EOF is an error.
    Bytes read past a deflate stream's end are given back (`unread`)."""

    def __init__(self, src: BinaryIO) -> None:
        self.src, self.offset, self._back = src, 0, b""

    def read(self, n: int, exact: bool = True) -> bytes:
        data, self._back = self._back[:n], self._back[n:]
        if len(data) < n:
            data += self.src.read(n - len(data))
        while exact and len(data) < n:
            more = self.src.read(n - len(data))
            if not more:
                raise BadArchive(_("The archive is truncated."))
            data += more
        self.offset += len(data)
        return data

    def unread(self, data: bytes) -> None:
        self._back = data + self._back
        self.offset -= len(data)


def read_members(src: BinaryIO) -> Iterator[tuple[str, int | None, _Member]]:
    """Yield (name, size, read) for each file in order; `read(n)` gives its bytes. The
    size is None when the archive gives it only after the bytes (a data descriptor).

    The caller reads each member before asking for the next; what it leaves is skipped.
    Raises BadArchive for anything hostile or inconsistent.
    """
    listed, stream, seen = _Directory(src), _Counting(src), list[ZipEntry]()
    while True:
        (sig,) = struct.unpack("<I", stream.read(4))
        if sig != LOCAL:
            break
        if len(seen) >= MAX_ENTRIES:  # folders count too: each is held until the end
            raise BadArchive(_("The archive holds too many entries (more than {n}).").format(
                n=MAX_ENTRIES))  # fmt: skip
        member = _open_local(stream, listed, len(seen))
        if not member.raw.endswith(b"/"):
            yield member.raw.decode("utf-8", "replace"), member.size, member
        while member(1 << 20):
            pass
        seen.append(member.entry())
    if sig != CENTRAL:
        raise BadArchive(_("The archive is damaged (unexpected data between entries)."))
    _check_central(stream, seen)


def _zip64_sizes(extra: bytes, size: int, csize: int, offset: int | None = None) -> tuple[int, ...]:
    """Replace 0xFFFFFFFF fields by their Zip64 values, in the order the format lists them."""
    wanted = [v for v in (size, csize, offset) if v is not None]
    pos = 0
    while pos + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, pos)
        if tag == 1:
            if length % 8 or pos + 4 + length > len(extra):
                raise BadArchive(_("The archive is damaged (a malformed Zip64 extra field)."))
            values = iter(struct.unpack_from(f"<{length // 8}Q", extra, pos + 4))
            wanted = [next(values, v) if v == FFFF32 else v for v in wanted]
        pos += 4 + length
    return tuple(wanted)


def _has_zip64(extra: bytes) -> bool:
    pos = 0
    while pos + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, pos)
        if tag == 1:
            return True
        pos += 4 + length
    return False


def _check_name(raw: bytes, flags: int) -> str:
    name = raw.decode("utf-8" if flags & UTF8_FLAG else "cp437", "strict")
    parts = name.split("/")
    if (len(raw) > MAX_NAME or name.startswith("/") or "\\" in name or "\x00" in name
            or any(p in ("..", ".") for p in parts) or ":" in parts[0]):  # fmt: skip
        raise BadArchive(_("The archive holds an unsafe path: {name!r}").format(name=name))
    return name


def _open_local(stream: _Counting, listed: _Directory, index: int) -> _Member:
    offset = stream.offset - 4
    (_v, flags, method, _t, _d, crc, csize, size, nlen, xlen) = struct.unpack(
        "<HHHHHIIIHH", stream.read(26)
    )
    raw, extra = stream.read(nlen), stream.read(xlen)
    name = _check_name(raw, flags)
    size, csize = _zip64_sizes(extra, size, csize)
    if flags & 0x0001 or method not in (0, 8):
        raise BadArchive(
            _("The archive uses a feature packages never use ({name}).").format(name=name)
        )
    member = _Member(stream, raw, name, offset, method, flags & DESCRIBED, _has_zip64(extra))
    if flags & DESCRIBED:
        unknown = (None, None, None)  # a deflated file ends with its deflate stream
        member.expect(*(listed.sizes(index, offset) if member.inflater is None else unknown))
    else:
        member.expect(crc, csize, size)
    return member


class _Member:
    """One file's bytes, inflated and checked as they are read: `member(n)` gives up to n
    bytes, b"" at its end, once its size and CRC have been found to be the declared ones."""

    def __init__(self, stream: _Counting, raw: bytes, name: str, offset: int, method: int,
                 described: int, zip64: bool) -> None:  # fmt: skip
        self.stream, self.raw, self.name, self.offset = stream, raw, name, offset
        self.described, self.zip64 = bool(described), zip64
        self.inflater = zlib.decompressobj(-15) if method == 8 else None
        self.crc: int | None = None
        self.size: int | None = None
        self.left: int | None = None  # compressed bytes still to read; None: unknown
        self.taken, self.out, self.running, self.ended = 0, 0, 0, False

    def expect(self, crc: int | None, csize: int | None, size: int | None) -> None:
        """The CRC and sizes the file must have (None: given after its bytes)."""
        if csize is None and self.inflater is None:
            raise BadArchive(_(
                "{name} is stored with its size given only after its bytes (a zip written to "
                "a pipe): it can be read only from a zip file itself, not through encryption."
            ).format(name=self.name))  # fmt: skip
        if size is not None and csize is not None:
            if size > MAX_MEMBER or (self.inflater and size > MAX_RATIO * max(csize, 1)):
                raise BadArchive(_(
                    "The archive declares an absurd size for {name} (zip bomb?)."
                ).format(name=self.name))  # fmt: skip
            if self.inflater is None and size != csize:
                raise BadArchive(_("The archive is damaged ({name}).").format(name=self.name))
        self.crc, self.size, self.left = crc, size, csize

    def entry(self) -> ZipEntry:
        return ZipEntry(self.raw, self.crc or 0, self.size or 0, self.offset)

    def __call__(self, n: int) -> bytes:
        while not self.ended:
            data = self._step(n)
            if data:
                return self._account(data)
        return b""

    def _step(self, n: int) -> bytes:
        inflater = self.inflater
        if inflater is not None and inflater.eof:
            self._finish()
            return b""
        tail = inflater.unconsumed_tail if inflater else b""
        if tail or self.left != 0:
            raw = b"" if tail else self._raw(n)
            return raw if inflater is None else self._inflate(tail + raw, n)
        # Every compressed byte is read: what zlib still holds, then the end.
        data = self._inflate(b"", n) if inflater is not None else b""
        if not data:
            self._finish()
        return data

    def _raw(self, n: int) -> bytes:
        """The next compressed (or stored) bytes: up to what is left, or, when the size is
        given only after them, whatever comes (the deflate end says where they stop)."""
        known = self.left is not None
        raw = self.stream.read(min(n, self.left) if self.left is not None else n, known)
        if not raw:
            raise BadArchive(_("The archive is truncated."))
        self.taken += len(raw)
        if self.left is not None:
            self.left -= len(raw)
        return raw

    def _inflate(self, raw: bytes, n: int) -> bytes:
        inflater = self.inflater
        assert inflater is not None
        try:
            data = inflater.decompress(raw, n)
        except zlib.error:  # a damaged deflate stream is a damaged member, not a crash
            raise self._damaged() from None
        if inflater.eof and inflater.unused_data:
            if self.left is not None:
                raise self._damaged()  # bytes after the deflate end, within its size
            self.stream.unread(inflater.unused_data)  # the descriptor, the next header
            self.taken -= len(inflater.unused_data)
        return data

    def _account(self, data: bytes) -> bytes:
        self.out += len(data)
        self.running = zlib.crc32(data, self.running)
        if self.size is not None and self.out > self.size:
            raise BadArchive(
                _("{name} expands beyond its declared size (zip bomb?).").format(name=self.name)
            )
        if self.out > MAX_MEMBER or self.out > MAX_RATIO * self.taken + _SLACK:
            raise BadArchive(
                _("The archive declares an absurd size for {name} (zip bomb?).").format(
                    name=self.name
                )
            )
        return data

    def _finish(self) -> None:
        self.ended = True
        if self.described:
            crc, csize, size = self._descriptor()
            if self.crc is None:  # only the descriptor says: it must describe what was read
                self.crc, self.size, self.left = crc, size, 0
            if (crc, csize, size) != (self.crc, self.taken, self.size):
                raise self._damaged()
        if self.out != self.size or self.running != self.crc:
            raise self._damaged()

    def _descriptor(self) -> tuple[int, int, int]:
        """The CRC and sizes after the bytes: their signature is optional, and the sizes
        take eight bytes each in a Zip64 entry."""
        (first,) = struct.unpack("<I", self.stream.read(4))
        crc = struct.unpack("<I", self.stream.read(4))[0] if first == DESCRIPTOR else first
        csize, size = struct.unpack("<QQ" if self.zip64 else "<II", self.stream.read(
            16 if self.zip64 else 8))  # fmt: skip
        return crc, csize, size

    def _damaged(self) -> BadArchive:
        return BadArchive(_("{name} in the archive is damaged (size or CRC).").format(
            name=self.name))  # fmt: skip


class _Directory:
    """A zip file's central directory, read only when a stored file gives its CRC and sizes
    after its bytes (a deflated one ends with its deflate stream). The directory must list
    the entries in the stream's order (`_check_central`), so it is read alongside, entry
    by entry, never held. Nothing for a stream, or when the end of the file is no zip's end
    (the front-to-back read then says what is wrong)."""

    def __init__(self, src: BinaryIO) -> None:
        self.src = src
        self.at: int | None = None  # where the next entry of the directory starts
        self.index = 0  # and which one it is
        self.located = False

    def sizes(self, index: int, offset: int) -> tuple[int | None, int | None, int | None]:
        """The CRC and sizes the directory gives entry `index` of the stream, if it lists
        it at `offset` as one whose sizes come after its bytes."""
        src, unknown = self.src, (None, None, None)
        try:
            if not getattr(src, "seekable", lambda: False)():
                return unknown
            here = src.tell()
            try:
                return self._entry(index, offset) or unknown
            finally:
                src.seek(here)
        except (OSError, ValueError, struct.error):
            return unknown

    def _entry(self, index: int, offset: int) -> tuple[int, int, int] | None:
        if not self.located:
            self.located, self.at = True, _directory_start(self.src)
        if self.at is None or index < self.index:
            return None
        self.src.seek(self.at)
        while True:
            fields = struct.unpack("<IHHHHHHIIIHHHHHII", self.src.read(46))
            if fields[0] != CENTRAL:
                self.at = None
                return None
            extra = self.src.read(fields[10] + fields[11])[fields[10] :]
            self.src.seek(fields[12], 1)
            self.at, self.index = self.src.tell(), self.index + 1
            if self.index - 1 == index:
                break
        flags, crc, csize, size, listed_at = fields[3], fields[7], fields[8], fields[9], fields[16]
        size, csize, listed_at = _zip64_sizes(extra, size, csize, listed_at)
        return (crc, csize, size) if flags & DESCRIBED and listed_at == offset else None


def _directory_start(src: BinaryIO) -> int | None:
    """Where the directory that the file's last end record names starts."""
    end = src.seek(0, 2)
    src.seek(max(0, end - _TAIL))
    tail = src.read(_TAIL)
    at = tail.rfind(struct.pack("<I", END))
    if at < 0 or at + 22 > len(tail):
        return None
    count, directory = struct.unpack_from("<10xHxxxxI", tail, at)
    if directory == FFFF32 or count == 0xFFFF:
        return _zip64_directory(src, end - len(tail) + at)
    return int(directory)


def _zip64_directory(src: BinaryIO, end_record: int) -> int:
    src.seek(end_record - 20)
    sig, _disk, where, _disks = struct.unpack("<IIQI", src.read(20))
    if sig != LOCATOR64:
        raise ValueError("no Zip64 locator")
    src.seek(where)
    fields = struct.unpack("<IQHHIIQQQQ", src.read(56))
    if fields[0] != END64:
        raise ValueError("no Zip64 end record")
    return int(fields[9])


def _check_central(stream: _Counting, seen: list[ZipEntry]) -> None:
    """The central directory must list the same entries, at the same offsets, as read, and
    the end records must point at it and say its size and count: `unzip` reads the last
    end record it finds, so one that points elsewhere, or another hidden in the comment,
    would make it extract files that were never verified."""
    start, listed = stream.offset - 4, list[ZipEntry]()
    sig = CENTRAL
    while sig == CENTRAL and len(listed) <= len(seen):
        listed.append(_central_entry(stream))
        (sig,) = struct.unpack("<I", stream.read(4))
    if listed != seen:
        raise BadArchive(_("The archive's directory does not match its contents."))
    directory = (len(listed), stream.offset - 4 - start, start)  # count, size, offset
    zip64 = sig == END64
    if zip64:
        _check_end64(stream, directory)
        (sig,) = struct.unpack("<I", stream.read(4))
    if sig != END:
        raise BadArchive(_("The archive is damaged (no end record)."))
    fields = struct.unpack("<HHHHIIH", stream.read(18))
    caps = (0xFFFF, 0xFFFF, FFFF32, FFFF32)  # what a Zip64 archive may write instead
    said = zip(fields[2:6], (directory[0], *directory), caps, strict=True)
    if fields[:2] != (0, 0) or any(v != real and not (zip64 and v == cap) for v, real, cap in said):
        raise _elsewhere()
    comment = stream.read(fields[6])
    if any(struct.pack("<I", record) in comment for record in _RECORDS):
        raise BadArchive(_("The archive's comment holds zip records: another directory "
                           "could be read in place of the one that was verified."))  # fmt: skip
    if stream.read(1, exact=False):
        raise BadArchive(_("The archive has data after its end."))


_RECORDS = (LOCAL, CENTRAL, END64, LOCATOR64, END)


def _central_entry(stream: _Counting) -> ZipEntry:
    fields = struct.unpack("<HHHHHHIIIHHHHHII", stream.read(42))
    made_by, flags, crc, csize, size = fields[0], fields[2], fields[6], fields[7], fields[8]
    nlen, xlen, clen, attrs, offset = fields[9], fields[10], fields[11], fields[14], fields[15]
    raw, extra = stream.read(nlen), stream.read(xlen)
    stream.read(clen)
    _check_name(raw, flags)
    if made_by >> 8 == 3 and stat.S_ISLNK(attrs >> 16):
        raise BadArchive(_("The archive holds a symbolic link: {name!r}").format(name=raw))
    size, _c, offset = _zip64_sizes(extra, size, csize, offset)
    return ZipEntry(raw, crc, size, offset)


def _check_end64(stream: _Counting, directory: tuple[int, int, int]) -> None:
    """One Zip64 end record (44 bytes: no extensible data), saying the directory's count,
    size and offset, and its locator pointing at it."""
    at = stream.offset - 4
    (length,) = struct.unpack("<Q", stream.read(8))
    if length != 44:
        raise BadArchive(_("The archive is damaged (a Zip64 end record of another size)."))
    fields = struct.unpack("<HHIIQQQQ", stream.read(44))
    count, size, offset = directory
    if fields[2:] != (0, 0, count, count, size, offset):
        raise _elsewhere()
    sig, disk, where, disks = struct.unpack("<IIQI", stream.read(20))
    if (sig, disk, where, disks) != (LOCATOR64, 0, at, 1):
        raise _elsewhere()


def _elsewhere() -> BadArchive:
    return BadArchive(_("The archive's end records do not describe the directory that was "
                        "read: a zip tool could read another one."))  # fmt: skip
