"""The capture time and position a photo's XMP packet states, for a photo whose EXIF has
none (edited and exported photos often carry them only there).

XMP is XML written by software, not by the camera: it is read with two patterns per
property (an attribute or an element of the `exif:` namespace prefix), never with an XML
parser, so a hostile packet can neither expand nor reach out. What it gives is said to
come from XMP (`metadata.py` adds the warning).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

START, END = b"<x:xmpmeta", b"</x:xmpmeta>"
MAX_PACKET = 1 << 20  # a packet beyond this is not read
# exif:GPSLatitude "DDD,MM,SSk" or "DDD,MM.mmk" (XMP Specification Part 2, GPSCoordinate)
_COORDINATE = re.compile(r"(\d{1,3}),(\d{1,2}(?:\.\d+)?)(?:,(\d{1,2}(?:\.\d+)?))?([NSEW])")
_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(Z|[+-]\d\d:\d\d)?")


@dataclass(frozen=True)
class XmpFacts:
    captured_at: str | None = None  # YYYY-MM-DDTHH:MM:SS, as EXIF's is given
    captured_offset: str | None = None  # +HH:MM
    gps_lat: Fraction | None = None
    gps_lon: Fraction | None = None


def xmp_facts(data: bytes) -> XmpFacts:
    """What the first XMP packet in `data` (a file's first bytes) states; empty if none."""
    start = data.find(START)
    end = data.find(END, start) if start >= 0 else -1
    if start < 0 or end < 0 or end - start > MAX_PACKET:
        return XmpFacts()
    packet = data[start:end].decode("utf-8", "replace")
    lat = _coordinate(_property(packet, "GPSLatitude"), "NS", 90)
    lon = _coordinate(_property(packet, "GPSLongitude"), "EW", 180)
    at, offset = _date(_property(packet, "DateTimeOriginal"))
    return XmpFacts(at, offset, *((lat, lon) if lat is not None and lon is not None else ()))


def _property(packet: str, name: str) -> str:
    found = re.search(rf'exif:{name}\s*=\s*"([^"]{{1,64}})"', packet) or re.search(
        rf"<exif:{name}>([^<]{{1,64}})</exif:{name}>", packet
    )
    return found[1].strip() if found else ""


def _coordinate(text: str, hemispheres: str, limit: int) -> Fraction | None:
    found = _COORDINATE.fullmatch(text)
    if not found or found[4] not in hemispheres:
        return None
    minutes, seconds = Fraction(found[2]), Fraction(found[3] or 0)
    if minutes >= 60 or seconds >= 60 or (found[3] and minutes.denominator != 1):
        return None
    value = int(found[1]) + minutes / 60 + seconds / 3600
    if value > limit:
        return None
    return -value if found[4] in "SW" else value


def _date(text: str) -> tuple[str | None, str | None]:
    found = _DATE.fullmatch(text)
    if not found:
        return None, None
    year, month, day, hour, minute, second = (int(found[n] or 0) for n in range(1, 7))
    try:
        at = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None, None
    zone = found[7]
    return at.isoformat(), ("+00:00" if zone == "Z" else zone)
