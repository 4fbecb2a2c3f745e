"""Every corpus file through the sandboxed probe, compared field by field with exiftool.

The oracle is the "exif" view of ../shared/corpus/expected.json: exiftool reading only the
EXIF/TIFF IFDs, which is what exifread reads too. Each disagreement must be listed in
KNOWN_GAPS with its reason, and a listed gap that starts agreeing fails the run, so the
list (and docs/metadata-known-gaps.md) stays honest. Run with `-s` to see the table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from vault.evidence.metadata import Extracted
from vault.evidence.probe import MetadataProbe

FIELDS = ("make", "model", "orientation", "captured_at", "captured_offset", "gps_lat", "gps_lon",
          "gps_alt")  # fmt: skip

# (corpus file, our field) -> why we differ from exiftool's EXIF view, on purpose or not.
KNOWN_GAPS: dict[tuple[str, str], str] = {
    ("edge/altitude-wrapped.jpg", "gps_alt"): (
        "deliberate: the file stores 4294967284 m (a negative number written as unsigned "
        "32-bit); exiftool reports it verbatim, we refuse altitudes beyond 100 km and warn"
    ),
    ("hostile/hopper_bad_exif.jpg", "orientation"): (
        "exiftool rejects the whole IFD0 ('Bad IFD0 directory'); exifread still reads its "
        "first entries and returns Orientation 1"
    ),
    ("hostile/huge-dimensions-17737x7680.jpg", "make"): (
        "exifread reads the fuzzed IFD0 that exiftool rejects, and returns its Make"
    ),
    ("hostile/huge-dimensions-17737x7680.jpg", "model"): (
        "exifread reads the fuzzed IFD0 that exiftool rejects; the model is garbled"
    ),
    ("hostile/huge-dimensions-17737x7680.jpg", "orientation"): (
        "exifread reads the fuzzed IFD0 that exiftool rejects, and returns Orientation 1"
    ),
    ("hostile/exif_gps_typeerror.jpg", "captured_at"): (
        "deliberate: its EXIF has no DateTimeOriginal, its XMP has one; we read it from XMP "
        "and warn (exiftool's full reading gives the same time, its EXIF view none)"
    ),
    ("hostile/exif_gps_typeerror.jpg", "captured_offset"): (
        "deliberate: the offset of the same XMP DateTimeOriginal (+02:00)"
    ),
}


def _no_value(expected: Any) -> bool:
    # exiftool prints "" or "undef" where the stored value is invalid: we must give None.
    return expected is None or expected in ("", "undef")


def _same_text(expected: Any, ours: Any) -> bool:
    return ours is None if _no_value(expected) else ours == str(expected).strip()


def _same_orientation(expected: Any, ours: Any) -> bool:
    valid = isinstance(expected, int) and 1 <= expected <= 8
    return ours == expected if valid else ours is None


def _same_date(expected: Any, ours: Any) -> bool:
    match = re.fullmatch(r"(\d{4}):(\d\d):(\d\d) (\d\d:\d\d:\d\d)", str(expected or ""))
    if not match:
        return ours is None
    return ours == "{}-{}-{}T{}".format(*match.groups())


def _same_number(limit: float, tolerance: float) -> Callable[[Any, Any], bool]:
    def same(expected: Any, ours: Any) -> bool:
        if _no_value(expected) or not isinstance(expected, int | float):
            return ours is None
        if abs(expected) > limit:  # out of range: the notes say never accept it blindly
            return ours is None
        return isinstance(ours, str) and abs(float(ours) - expected) <= tolerance

    return same


COMPARE: dict[str, tuple[str, Callable[[Any, Any], bool]]] = {
    "make": ("Make", _same_text),
    "model": ("Model", _same_text),
    "orientation": ("Orientation", _same_orientation),
    "captured_at": ("DateTimeOriginal", _same_date),
    "captured_offset": ("OffsetTimeOriginal", _same_text),
    "gps_lat": ("GPSLatitude", _same_number(90, 1e-6)),
    "gps_lon": ("GPSLongitude", _same_number(180, 1e-6)),
    "gps_alt": ("GPSAltitude", _same_number(1e12, 1e-3)),
}


@pytest.fixture(scope="module")
def expected(corpus: Path) -> dict[str, Any]:
    return json.loads((corpus / "expected.json").read_text(encoding="utf-8"))["files"]


@pytest.fixture(scope="module")
def extracted(corpus: Path, expected: dict[str, Any]) -> dict[str, Extracted]:
    with MetadataProbe() as probe:
        return {name: probe.extract(str(corpus / name)) for name in expected}


def _agrees(entry: dict[str, Any], result: Extracted, field: str) -> bool:
    key, same = COMPARE[field]
    return same(entry["exif"][key], result.fields[field])


def _disagreements(expected: dict, extracted: dict) -> set[tuple[str, str]]:
    return {
        (name, field)
        for name, entry in expected.items()
        for field in FIELDS
        if not _agrees(entry, extracted[name], field)
    }


def test_every_corpus_file_is_read_without_an_exception(expected, extracted):
    assert len(extracted) == len(expected) == 80
    for name, result in extracted.items():
        assert set(result.fields) >= set(FIELDS), name
        assert all(isinstance(w, str) and w for w in result.warnings), name


def test_metadata_agrees_with_exiftool_except_documented_gaps(expected, extracted):
    _print_table(expected, extracted)
    unexpected = _disagreements(expected, extracted) - set(KNOWN_GAPS)
    details = [
        f"{name} {field}: exiftool {expected[name]['exif'][COMPARE[field][0]]!r}, "
        f"ours {extracted[name].fields[field]!r}"
        for name, field in sorted(unexpected)
    ]
    assert not details, "\n".join(details)


def test_known_gaps_still_disagree_so_the_list_stays_honest(expected, extracted):
    fixed = set(KNOWN_GAPS) - _disagreements(expected, extracted)
    assert not fixed, f"these gaps now agree; remove them from KNOWN_GAPS and the doc: {fixed}"


def test_every_known_gap_has_a_reason_and_a_corpus_file(expected):
    for (name, field), reason in KNOWN_GAPS.items():
        assert name in expected and field in FIELDS and len(reason) > 20


def _print_table(expected: dict, extracted: dict) -> None:
    print("\nfield             agree  of  (files where exiftool's EXIF view has a value)")
    for field in FIELDS:
        key = COMPARE[field][0]
        agree = sum(_agrees(e, extracted[n], field) for n, e in expected.items())
        present = sum(not _no_value(e["exif"][key]) for e in expected.values())
        print(f"{field:<17} {agree:>5}  {len(expected):>3}  ({present})")
