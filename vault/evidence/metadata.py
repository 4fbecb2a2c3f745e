"""File-type detection, EXIF fields and thumbnails: pure functions, no Qt, no database.

Everything read from a file is hostile; nothing here raises, every problem is a user-facing
warning. Non-integers are decimal strings: the custody log forbids floats.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from vault.evidence.fields import FIELD_NAMES as FIELD_NAMES
from vault.evidence.fields import empty_fields as empty_fields
from vault.evidence.filetype import (
    HEAD_SIZE,
    Source,
    by_extension,
    detect_mime,
    is_readable_file,
    open_source,
    source_name,
    source_size,
)
from vault.evidence.xmp import xmp_facts
from vault.i18n import _

if TYPE_CHECKING:  # Pillow and exifread load when a file is read, not with this module:
    from PIL import Image  # every command imports it, few read images (issue 17)

# exifread logs tag values (file content) at debug level; content must never reach our logs.
logging.getLogger("exifread").setLevel(logging.CRITICAL + 1)

SCAN_LIMIT = 16 * 1024 * 1024  # how far the EXIF fallback scans; metadata sits near the start
MAX_TAG_CHARS = 1000
MAX_TAGS = 1000
THUMB_SIDE = 256
MAX_THUMB_PIXELS = 80_000_000  # refuse to decode anything larger: a decompression bomb
# Image types Pillow should open; failing to thumbnail one of these deserves a warning.
THUMBNAIL_EXPECTED = {f"image/{t}" for t in ("jpeg", "png", "gif", "tiff", "webp", "avif")}
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*")
_OFFSET_RE = re.compile(r"[+-](?:0\d|1[0-4]):[0-5]\d")


@dataclass
class Extracted:
    """What one file says about itself. `fields` always holds exactly FIELD_NAMES."""

    mime: str
    fields: dict[str, str | int | None] = field(default_factory=lambda: empty_fields())
    tags: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    thumbnail: bytes | None = None
    complete: bool = True  # False when the parsers were not run to the end (time, size)


def clean_text(value: str, limit: int = MAX_TAG_CHARS) -> str:
    """Printable text: line breaks become spaces, other control/format characters go."""
    if value.isprintable():  # the common case: no character to change (no C*, Zl, Zp)
        return value[:limit]
    out = []
    for ch in value[: limit * 2]:
        cat = unicodedata.category(ch)
        if ch in "\t\n\r" or cat in ("Zl", "Zp"):
            out.append(" ")
        elif not cat.startswith("C"):
            out.append(ch)
    return "".join(out)[:limit]


# --- EXIF -------------------------------------------------------------------------------

# Where exifread's container parsers miss EXIF (APPn out of order, WebP VP8X, 'heix' HEIF):
# "Exif\0\0" or a WebP EXIF chunk header, directly followed by a TIFF header.
_EXIF_BLOCK_RE = re.compile(rb"(?:Exif\x00\x00|EXIF....(?:Exif\x00\x00)?)(?=II\*\x00|MM\x00\*)",
                            re.DOTALL)  # fmt: skip
_CR3_BOXES = ((b"CMT1", "Image", False), (b"CMT2", "EXIF", False), (b"CMT4", "GPS", True))


def _read_exif(source: Source, problems: list[str]) -> dict[str, Any]:
    """exifread's tags; where it finds none, those of an EXIF block it could not locate."""
    import exifread

    tags: dict[str, Any] = {}
    try:
        with open_source(source) as fh:
            tags = exifread.process_file(fh, details=False, extract_thumbnail=False)
            if not any(key.startswith(("Image ", "EXIF ", "GPS ")) for key in tags):
                fh.seek(0)
                tags = _scan_for_exif(fh.read(SCAN_LIMIT)) or tags
    except Exception as err:  # noqa: BLE001 - exifread fails in many ways on hostile input
        problems.append(_("The EXIF data is damaged and could not be read fully ({e}).").format(
            e=type(err).__name__))  # fmt: skip
    return tags


