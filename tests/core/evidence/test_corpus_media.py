"""Every video and audio file of the corpus through the sandboxed worker, compared field by
field with exiftool (../shared/corpus/video/expected.json; `python -m tools.media_agreement`
prints the table).

Each disagreement must be listed in KNOWN_GAPS with its reason (docs/metadata-known-gaps.md
says more), and a listed gap that starts agreeing fails the run, so the list stays honest.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tools.media_agreement import compare, read_corpus
from vault.evidence.metadata import Extracted
from vault.evidence.probe import MetadataProbe

KNOWN_GAPS: dict[tuple[str, str], str] = {
    ("video/Pentax_Optio_WP.wav", "duration_ms"): (
        "the file's PCM data was stripped (its data chunk is empty); exiftool divides the file "
        "size by the byte rate, MediaInfo reports no duration for no samples"
    ),
    ("video/chirp-5-id3.mp3", "captured_at"): (
        "deliberate: the ID3 year is the junk text 'Test Year'; exiftool repeats it, we give "
        "no capture time and a warning"
    ),
    ("video/Sony_ILCE-7M3.mts", "duration_ms"): (
        "an MPEG transport stream states no duration; exiftool estimates 450 ms from PCR/PTS, "
        "MediaInfo 453 ms, ffprobe 544 ms"
    ),
    ("video/Pentax_QuickTime.mov", "make"): (
        "exiftool reads the make from Pentax's maker-note atom, which MediaInfo does not parse"
    ),
}


@pytest.fixture(scope="module")
def corpus_readings() -> Iterator[tuple[dict[str, Extracted], dict[str, Any]]]:
    with MetadataProbe() as probe:
        yield read_corpus(probe)


def test_media_metadata_agrees_with_exiftool_on_at_least_95_percent(
    corpus_readings: tuple[dict[str, Extracted], dict[str, Any]],
) -> None:
    result = compare(*corpus_readings)
    print(f"\nagreement: {len(result.agree)}/{len(result.agree) + len(result.differ)}"
          f" = {result.percent} %")  # fmt: skip
    assert result.percent >= Decimal(95)
    unexplained = [(k, f, want, got) for k, f, want, got in result.differ
                   if (k, f) not in KNOWN_GAPS]  # fmt: skip
    assert unexplained == []
    now_agreeing = set(KNOWN_GAPS) - {(k, f) for k, f, _w, _g in result.differ}
    assert now_agreeing == set(), "remove these from KNOWN_GAPS and the docs"


def test_iphone_clip_reads_local_capture_time_gps_and_rotation(
    corpus_readings: tuple[dict[str, Extracted], dict[str, Any]],
) -> None:
    fields = corpus_readings[0]["video/iPhone6_gps_rot90.mov"].fields
    assert (fields["captured_at"], fields["captured_offset"]) == ("2019-07-24T11:25:40", "+03:00")
    assert (fields["gps_lat"], fields["gps_lon"], fields["gps_alt"]) == (
        "32.092900", "34.862000", "28.516")  # fmt: skip
    assert (fields["width"], fields["height"], fields["rotation"]) == (568, 320, 90)
    assert (fields["video_codec"], fields["audio_codec"]) == ("avc1", "mp4a")
    assert (fields["make"], fields["model"], fields["software"]) == ("Apple", "iPhone 6", "12.3")


def test_zero_quicktime_date_is_no_capture_time(
    corpus_readings: tuple[dict[str, Extracted], dict[str, Any]],
) -> None:
    fields = corpus_readings[0]["video/alac_zero-date.m4a"].fields
    assert fields["captured_at"] is None and fields["captured_offset"] is None
    assert fields["duration_ms"] == 11288 and fields["audio_codec"] == "alac"


def test_decodable_videos_get_an_upright_thumbnail(
    corpus_readings: tuple[dict[str, Extracted], dict[str, Any]],
) -> None:
    from io import BytesIO

    from PIL import Image

    thumb = corpus_readings[0]["video/iPhone6_gps_rot90.mov"].thumbnail
    assert thumb is not None
    with Image.open(BytesIO(thumb)) as img:  # stored 568 x 320, turned 90°: portrait
        assert img.height > img.width


@pytest.mark.parametrize("name", ["Pentax_QuickTime.mov", "Matroska.mkv", "QuickTime.m4a"])
def test_stripped_media_reads_metadata_and_warns_instead_of_a_thumbnail(
    corpus_readings: tuple[dict[str, Extracted], dict[str, Any]], name: str
) -> None:
    reading = corpus_readings[0][f"video/{name}"]
    assert reading.fields["duration_ms"]
    assert reading.thumbnail is None
    if reading.mime.startswith("video/"):
        assert any(w.startswith("No thumbnail") for w in reading.warnings)


def test_truncated_fuzzed_container_is_warnings_not_a_failure(
    corpus_readings: tuple[dict[str, Extracted], dict[str, Any]],
) -> None:
    reading = corpus_readings[0]["video/truncated-moov_fuzz-crash.mp4"]
    assert reading.complete and reading.thumbnail is None
    assert any("truncated" in w for w in reading.warnings)
