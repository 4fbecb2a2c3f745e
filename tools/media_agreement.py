"""Per-field agreement of our video/audio metadata with exiftool's (DESIGN §11).

    python -m tools.media_agreement            # the table and the total, through the worker

The oracle is ../shared/corpus/video/expected.json ("exiftool": `exiftool -n`; where -n shows
a code instead of the value, as for the Make of an AVCHD file, the printed value). A field is
compared where exiftool has a reading; where only we have one it is listed as "ours only".
tests/core/evidence/test_corpus_media.py holds the known disagreements, explained in
docs/metadata-known-gaps.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from vault.evidence.metadata import Extracted
from vault.evidence.probe import MetadataProbe

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
FIELDS = ("captured_at", "duration_ms", "width", "height", "rotation", "video_codec",
          "audio_codec", "gps_lat", "gps_lon", "gps_alt", "make", "model", "software")  # fmt: skip
# exiftool's tags per field, in order of preference (the first one it reports is the oracle).
_ORACLE_TAGS = {
    "captured_at": ("CreationDate", "DateTimeOriginal", "CreateDate"),
    "duration_ms": ("Duration",), "width": ("ImageWidth",), "height": ("ImageHeight",),
    "rotation": ("Rotation",), "video_codec": ("CompressorID", "VideoCodec", "VideoCodecID"),
    "audio_codec": ("AudioFormat", "AudioCodecID", "Encoding"), "gps_lat": ("GPSLatitude",),
    "gps_lon": ("GPSLongitude",), "gps_alt": ("GPSAltitude",), "make": ("Make",),
    "model": ("Model",), "software": ("Software",),
}  # fmt: skip
_RIFF_FORMATS = {1: "PCM", 3: "IEEE float", 6: "A-law", 7: "mu-law", 85: "MPEG Audio"}
_DATE = re.compile(r"(\d{4}):(\d\d):(\d\d) (\d\d):(\d\d):(\d\d)(Z|[+-]\d\d:\d\d)?")
_TOLERANCE = {"gps_lat": Decimal("0.00001"), "gps_lon": Decimal("0.00001"),
              "gps_alt": Decimal("0.001")}  # fmt: skip


@dataclass
class Agreement:
    """Every compared (file, field) with exiftool's value and ours."""

    agree: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    differ: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    ours_only: list[tuple[str, str, Any]] = field(default_factory=list)

    @property
    def percent(self) -> Decimal:
        total = len(self.agree) + len(self.differ)
        return (Decimal(100 * len(self.agree)) / total).quantize(Decimal("0.1"))


def oracle(entry: dict[str, Any], name: str) -> Any:
    """exiftool's reading of one of our fields, in our terms (None: it has none)."""
    readings, printed = entry["exiftool"], entry.get("exiftool_printed_differs") or {}
    tag = next((t for t in _ORACLE_TAGS[name] if readings.get(t) is not None), None)
    if tag is None:
        return None
    value = printed.get(tag, readings[tag]) if tag == "Make" else readings[tag]
    if tag == "Encoding":  # the RIFF format tag; 1 is PCM
        return _RIFF_FORMATS.get(value, str(value))
    if name == "captured_at":
        return _date(str(value))
    if name == "duration_ms":
        return int((Decimal(str(value)) * 1000).to_integral_value())
    if name.startswith("gps_"):
        return Decimal(str(value))
    return value if isinstance(value, int) else str(value).strip()


def _date(text: str) -> Any:
    """(local time, offset) of an exiftool date; a 1904 QuickTime zero is no date."""
    match = _DATE.match(text)
    if not match or text.startswith("1904:01:01 00:00:00"):
        return None if match else text
    y, mo, d, h, mi, s, zone = match.groups()
    offset = "+00:00" if zone == "Z" else zone
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}", offset


def ours(fields: dict[str, Any], name: str) -> Any:
    """Our reading of a field, in the oracle's terms."""
    if name == "captured_at":
        return None if fields["captured_at"] is None else (
            fields["captured_at"], fields["captured_offset"])  # fmt: skip
    value = fields.get(name)
    return Decimal(value) if name.startswith("gps_") and value is not None else value


def same(name: str, expected: Any, found: Any) -> bool:
    if name in _TOLERANCE and expected is not None and found is not None:
        return bool(abs(expected - found) <= _TOLERANCE[name])
    return bool(expected == found)


def compare(readings: dict[str, Extracted], expected: dict[str, Any]) -> Agreement:
    """Agreement of `readings` (corpus key -> what we extracted) with the oracle."""
    result = Agreement()
    for key, entry in expected["files"].items():
        fields = readings[key].fields
        for name in FIELDS:
            want, got = oracle(entry, name), ours(fields, name)
            if want is None:
                if got is not None:
                    result.ours_only.append((key, name, got))
            elif same(name, want, got):
                result.agree.append((key, name, want, got))
            else:
                result.differ.append((key, name, want, got))
    return result


def read_corpus(probe: MetadataProbe) -> tuple[dict[str, Extracted], dict[str, Any]]:
    """Every file of the video corpus through the sandboxed worker, and the oracle."""
    expected = json.loads((CORPUS / "video" / "expected.json").read_text("utf-8"))
    readings = {key: probe.extract(str(CORPUS / key)) for key in expected["files"]}
    return readings, expected


def main() -> None:
    with MetadataProbe() as probe:
        result = compare(*read_corpus(probe))
    for key, name, want, got in result.differ:
        print(f"DIFFER  {key:40} {name:12} exiftool={want!r} ours={got!r}")
    for key, name, got in result.ours_only:
        print(f"OURS    {key:40} {name:12} ours={got!r}")
    compared = len(result.agree) + len(result.differ)
    print(f"agreement with exiftool: {len(result.agree)}/{compared} = {result.percent} %")


if __name__ == "__main__":
    main()
