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


def test_capture_facts_are_labelled_by_where_they_come_from_in_both_languages(
    tmp_path: Path,
) -> None:
    """A video's capture time, camera and place come from its container (QuickTime/MP4
    atoms), a photo's from EXIF: the report says which, in English and in Ukrainian."""
    case = new_case(tmp_path)
    import_paths(case, [VIDEO / "iPhone6_gps_rot90.mov", CORPUS / "camera" / "Canon_40D.jpg"])
    english, ukrainian = tmp_path / "en.pdf", tmp_path / "uk.pdf"
    generate_report(case, english, language="en")
    generate_report(case, ukrainian, language="uk")
    case.close()
    text = pdf_text(english)
    video_rows = [("Captured", "24 July 2019, 11:25:40 (+03:00)"),
                  ("Camera", "Apple iPhone 6"), ("GPS", "32.092900, 34.862000")]  # fmt: skip
    for label, value in video_rows:
        assert _row(text, label, "(QuickTime/MP4)", value)
    assert _row(text, "Captured", "(EXIF)", "30 May 2008, 15:56:01")
    assert _row(text, "Camera", "(EXIF)", "Canon EOS 40D")
    assert _row(text, "Captured", "(EXIF, QuickTime/MP4)", "2008-05-30 15:56:01")  # the summary
    assert "container metadata, such as QuickTime/MP4 atoms" in " ".join(text.split())
    text = pdf_text(ukrainian)
    assert _row(text, "Камера", "(QuickTime/MP4)", "Apple iPhone 6")
    assert _row(text, "Камера", "(EXIF)", "Canon EOS 40D")
    assert "метадані контейнера відео чи запису" in " ".join(text.split())


def _row(layout: str, label: str, source: str, value: str) -> bool:
    """Whether a field row reads `label source  value` in pdftotext's layout, where the
    narrow label column may wrap the source's last words onto the next line."""
    words = [re.escape(part) for part in [label, *source.split()]]
    for cut in range(1, len(words) + 1):
        head, tail = r"\s+".join(words[:cut]), r"\s+".join(words[cut:])
        wrapped = rf"\s*\n\s*{tail}" if tail else ""
        if re.search(rf"{head}\s+{re.escape(value)}.*{wrapped}", layout):
            return True
    return False
