"""Video and audio evidence through the real import and `items --json` (DESIGN §11, §12)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.helpers.case import CORPUS, new_case, run_cli
from tests.helpers.videos import tagged_video
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items, read_original, thumbnail

VIDEO = CORPUS / "video"


def test_imported_phone_video_lists_its_capture_facts_in_items_json(tmp_path: Path) -> None:
    case = new_case(tmp_path)
    import_paths(case, [VIDEO / "iPhone6_gps_rot90.mov", VIDEO / "alac_zero-date.m4a"])
    case.close()
    shown = run_cli("items", case.path, "--json")
    assert shown.returncode == 0, shown.stderr
    video, audio = json.loads(shown.stdout)
    assert video["mime"] == "video/quicktime"
    assert (video["captured_at"], video["captured_offset"]) == ("2019-07-24T11:25:40", "+03:00")
    assert (video["duration_ms"], video["rotation"], video["width"], video["height"]) == (
        4002, 90, 568, 320)  # fmt: skip
    assert (video["video_codec"], video["audio_codec"]) == ("avc1", "mp4a")
    assert (video["gps_lat"], video["gps_lon"], video["gps_alt"]) == (
        "32.092900", "34.862000", "28.516")  # fmt: skip
    assert (video["make"], video["model"]) == ("Apple", "iPhone 6")
    assert audio["captured_at"] is None and audio["duration_ms"] == 11288
    assert audio["video_codec"] is None and audio["rotation"] is None


def test_hostile_and_stripped_media_import_bit_for_bit_with_warnings(tmp_path: Path) -> None:
    case = new_case(tmp_path)
    names = ["truncated-moov_fuzz-crash.mp4", "Matroska.mkv", "Pentax_QuickTime.mov"]
    result = import_paths(case, [VIDEO / n for n in names])
    assert result.failed == [] and len(result.imported) == 3
    for item in list_items(case.conn):
        original = b"".join(read_original(case.conn, item.id))
        assert original == (VIDEO / item.original_name).read_bytes()
        assert hashlib.sha256(original).hexdigest() == item.sha256
        assert item.warnings, item.original_name
        assert thumbnail(case.conn, item.id) is None
    case.close()


def test_video_thumbnail_is_stored_and_signed(tmp_path: Path) -> None:
    case = new_case(tmp_path)
    item = import_paths(case, [VIDEO / "with-gps.mp4"]).imported[0]
    thumb = thumbnail(case.conn, item.id)
    assert thumb is not None and thumb[:3] == b"\xff\xd8\xff"
    case.close()
    assert run_cli("verify", case.path).returncode == 0


def test_stored_original_reads_back_from_any_offset(tmp_path: Path) -> None:
    """What playback and the worker's frame reads rest on: any range, across chunk ends."""
    from vault.evidence.blobreader import BlobReader
    from vault.evidence.blobstore import CHUNK_SIZE
    from vault.evidence.items import get_item

    original = VIDEO / "FLIR_Thermal.mp4"  # 1.4 MB: two chunks
    data = original.read_bytes()
    case = new_case(tmp_path)
    item_id = import_paths(case, [original]).imported[0].id
    reader = BlobReader(case.conn, get_item(case.conn, item_id).blob_id)
    assert reader.size == len(data)
    for offset, n in [(0, 10), (CHUNK_SIZE - 5, 10), (CHUNK_SIZE, 7), (len(data) - 3, 100),
                      (5, len(data)), (len(data), 10), (-1, 5), (7, 0)]:  # fmt: skip
        assert reader.read_at(offset, n) == (data[offset : offset + n] if offset >= 0 else b"")
    case.close()


def test_a_frame_at_a_time_is_decoded_whole_and_upright_from_the_case(tmp_path: Path) -> None:
    from io import BytesIO

    from PIL import Image

    from vault.evidence.blobreader import BlobReader
    from vault.evidence.frames import FrameRequest
    from vault.evidence.items import get_item
    from vault.evidence.probe import MetadataProbe

    case = new_case(tmp_path)
    item = get_item(case.conn, import_paths(case, [VIDEO / "iPhone6_gps_rot90.mov"]).imported[0].id)
    with MetadataProbe() as probe:
        found = probe.frames(BlobReader(case.conn, item.blob_id),
                             FrameRequest(item.size, 90, at_ms=2000, still=True))  # fmt: skip
    assert found.problem is None and found.still is not None
    at_ms, png = found.still
    assert 2000 <= at_ms < 2100
    with Image.open(BytesIO(png)) as img:
        assert img.format == "PNG" and img.size == (320, 568)  # stored 568 x 320, turned 90°
    case.close()


