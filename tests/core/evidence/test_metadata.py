"""vault.evidence.metadata in-process: type detection, fields, thumbnails, hostile input."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from vault.evidence.filetype import detect_mime
from vault.evidence.metadata import FIELD_NAMES, clean_text, extract_metadata


def _extract(corpus: Path, name: str):
    return extract_metadata(str(corpus / name))


def _thumb_size(data: bytes | None) -> tuple[int, int]:
    assert data is not None
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG"
        return img.size


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("hostile/jpeg-named.png", "image/jpeg"),
        ("hostile/jpeg-named.heic", "image/jpeg"),
        ("hostile/jpeg-named.nef", "image/jpeg"),
        ("hostile/text-file-named.jpg", "text/plain"),
        ("hostile/empty.jpg", "application/octet-stream"),
        ("heif/IMG_5195.HEIC", "image/heic"),
        ("avif/mountains.avif", "image/avif"),
        ("raw/Canon_EOS_R6_pruned.CR3", "image/x-canon-cr3"),
        ("raw/Apple_iPhone_12_Pro_ProRAW.dng", "image/x-adobe-dng"),
        ("tiff/BigTIFF.tif", "image/tiff"),
        ("webp/flower.webp", "image/webp"),
        ("png/sampleWithExifData.png", "image/png"),
        ("hostile/decompression_bomb.gif", "image/gif"),
    ],
)
def test_mislabeled_files_get_their_true_type(corpus, name, mime):
    head = (corpus / name).read_bytes()[:65536]
    assert detect_mime(head, Path(name).name) == mime


@pytest.mark.parametrize(
    ("head", "name", "mime"),
    [
        (b"%PDF-1.7\n", "report.bin", "application/pdf"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42", "clip.dat", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "clip.mov", "video/quicktime"),
        (b"\x00\x00\x00\x14ftyp3gp5\x00\x00\x00\x003gp5", "clip", "video/3gpp"),
        (b"PK\x03\x04\x14\x00", "archive.jpg", "application/zip"),
        (b"ID3\x04\x00", "voice", "audio/mpeg"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "voice.jpg", "audio/wav"),
        ("Свідок: текст".encode(), "note", "text/plain"),
        (b"\x00\x01\x02\x03garbage", "photo.jpg", "application/octet-stream"),
        (b"\x00\x01\x02\x03garbage", "table.csv", "text/csv"),
    ],
)
def test_type_comes_from_content_first_and_a_lying_name_is_not_believed(head, name, mime):
    assert detect_mime(head, name) == mime


def test_mislabeled_file_is_read_as_what_it_really_is(corpus):
    result = _extract(corpus, "hostile/jpeg-named.png")
    assert result.mime == "image/jpeg"
    assert (result.fields["make"], result.fields["gps_lat"]) == ("Apple", "-34.021358")
    assert _thumb_size(result.thumbnail) == (240, 180)


def test_gps_is_signed_decimal_strings_never_floats(corpus):
    fields = _extract(corpus, "camera/FurnaceCreekInn.jpg").fields
    assert (fields["gps_lat"], fields["gps_lon"], fields["gps_alt"]) == (
        "36.448333",
        "-116.855000",
        "-14.280",
    )
    assert set(fields) == set(FIELD_NAMES)
    assert not any(isinstance(value, float) for value in fields.values())


def test_southern_hemisphere_and_capture_offset_are_kept(corpus):
    fields = _extract(corpus, "phone/HMD_Nokia_8.3_5G.jpg").fields
    assert fields["captured_at"] == "2022-08-14T14:12:31"
    assert fields["captured_offset"] == "+03:00"
    assert _extract(corpus, "camera/elephants.jpg").fields["gps_lat"] == "-33.453470"


def test_camera_clock_past_2038_is_recorded_verbatim(corpus):
    assert _extract(corpus, "camera/Sigma DP1.jpg").fields["captured_at"] == "2038-05-05T01:29:24"


def test_out_of_range_latitude_is_refused_with_a_warning(corpus):
    result = _extract(corpus, "edge/buggy_panorama.jpg")
    assert result.fields["gps_lat"] is None
    assert result.fields["gps_lon"] == "103.480000"
    assert any("latitude" in w and "out of range" in w for w in result.warnings)


def test_null_island_position_is_kept_but_flagged(corpus):
    result = _extract(corpus, "phone/Samsung GT-I9000 (Galaxy S).jpg")
    assert result.fields["gps_lat"] == result.fields["gps_lon"] == "0.000000"
    assert any("0°, 0°" in w for w in result.warnings)


def test_exif_in_containers_exifread_misses_is_still_found(corpus):
    assert _extract(corpus, "raw/Canon_EOS_R6_pruned.CR3").fields["model"] == "Canon EOS R6"
    assert _extract(corpus, "heif/Sony_ILCE-1.HIF").fields["captured_offset"] == "+00:00"
    assert _extract(corpus, "webp/HTC Desire.webp").fields["gps_alt"] == "217.000"
    assert _extract(corpus, "phone/huawei-gps-error.jpg").fields["make"] == "HUAWEI"


def test_pixel_size_comes_from_the_image_header(corpus):
    fields = _extract(corpus, "camera/Leica T (Typ 701).jpg").fields
    assert (fields["width"], fields["height"]) == (4928, 3264)
    heic = _extract(corpus, "heif/IMG_5195.HEIC")  # Pillow cannot open it: EXIF pixel size
    assert (heic.fields["width"], heic.fields["height"]) == (4032, 3024)
    assert heic.thumbnail is None and heic.warnings == []


@pytest.mark.parametrize(
    ("name", "oriented"),
    [
        ("orientation/landscape_6.jpg", "landscape"),  # stored 450x600, rotate 90
        ("orientation/portrait_5.jpg", "portrait"),  # stored 600x450, transpose
        ("orientation/Blackberry Z10.jpg", "portrait"),  # stored 3264x1836, rotate 90
        ("phone/Apple iPhone 5.jpg", "landscape"),  # orientation 3: a 180 turn keeps the shape
    ],
)
def test_thumbnail_is_turned_the_way_the_camera_meant(corpus, name, oriented):
    result = _extract(corpus, name)
    width, height = _thumb_size(result.thumbnail)
    assert max(width, height) == 256
    assert (width > height) == (oriented == "landscape")


@pytest.mark.parametrize(
    "name",
    [
        "hostile/decompression_bomb.gif",
        "hostile/png_decompression_dos.png",
        "hostile/huge-dimensions-17737x7680.jpg",
    ],
)
def test_decompression_bombs_are_refused_without_decoding(corpus, name):
    result = _extract(corpus, name)
    assert result.thumbnail is None
    assert any("decompression bomb" in w for w in result.warnings)


def test_damaged_exif_is_a_warning_not_an_exception(corpus):
    result = _extract(corpus, "hostile/fuzzed-754664a1.jpg")
    assert any("EXIF" in w and "damaged" in w for w in result.warnings)
    assert set(result.fields) == set(FIELD_NAMES)


def test_truncated_jpeg_has_no_thumbnail_and_says_why(corpus):
    result = _extract(corpus, "hostile/truncated_jpeg.jpg")
    assert result.thumbnail is None
    assert any("could not be decoded" in w for w in result.warnings)


def test_a_text_file_named_like_a_photo_is_flagged(corpus):
    result = _extract(corpus, "hostile/text-file-named.jpg")
    assert result.mime == "text/plain" and result.tags == {}
    assert result.warnings == ["The name ends in .jpg but the content is text/plain."]


def test_unreadable_path_is_a_warning(tmp_path):
    result = extract_metadata(str(tmp_path / "missing.jpg"))
    assert result.warnings and result.thumbnail is None


def test_tag_values_are_printable_and_capped(corpus):
    result = _extract(corpus, "edge/xmp-only-no_exif.jpg")  # XPComment holds U+2028
    assert result.tags
    for key, value in result.tags.items():
        assert len(value) <= 1000
        assert not any(ch in value for ch in "\x00\n\r\u2028\u202e"), key
    assert not any("MakerNote" in key or key.endswith("JPEGThumbnail") for key in result.tags)


def test_control_and_bidi_characters_are_stripped_from_strings():
    assert clean_text("Canon\x00\x1b[31m\u202eEOS\nR6") == "Canon[31mEOS R6"
    assert len(clean_text("x" * 5000)) == 1000


def _photo_dated(path: Path, taken: str) -> Path:
    """A JPEG whose EXIF DateTimeOriginal (0x9003, in the Exif IFD 0x8769) says `taken`."""
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = taken
    Image.new("RGB", (16, 16), "grey").save(path, exif=exif.tobytes())
    return path


def test_a_camera_date_written_with_dashes_is_read_and_said(tmp_path):
    """Software (not cameras) writes 2023-05-06 for EXIF's 2023:05:06; exiftool reads it."""
    result = extract_metadata(str(_photo_dated(tmp_path / "dashes.jpg", "2023-05-06 07:08:09")))
    assert result.fields["captured_at"] == "2023-05-06T07:08:09"
    assert any("written with dashes" in w for w in result.warnings)
    plain = extract_metadata(str(_photo_dated(tmp_path / "colons.jpg", "2023:05:06 07:08:09")))
    assert plain.fields["captured_at"] == "2023-05-06T07:08:09" and not plain.warnings
    mixed = extract_metadata(str(_photo_dated(tmp_path / "mixed.jpg", "2023-05:06 07:08:09")))
    assert mixed.fields["captured_at"] is None


def test_a_photo_with_two_exif_blocks_is_said(tmp_path):
    """A second APP1 EXIF block spliced in after the first (software; cameras write one)."""
    first = _photo_dated(tmp_path / "first.jpg", "2020:01:01 00:00:00").read_bytes()
    second = _photo_dated(tmp_path / "second.jpg", "2021:01:01 00:00:00").read_bytes()
    block = second[second.index(b"\xff\xe1") :]
    block = block[: 2 + int.from_bytes(block[2:4], "big")]
    at = first.index(b"\xff\xe1")
    at += 2 + int.from_bytes(first[at + 2 : at + 4], "big")
    (tmp_path / "two.jpg").write_bytes(first[:at] + block + first[at:])
    result = extract_metadata(str(tmp_path / "two.jpg"))
    assert result.fields["captured_at"] == "2020-01-01T00:00:00"
    assert any("more than one EXIF block" in w for w in result.warnings)
    assert not extract_metadata(str(tmp_path / "first.jpg")).warnings