def _scan_for_exif(data: bytes) -> dict[str, Any]:
    import exifread

    if data[4:12] == b"ftypcrx ":
        return _canon_cr3_exif(data)
    found = _EXIF_BLOCK_RE.search(data)
    if not found:
        return {}
    block = io.BytesIO(data[found.end() :])
    return exifread.process_file(block, details=False, extract_thumbnail=False)


def _canon_cr3_exif(data: bytes) -> dict[str, Any]:
    """CR3 keeps IFD0, the Exif IFD and the GPS IFD as separate TIFFs in CMT1/2/4 boxes."""
    from exifread.core.exif_header import ExifHeader
    from exifread.tags.exif import GPS_TAGS

    tags: dict[str, Any] = {}
    for box, ifd_name, gps in _CR3_BOXES:
        at = data.find(box)
        block = data[at + 4 : at - 4 + int.from_bytes(data[at - 4 : at], "big")]
        if at >= 4 and block[:4] in _TIFF_MAGIC:
            header = ExifHeader(io.BytesIO(block), block[:1].decode(), 0, 0, False, False, False)
            header.dump_ifd(header.s2n(4, 4), ifd_name, tag_dict=GPS_TAGS if gps else None)
            tags.update(header.tags)
    return tags


def _printable_tags(tags: dict[str, Any]) -> dict[str, str]:
    """Every tag as display text; binary blobs (maker notes, thumbnails) are left out."""
    keep = [(k, t) for k, t in tags.items() if "MakerNote" not in k and hasattr(t, "printable")]
    return {clean_text(str(k), 200): clean_text(str(t.printable)) for k, t in keep[:MAX_TAGS]}


# --- fields -----------------------------------------------------------------------------

_TEXT_FIELDS = {"make": "Image Make", "model": "Image Model", "software": "Image Software",
                "body_serial": "EXIF BodySerialNumber"}  # fmt: skip
_DATE_RE = re.compile(r"(\d{4})([:-])(\d\d)\2(\d\d)[ T](\d\d):(\d\d):(\d\d)")


def _tag_values(tags: dict[str, Any], key: str) -> Any:
    return getattr(tags.get(key), "values", None)


def _text(tags: dict[str, Any], key: str) -> str | None:
    values = _tag_values(tags, key)
    if isinstance(values, bytes):
        values = values.decode("latin-1")
    return (clean_text(values).strip() or None) if isinstance(values, str) else None


def _first_int(tags: dict[str, Any], key: str) -> int | None:
    values = _tag_values(tags, key)
    ok = isinstance(values, list) and values and isinstance(values[0], int)
    return int(values[0]) if ok else None


def _captured_at(tags: dict[str, Any], problems: list[str]) -> str | None:
    raw = _text(tags, "EXIF DateTimeOriginal")
    if raw is None:
        return None
    match = _DATE_RE.match(raw)
    try:  # isoformat gives exactly YYYY-MM-DDTHH:MM:SS for a whole-second datetime
        if match:
            year, month, day, hour, minute, second = (int(match[n]) for n in (1, 3, 4, 5, 6, 7))
            at = datetime(year, month, day, hour, minute, second)
            if match[2] == "-":  # read as exiftool reads it, and said
                problems.append(_(
                    "The camera date {v!r} is written with dashes, not the colons EXIF asks "
                    "for: software may have rewritten it."
                ).format(v=raw[:40]))  # fmt: skip
            return at.isoformat()
    except ValueError:
        pass
    problems.append(_("The camera date {v!r} is not a valid date.").format(v=raw[:40]))
    return None


def _checked(value: Any, valid: bool, problem: str, problems: list[str]) -> Any:
    """`value` if it is absent or valid; otherwise None, and `problem` is recorded."""
    if value is None or valid:
        return value
    problems.append(problem)
    return None


def _rational(value: Any) -> Fraction | None:
    if isinstance(value, Fraction) and value.denominator != 0:
        return Fraction(value.numerator, value.denominator)
    return Fraction(value) if isinstance(value, int) else None


def _decimal(value: Fraction, places: int) -> str:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    text = str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # no "-0.0"


def decimal_text(value: Fraction, places: int) -> str:
    """`value` rounded half-even to `places` decimals, as text (no "-0.0")."""
    return _decimal(value, places)


