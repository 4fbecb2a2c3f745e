"""Zip archives for packages, written and read as streams (bounded memory, no seeking).

Writing: every entry is stored (photos and videos do not compress) with Zip64 sizes, its
CRC and sizes known before its bytes, so the archive can be produced into an encrypting
stream and read back front to back. Reading: local headers are followed in order, and the
central directory at the end must describe exactly the same entries, so a reader that
trusts the central directory (`unzip`) sees the very files that were verified.
"""

from __future__ import annotations

import io
import stat
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from vault.errors import VaultError
from vault.i18n import _

LOCAL, CENTRAL, END64, LOCATOR64, END = 0x04034B50, 0x02014B50, 0x06064B50, 0x07064B50, 0x06054B50
FFFF32, UTF8_FLAG, VERSION = 0xFFFFFFFF, 0x0800, 45
MAX_MEMBER = 1 << 40  # 1 TiB: a declared size beyond this is an attack, not evidence
MAX_RATIO = 1000  # deflate expanding more than this is a zip bomb
MAX_NAME = 4096
_DOS_DATE = (0, 0x21)  # 1980-01-01 00:00; real times live in the signed log


class BadArchive(VaultError):
    """The archive is damaged or hostile; the message says how."""

    exit_code = 1


@dataclass(frozen=True)
class _Entry:
    name: bytes
    crc: int
    size: int
    offset: int


class ZipStreamWriter:
    """Writes stored Zip64 entries to a forward-only stream."""

    def __init__(self, out: BinaryIO | io.RawIOBase) -> None:
        self._out, self._offset = out, 0
        self._entries: list[_Entry] = []

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._offset += len(data)

    def add(self, name: str, crc: int, size: int, chunks: Iterator[bytes]) -> None:
        """One entry whose CRC-32 and size the caller computed beforehand."""
        raw = name.encode("utf-8")
        entry = _Entry(raw, crc, size, self._offset)
        extra = struct.pack("<HHQQ", 1, 16, size, size)
        self._write(struct.pack("<IHHHHHIIIHH", LOCAL, VERSION, UTF8_FLAG, 0, *_DOS_DATE, crc,
                                FFFF32, FFFF32, len(raw), len(extra)) + raw + extra)  # fmt: skip
        written = 0
        for chunk in chunks:
            self._write(chunk)
            written += len(chunk)
        if written != size:
            raise BadArchive(_("An original changed size while it was being exported."))
        self._entries.append(entry)

    def close(self) -> None:
        """Write the central directory and the end records."""
        start = self._offset
        for e in self._entries:
            extra = struct.pack("<HHQQQ", 1, 24, e.size, e.size, e.offset)
            self._write(struct.pack("<IHHHHHHIIIHHHHHII", CENTRAL, (3 << 8) | VERSION, VERSION,
                                    UTF8_FLAG, 0, *_DOS_DATE, e.crc, FFFF32, FFFF32, len(e.name),
                                    len(extra), 0, 0, 0, (stat.S_IFREG | 0o644) << 16, FFFF32)
                        + e.name + extra)  # fmt: skip
        size, end64, n = self._offset - start, self._offset, len(self._entries)
        self._write(struct.pack("<IQHHIIQQQQ", END64, 44, (3 << 8) | VERSION, VERSION, 0, 0, n, n,
                                size, start))  # fmt: skip
        self._write(struct.pack("<IIQI", LOCATOR64, 0, end64, 1))
        self._write(struct.pack("<IHHHHIIH", END, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                                min(size, FFFF32), min(start, FFFF32), 0))  # fmt: skip


class _Counting:
    """Reads exactly what is asked from the stream, counting the offset; EOF is an error."""

    def __init__(self, src: BinaryIO) -> None:
        self.src, self.offset = src, 0

    def read(self, n: int, exact: bool = True) -> bytes:
        data = self.src.read(n)
        while exact and len(data) < n:
            more = self.src.read(n - len(data))
            if not more:
                raise BadArchive(_("The archive is truncated."))
            data += more
        self.offset += len(data)
        return data


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


def _check_name(raw: bytes, flags: int) -> str:
    name = raw.decode("utf-8" if flags & UTF8_FLAG else "cp437", "strict")
    parts = name.split("/")
    if (len(raw) > MAX_NAME or name.startswith("/") or "\\" in name or "\x00" in name
            or any(p in ("..", ".") for p in parts) or ":" in parts[0]):  # fmt: skip
        raise BadArchive(_("The archive holds an unsafe path: {name!r}").format(name=name))
    return name


