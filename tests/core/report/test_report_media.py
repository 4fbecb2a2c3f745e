"""A video exhibit in a real PDF report: its duration, codecs and a strip of frames with
their times, decoded from the case file's chunks (DESIGN §11); read back with poppler."""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers.case import CORPUS, new_case
from tests.helpers.report import pdf_text, run
from vault.evidence.ingest import import_paths
from vault.evidence.media import clock
from vault.report.generate import generate_report

VIDEO = CORPUS / "video"


def test_video_exhibit_shows_a_strip_of_frames_with_times_duration_and_codecs(
    tmp_path: Path,
) -> None:
    case = new_case(tmp_path)
    import_paths(case, [VIDEO / "iPhone6_gps_rot90.mov", VIDEO / "Matroska.mkv"])
    out = tmp_path / "report.pdf"
    generate_report(case, out, language="en")
    case.close()
    text = pdf_text(out)
    assert "Frames (time from the start)" in text
    assert "0:04.002" in text and "avc1 / mp4a" in text
    assert "568 × 320 (shown turned 90° clockwise)" in text
    assert len(re.findall(r"\b0:0[0-3]\.\d{3}\b", text)) >= 6  # the strip's time labels
    # The stripped Matroska file reads its facts but has no frames: the report says why.
    assert "2:28.608" in text and "No frames:" in text
    images = run("pdfimages", "-list", str(out)).splitlines()[2:]
    assert len(images) >= 7  # the thumbnail and six frames of the iPhone clip


def test_clock_shows_minutes_seconds_and_milliseconds() -> None:
    assert clock(0) == "0:00.000"
    assert clock(4002) == "0:04.002"
    assert clock(148_608) == "2:28.608"
    assert clock(3_723_004) == "1:02:03.004"