def _coordinate(tags: dict[str, Any], axis: str, label: str, problems: list[str]) -> str | None:
    values = _tag_values(tags, f"GPS GPS{axis}")
    if not isinstance(values, list) or not 1 <= len(values) <= 3:
        return None
    parts = [p for p in (_rational(v) for v in values) if p is not None and p >= 0]
    if len(parts) != len(values):
        problems.append(_("The GPS {axis} is not a valid number.").format(axis=label))
        return None
    degrees = sum(p / 60**i for i, p in enumerate(parts))
    if degrees > (90 if axis == "Latitude" else 180):
        problems.append(_("The GPS {axis} {v}° is out of range.").format(
            axis=label, v=_decimal(degrees, 6)))  # fmt: skip
        return None
    negative = (_text(tags, f"GPS GPS{axis}Ref") or "").upper() in ("S", "W")
    return _decimal(-degrees if negative else degrees, 6)


def _altitude(tags: dict[str, Any], problems: list[str]) -> str | None:
    values = _tag_values(tags, "GPS GPSAltitude")
    metres = _rational(values[0]) if isinstance(values, list) and len(values) == 1 else None
    if metres is not None and abs(metres) > 100_000:  # e.g. -12 written as unsigned 32-bit
        problems.append(_("The GPS altitude {v} m is implausible.").format(v=_decimal(metres, 0)))
        return None
    below_sea = _first_int(tags, "GPS GPSAltitudeRef") == 1
    return None if metres is None else _decimal(-metres if below_sea else metres, 3)


def _fields(tags: dict[str, Any], problems: list[str]) -> dict[str, str | int | None]:
    fields = empty_fields()
    fields["captured_at"] = _captured_at(tags, problems)
    offset = _text(tags, "EXIF OffsetTimeOriginal") or ""
    fields["captured_offset"] = _checked(offset or None, bool(_OFFSET_RE.fullmatch(offset)),
        _("The camera time zone {v!r} is not valid.").format(v=offset[:40]), problems)  # fmt: skip
    fields["gps_lat"] = _coordinate(tags, "Latitude", _("latitude"), problems)
    fields["gps_lon"] = _coordinate(tags, "Longitude", _("longitude"), problems)
    fields["gps_alt"] = _altitude(tags, problems)
    if fields["gps_lat"] == fields["gps_lon"] == "0.000000":
        problems.append(_("The GPS position is exactly 0°, 0°: usually the device had no fix."))
    for name, key in _TEXT_FIELDS.items():
        fields[name] = _text(tags, key)
    turn = _first_int(tags, "Image Orientation")
    fields["orientation"] = _checked(turn, turn in range(1, 9),
        _("The orientation value {v} is not valid (1 to 8).").format(v=turn), problems)  # fmt: skip
    fields["width"] = _first_int(tags, "EXIF ExifImageWidth")  # Pillow's header read wins later
    fields["height"] = _first_int(tags, "EXIF ExifImageLength")
    return fields


# --- image header and thumbnail ---------------------------------------------------------


def _bomb(detail: str) -> str:
    return _("The image was not decoded and has no thumbnail: {detail}, as in a decompression "
             "bomb.").format(detail=detail)  # fmt: skip


