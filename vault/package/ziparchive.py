"""Zip archives for packages, written as streams (bounded memory, no seeking).

Every entry is stored (photos and videos do not compress) with Zip64 sizes, its CRC and
sizes known before its bytes, so the archive can be produced into an encrypting stream and
read back front to back (`zipreader`, which reads other tools' zips too).
"""

from __future__ import annotations

import io
import stat
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from vault.errors import VaultError
from vault.i18n import _

LOCAL, CENTRAL, END64, LOCATOR64, END = 0x04034B50, 0x02014B50, 0x06064B50, 0x07064B50, 0x06054B50
FFFF32, UTF8_FLAG, VERSION = 0xFFFFFFFF, 0x0800, 45
_DOS_DATE = (0, 0x21)  # 1980-01-01 00:00; real times live in the signed log


class BadArchive(VaultError):
    """The archive is damaged or hostile; the message says how."""

    exit_code = 1


@dataclass(frozen=True)
class ZipEntry:
    """What the local header and the central directory must agree on, for each file."""

    name: bytes
    crc: int
    size: int
    offset: int


class ZipStreamWriter:
    """Writes stored Zip64 entries to a forward-only stream."""

    def __init__(self, out: BinaryIO | io.RawIOBase) -> None:
        self._out, self._offset = out, 0
        self._entries: list[ZipEntry] = []

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._offset += len(data)

    def add(self, name: str, crc: int, size: int, chunks: Iterator[bytes]) -> None:
        """One entry whose CRC-32 and size the caller computed beforehand."""
        raw = name.encode("utf-8")
        entry = ZipEntry(raw, crc, size, self._offset)
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