def read_members(src: BinaryIO) -> Iterator[tuple[str, int, Callable[[int], bytes]]]:
    """Yield (name, size, read) for each file in order; `read(n)` gives its bytes.

    The caller reads each member before asking for the next; what it leaves is skipped.
    Raises BadArchive for anything hostile or inconsistent.
    """
    stream, seen = _Counting(src), []
    while True:
        (sig,) = struct.unpack("<I", stream.read(4))
        if sig != LOCAL:
            break
        entry, reader = _open_local(stream)
        seen.append(entry)
        if not entry.name.endswith(b"/"):
            yield entry.name.decode("utf-8", "replace"), entry.size, reader
        while reader(1 << 20):
            pass
    if sig != CENTRAL:
        raise BadArchive(_("The archive is damaged (unexpected data between entries)."))
    _check_central(stream, seen)


def _open_local(stream: _Counting) -> tuple[_Entry, Callable[[int], bytes]]:
    offset = stream.offset - 4
    (_v, flags, method, _t, _d, crc, csize, size, nlen, xlen) = struct.unpack(
        "<HHHHHIIIHH", stream.read(26)
    )
    raw, extra = stream.read(nlen), stream.read(xlen)
    name = _check_name(raw, flags)
    size, csize = _zip64_sizes(extra, size, csize)
    if flags & 0x0001 or method not in (0, 8) or flags & 0x0008:
        raise BadArchive(
            _("The archive uses a feature packages never use ({name}).").format(name=name)
        )
    if size > MAX_MEMBER or (method == 8 and size > MAX_RATIO * max(csize, 1)):
        raise BadArchive(
            _("The archive declares an absurd size for {name} (zip bomb?).").format(name=name)
        )
    if method == 0 and size != csize:
        raise BadArchive(_("The archive is damaged ({name}).").format(name=name))
    return _Entry(raw, crc, size, offset), _member_reader(stream, name, method, crc, size, csize)


def _member_reader(stream: _Counting, name: str, method: int, crc: int, size: int,
                   csize: int) -> Callable[[int], bytes]:  # fmt: skip
    state = {"left": csize, "out": 0, "crc": 0}
    inflater = zlib.decompressobj(-15) if method == 8 else None

    def read(n: int) -> bytes:
        while state["left"] or (inflater and inflater.unconsumed_tail):
            raw = stream.read(min(n, state["left"])) if state["left"] else b""
            state["left"] -= len(raw)
            try:
                data = inflater.decompress(inflater.unconsumed_tail + raw, n) if inflater else raw
            except zlib.error:  # a damaged deflate stream is a damaged member, not a crash
                raise BadArchive(
                    _("{name} in the archive is damaged (size or CRC).").format(name=name)
                ) from None
            if data:
                return _account(data)
        if state["out"] != size or state["crc"] != crc:
            raise BadArchive(_("{name} in the archive is damaged (size or CRC).").format(name=name))
        return b""

    def _account(data: bytes) -> bytes:
        state["out"] += len(data)
        state["crc"] = zlib.crc32(data, state["crc"])
        if state["out"] > size:
            raise BadArchive(
                _("{name} expands beyond its declared size (zip bomb?).").format(name=name)
            )
        return data

    return read


def _check_central(stream: _Counting, seen: list[_Entry]) -> None:
    """The central directory must list the same entries, at the same offsets, as read."""
    listed = []
    sig = CENTRAL
    while sig == CENTRAL:
        fields = struct.unpack("<HHHHHHIIIHHHHHII", stream.read(42))
        made_by, flags, crc, csize, size = fields[0], fields[2], fields[6], fields[7], fields[8]
        nlen, xlen, clen, attrs, offset = fields[9], fields[10], fields[11], fields[14], fields[15]
        raw, extra = stream.read(nlen), stream.read(xlen)
        stream.read(clen)
        _check_name(raw, flags)
        if made_by >> 8 == 3 and stat.S_ISLNK(attrs >> 16):
            raise BadArchive(_("The archive holds a symbolic link: {name!r}").format(name=raw))
        size, _c, offset = _zip64_sizes(extra, size, csize, offset)
        listed.append(_Entry(raw, crc, size, offset))
        (sig,) = struct.unpack("<I", stream.read(4))
    if listed != seen:
        raise BadArchive(_("The archive's directory does not match its contents."))
    while sig in (END64, LOCATOR64):
        length = struct.unpack("<Q", stream.read(8))[0] if sig == END64 else 16
        stream.read(length)
        (sig,) = struct.unpack("<I", stream.read(4))
    if sig != END:
        raise BadArchive(_("The archive is damaged (no end record)."))
    comment_len = struct.unpack("<16xH", stream.read(18))[0]
    stream.read(comment_len)
    if stream.read(1, exact=False):
        raise BadArchive(_("The archive has data after its end."))