def _refusal(err: BaseException, mime: str) -> str | None:
    """The warning for an image Pillow refused or failed on; None when none is due."""
    from PIL import Image

    if isinstance(err, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return _bomb(_("its pixel count is excessive"))
    if isinstance(err, ValueError) and "too large" in str(err).lower():  # PNG zTXt/iCCP bombs
        return _bomb(_("a compressed block in it expands beyond a safe size"))
    if mime not in THUMBNAIL_EXPECTED:
        return None  # HEIC, raw and the like: Pillow cannot be expected to decode them
    return _("The image could not be decoded, so it has no thumbnail ({e}).").format(
        e=type(err).__name__)  # fmt: skip


@dataclass(frozen=True)
class _JpegHeader:
    """What a JPEG's segments before its scan declare, read without Pillow (which gives
    up on some bombs): the SOFn frame's size, and how many EXIF blocks (APP1) it holds."""

    size: tuple[int, int] | None
    exif_blocks: int


def _jpeg_header(source: Source) -> _JpegHeader:
    with open_source(source) as fh:
        data = fh.read(1024 * 1024)
    pos, blocks = 2, 0
    for _segment in range(10_000):
        if pos < 0 or pos + 9 > len(data) or data[pos + 1] == 0xDA:  # no SOF before the scan
            break
        marker, length = data[pos + 1], int.from_bytes(data[pos + 2 : pos + 4], "big")
        if data[pos] != 0xFF or not (0xC0 <= marker < 0xFF or marker == 0x01):  # junk
            pos = data.find(b"\xff", pos + 1)
        elif 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            size = data[pos + 5 : pos + 9]
            return _JpegHeader((int.from_bytes(size[2:], "big"), int.from_bytes(size[:2], "big")),
                               blocks)  # fmt: skip
        else:
            blocks += marker == 0xE1 and data[pos + 4 : pos + 10] == b"Exif\x00\x00"
            pos += 2 if marker == 0x01 or 0xD0 <= marker <= 0xD9 else 2 + length
    return _JpegHeader(None, blocks)


def _image_stage(source: Source, result: Extracted) -> None:
    """Fill the pixel size from Pillow's header read and make the thumbnail; bombs unread."""
    from PIL import Image

    # Pillow's open() reads only the header, and refuses huge GIF/PNG/TIFF/WebP sizes itself.
    header = _jpeg_header(source) if result.mime == "image/jpeg" else _JpegHeader(None, 0)
    if header.exif_blocks > 1:  # exifread reads the first; exiftool lets the last win
        result.warnings.append(_(
            "The photo holds more than one EXIF block, and they may disagree; the first is "
            "read. A camera writes one: software may have added the others."
        ))  # fmt: skip
    declared = header.size
    if declared and declared[0] * declared[1] > MAX_THUMB_PIXELS:  # before Pillow sees it
        result.warnings.append(_bomb(_("its header declares {w} × {h} pixels").format(
            w=declared[0], h=declared[1])))  # fmt: skip
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's chatter about odd files is not for users
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with open_source(source) as fh, Image.open(fh) as img:  # the header only, yet
                result.fields["width"], result.fields["height"] = img.size
                if img.width * img.height > MAX_THUMB_PIXELS:
                    raise Image.DecompressionBombError(f"{img.width}x{img.height}")
                if result.mime in THUMBNAIL_EXPECTED:  # raw, HEIF: at best an embedded preview
                    result.thumbnail = _thumbnail(img)
    except Exception as err:  # noqa: BLE001 - Pillow fails in many ways on hostile input
        result.warnings.extend(w for w in [_refusal(err, result.mime)] if w)


def _thumbnail(img: Image.Image) -> bytes:
    """A JPEG at most THUMB_SIDE px on its longest side, turned the way the camera meant."""
    from PIL import ExifTags, Image

    img.draft("RGB", (THUMB_SIDE, THUMB_SIDE))  # JPEG: let libjpeg decode at 1/2..1/8 scale
    # What is left to shrink is an area average (box; thumbnail() reduces big non-JPEGs by
    # whole factors first): at 256 px it looks as bicubic does, for a quarter less worker
    # CPU per phone photo (issue 17).
    img.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.BOX)
    # What ImageOps.exif_transpose does to the pixels, without rewriting the EXIF and XMP
    # that the thumbnail never keeps: the same tag, read the same way, the same turn.
    img.load()
    t = Image.Transpose
    turns = {2: t.FLIP_LEFT_RIGHT, 3: t.ROTATE_180, 4: t.FLIP_TOP_BOTTOM, 5: t.TRANSPOSE,
             6: t.ROTATE_270, 7: t.TRANSVERSE, 8: t.ROTATE_90}  # fmt: skip
    method = turns.get(img.getexif().get(ExifTags.Base.Orientation, 1))
    if method is not None:
        img = img.transpose(method)
    if img.mode in ("RGBA", "LA", "P", "PA"):  # transparent parts become white, not black
        rgba = img.convert("RGBA")
        img = Image.new("RGB", rgba.size, "white")
        img.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    img.convert("RGB" if img.mode != "L" else "L").save(out, "JPEG", quality=85)
    return out.getvalue()