def test_a_video_recorded_before_media_was_read_still_verifies_against_its_original() -> None:
    """An older case's video has the empty photo fields the app of the time stored; `verify`
    recomputing its metadata must not call that a change. A changed row still is one."""
    from vault.custody.records import _differences
    from vault.evidence.metadata import empty_fields, extract_metadata
    from vault.evidence.record import stored_text

    fresh = extract_metadata(str(VIDEO / "with-gps.mp4"))
    assert _differences(fresh, (stored_text(empty_fields()), "{}", None, fresh.mime)) == []
    forged = {**fresh.fields, "gps_lat": "50.000000"}
    assert _differences(fresh, (stored_text(forged), "{}", None, fresh.mime)) != []
    assert _differences(fresh, (stored_text(fresh.fields), "{}", None, fresh.mime)) == []


def test_a_stored_video_too_large_for_memory_is_read_through_the_worker_pipe(
    tmp_path: Path,
) -> None:
    """Received and older originals are read back from the case: a video beyond the in-memory
    limit is streamed to the worker and yields exactly what the file on disk yields."""
    from vault.evidence.items import get_item
    from vault.evidence.metadata import extract_metadata
    from vault.evidence.probe import IN_MEMORY_LIMIT, MetadataProbe, extract_stored

    original = VIDEO / "iPhone6_gps_rot90.mov"
    case = new_case(tmp_path)
    item = get_item(case.conn, import_paths(case, [original]).imported[0].id)
    with MetadataProbe() as probe:
        big = extract_stored(case.conn, probe, item.original_name, item.blob_id,
                             IN_MEMORY_LIMIT + 1)  # fmt: skip
    on_disk = extract_metadata(str(original))
    assert big.complete and big.fields["duration_ms"] == 4002
    assert (big.mime, big.fields, big.tags) == (on_disk.mime, on_disk.fields, on_disk.tags)
    assert (big.thumbnail, big.warnings) == (on_disk.thumbnail, on_disk.warnings)
    case.close()


def test_an_action_camera_and_an_android_phone_name_themselves(tmp_path: Path) -> None:
    """QuickTime's ©mak / ©mod (GoPro, Canon) and Android's com.android keys name the
    camera, as Apple's keys already did."""
    gopro = tagged_video(tmp_path / "GX010001.MOV", {"make": "GoPro", "model": "HERO11 Black"})
    android = tagged_video(
        tmp_path / "VID_20230506.mp4",
        {"com.android.manufacturer": "samsung", "com.android.model": "SM-G991B"},
        {"movflags": "use_metadata_tags"},
    )
    fields = imported_fields(tmp_path, [gopro, android])
    assert [(f["make"], f["model"]) for f in fields] == [
        ("GoPro", "HERO11 Black"), ("samsung", "SM-G991B")]  # fmt: skip


def test_a_location_in_degrees_and_minutes_or_seconds_is_read_as_exiftool_reads_it(
    tmp_path: Path,
) -> None:
    """ISO 6709 allows ±DDMM.M and ±DDMMSS.S as well as decimal degrees (New York here,
    40.4501° N 74.0085° W as exiftool reads both)."""
    minutes = tagged_video(tmp_path / "minutes.mov", {"location": "+4027.006-07400.512/"})
    seconds = tagged_video(tmp_path / "seconds.mov", {"location": "+402700.5-0740030.7/"})
    fields = imported_fields(tmp_path, [minutes, seconds])
    assert [(f["gps_lat"], f["gps_lon"]) for f in fields] == [
        ("40.450100", "-74.008533"), ("40.450139", "-74.008528")]  # fmt: skip
    assert all(not f["warnings"] for f in fields)


def test_a_location_with_minutes_past_59_is_not_a_position(tmp_path: Path) -> None:
    bad = tagged_video(tmp_path / "bad.mov", {"location": "+4075.000-07400.512/"})
    (fields,) = imported_fields(tmp_path, [bad])
    assert fields["gps_lat"] is None
    assert fields["warnings"] == [
        "The location '+4075.000-07400.512/' is not an ISO 6709 position."
    ]


def imported_fields(folder: Path, videos: list[Path]) -> list[dict]:
    """Each video as `items --json` gives it after an import."""
    new_case(folder).close()
    done = run_cli("import", folder / "case.evault", *videos)
    assert done.returncode == 0, done.stderr
    listed = json.loads(run_cli("items", folder / "case.evault", "--json").stdout)
    return listed
