"""What a file is: its type from its first bytes, and where its bytes are read from.

An original is read either from a file the user chose, or from memory when it comes back
out of the case file (a received package): never from a plaintext copy on disk.
"""

from __future__ import annotations

import io
import mimetypes
import os
import re
from dataclasses import dataclass
from typing import BinaryIO

HEAD_SIZE = 64 * 1024


@dataclass(frozen=True)
class InMemory:
    """An original's bytes held in memory, with its name."""

    name: str
    data: bytes


Source = str | InMemory  # a path, or bytes in memory


def open_source(source: Source) -> BinaryIO:
    return io.BytesIO(source.data) if isinstance(source, InMemory) else open(source, "rb")


def source_name(source: Source) -> str:
    if isinstance(source, InMemory):
        return source.name
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def source_size(source: Source) -> int:
    return len(source.data) if isinstance(source, InMemory) else os.path.getsize(source)


def is_readable_file(source: Source) -> bool:
    """False for a FIFO or device, which would block whoever opens it."""
    return isinstance(source, InMemory) or os.path.isfile(source)


_SIGNATURES = tuple((re.compile(magic, re.DOTALL), mime) for magic, mime in (
    (rb"\xff\xd8\xff", "image/jpeg"), (rb"\x89PNG\r\n\x1a\n", "image/png"),
    (rb"GIF8[79]a", "image/gif"), (rb"II[*+]\x00|MM\x00[*+]", "image/tiff"),
    (rb"RIFF....WEBP", "image/webp"), (rb"RIFF....WAVE", "audio/wav"),
    (rb"RIFF....AVI ", "video/x-msvideo"), (rb"\x1a\x45\xdf\xa3", "video/x-matroska"),
    (rb"\x47.{187}\x47.{187}\x47", "video/mp2t"), (rb"....\x47.{191}\x47.{191}\x47", "video/mp2t"),
    (rb"....(?:moov|mdat|wide)", "video/quicktime"), (rb"%PDF-", "application/pdf"),
    (rb"PK\x03\x04|PK\x05\x06", "application/zip"),
    (rb"ID3|\xff[\xe2-\xe7\xea-\xef\xf2-\xf7\xfa-\xff]", "audio/mpeg"),  # MPEG audio frame sync
))  # fmt: skip
_FTYP_BRANDS = {brand.ljust(4): mime for mime, brands in (
    ("image/avif", "avif avis"), ("image/heic", "heic heix heim heis hevc hevx"),
    ("image/heif", "mif1 msf1"), ("image/x-canon-cr3", "crx"), ("video/quicktime", "qt"),
    ("video/3gpp", "3gp4 3gp5 3gp6 3gp7"), ("video/3gpp2", "3g2a"), ("audio/mp4", "M4A M4B"),
    ("video/mp4", "isom iso2 iso4 iso5 iso6 mp41 mp42 avc1 M4V dash"),
) for brand in brands.split()}  # fmt: skip
# Within the TIFF family the content cannot tell raw formats apart cheaply; the name can.
_TIFF_RAW_EXT = {
    ".dng": "image/x-adobe-dng", ".arw": "image/x-sony-arw", ".nef": "image/x-nikon-nef",
    ".nrw": "image/x-nikon-nrw", ".orf": "image/x-olympus-orf", ".rw2": "image/x-panasonic-rw2",
    ".pef": "image/x-pentax-pef", ".srw": "image/x-samsung-srw", ".cr2": "image/x-canon-cr2",
}  # fmt: skip
_ZIP_EXT = (".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".epub")
# Types recognised by content: a name claiming one of them lies if the content did not match.
_SIGNATURE_TYPES = {m for _r, m in _SIGNATURES} | {*_FTYP_BRANDS.values(), *_TIFF_RAW_EXT.values()}


def by_extension(ext: str) -> str | None:
    return _TIFF_RAW_EXT.get(ext) or mimetypes.guess_type("x" + ext, strict=False)[0]


def _sniff(head: bytes) -> str | None:
    if head[4:8] == b"ftyp":  # ISO-BMFF: the major brand, then the compatible ones in order
        brands = [head[i : i + 4].decode("latin-1") for i in range(8, min(len(head), 64) - 3, 4)]
        return next((_FTYP_BRANDS[b] for b in brands if b in _FTYP_BRANDS), "video/mp4")
    for pattern, mime in _SIGNATURES:
        if pattern.match(head):
            return mime
    return "text/plain" if _is_text(head) else None


def _is_text(head: bytes) -> bool:
    if not head or any(b < 32 and b not in b"\t\n\r\f" for b in head):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:  # a multi-byte character cut at the end of the head
        return err.start >= len(head) - 3 and err.reason == "unexpected end of data"
    return True


def detect_mime(head: bytes, name: str) -> str:
    """The type from the first bytes (64 KiB is plenty), then the name, which may lie."""
    ext, sniffed = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else "", _sniff(head)
    if sniffed == "image/tiff" and ext in _TIFF_RAW_EXT:
        return _TIFF_RAW_EXT[ext]
    if sniffed == "application/zip" and ext in _ZIP_EXT:
        return by_extension(ext) or sniffed
    if sniffed or not head:
        return sniffed or "application/octet-stream"
    guessed = by_extension(ext)
    return guessed if guessed and guessed not in _SIGNATURE_TYPES else "application/octet-stream"