# --- the entry point --------------------------------------------------------------------


def extract_metadata(source: Source) -> Extracted:
    """Type, EXIF fields and tags, and thumbnail of a file (a path, or bytes in memory);
    never raises (see `warnings`).

    Hostile files can make it slow or memory-hungry: the app calls it via MetadataProbe."""
    result = quick_look(source)
    if is_media(result.mime) and source_size(source) > 0:
        from vault.evidence.media import read_into  # media imports this module

        try:
            read_into(source, result)
        except Exception as err:  # noqa: BLE001 - a bug here must not stop an import
            problem = _("Reading the metadata failed unexpectedly ({e}).")
            result.warnings.append(problem.format(e=type(err).__name__))
    if result.mime.startswith("image/") and source_size(source) > 0:
        try:
            tags = _read_exif(source, result.warnings)
            result.tags = _printable_tags(tags)
            result.fields = _fields(tags, result.warnings)
            if not {"EXIF DateTimeOriginal", "GPS GPSLatitude"} <= tags.keys():
                _from_xmp(source, tags, result)
            _image_stage(source, result)
        except Exception as err:  # noqa: BLE001 - a bug here must not stop an import
            problem = _("Reading the metadata failed unexpectedly ({e}).")
            result.warnings.append(problem.format(e=type(err).__name__))
    return result


def _from_xmp(source: Source, tags: dict[str, Any], result: Extracted) -> None:
    """The capture time and position EXIF lacks, from the photo's XMP, said as such."""
    with open_source(source) as fh:
        facts = xmp_facts(fh.read(SCAN_LIMIT))
    fields = result.fields
    if "EXIF DateTimeOriginal" not in tags and facts.captured_at:
        fields["captured_at"], fields["captured_offset"] = facts.captured_at, facts.captured_offset
        result.warnings.append(_("The capture time comes from the photo's XMP, which software "
                                 "writes: its EXIF holds none."))  # fmt: skip
    if "GPS GPSLatitude" not in tags and facts.gps_lat is not None and facts.gps_lon is not None:
        fields["gps_lat"] = decimal_text(facts.gps_lat, 6)
        fields["gps_lon"] = decimal_text(facts.gps_lon, 6)
        result.warnings.append(_("The position comes from the photo's XMP, which software "
                                 "writes: its EXIF holds none."))  # fmt: skip


def is_media(mime: str) -> bool:
    """Whether `mime` is video or audio (read by vault/evidence/media.py in the worker)."""
    return mime.startswith(("video/", "audio/"))


def needs_worker(mime: str) -> bool:
    """Whether a file of this type is parsed in the sandboxed worker: images and media."""
    return mime.startswith("image/") or is_media(mime)


def quick_look(source: Source) -> Extracted:
    """What the first bytes tell: the type, or why the file cannot be read. Only images
    need more (EXIF, thumbnail), and only they need the sandboxed worker."""
    name = source_name(source)
    if not is_readable_file(source):
        return Extracted(mime="application/octet-stream", warnings=[_("Not a regular file.")])
    try:
        with open_source(source) as fh:
            head = fh.read(HEAD_SIZE)
    except OSError as err:
        problem = _("The file could not be read ({e}).").format(e=type(err).__name__)
        return Extracted(mime=detect_mime(b"", name), warnings=[problem])
    if not head:
        return Extracted(mime=detect_mime(head, name), warnings=[_("The file is empty.")])
    result = Extracted(mime=detect_mime(head, name))
    result.warnings.extend(renamed(name, result.mime))
    return result


def renamed(name: str, mime: str) -> list[str]:
    """A warning when the name claims another type than the content (where an image is
    involved): a renamed file is worth a second look by the investigator, not a refusal."""
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = by_extension(ext)
    if claimed and claimed != mime and "image/" in (claimed[:6], mime[:6]):
        return [_("The name ends in {ext} but the content is {mime}.").format(ext=ext, mime=mime)]
    return []
