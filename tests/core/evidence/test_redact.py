"""Redaction (DESIGN §10): the copy hides exactly its regions, keeps every other pixel,
drops the metadata that identifies people and places, and names its original's hash."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess

import pytest
from PIL import Image, ImageOps

from tests.helpers.case import CORPUS, new_case, run_cli
from vault.custody.entry import read_entries
from vault.custody.verify import verify_case
from vault.errors import InvalidInput
from vault.evidence.ingest import import_paths
from vault.evidence.items import get_item, list_items, read_original
from vault.evidence.redact import block_size, redact_image, redact_item

# A photo with GPS, a body and a lens serial number, XMP and an EXIF thumbnail.
GPS_PHOTO = CORPUS / "camera" / "elephants.jpg"
TURNED = CORPUS / "orientation" / "portrait_5.jpg"  # EXIF orientation 5: stored sideways


def displayed(path) -> Image.Image:
    return ImageOps.exif_transpose(Image.open(path)).convert("RGB")


def inside(x: int, y: int, region) -> bool:
    rx, ry, rw, rh = region
    return rx <= x < rx + rw and ry <= y < ry + rh


def split(img: Image.Image, region) -> tuple[list, list]:
    """(pixels inside the region, pixels outside), in scan order."""
    ins, outs = [], []
    for i, p in enumerate(img.get_flattened_data()):
        (ins if inside(i % img.width, i // img.width, region) else outs).append(p)
    return ins, outs


def exiftool(data: bytes, tmp_path, *tags: str) -> dict:
    path = tmp_path / "copy.tif"
    path.write_bytes(data)
    run = subprocess.run(["exiftool", "-json", "-a", "-G1", *tags, str(path)],
                         capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(run.stdout)[0]


def test_a_filled_region_is_black_every_other_pixel_is_the_originals_and_gps_is_gone(
    tmp_path,
):
    case = new_case(tmp_path)
    parent = import_paths(case, [GPS_PHOTO]).imported[0]
    region = (100, 60, 120, 90)
    copy = redact_item(case, parent.id, [region], method="fill")

    data = b"".join(read_original(case.conn, copy.id))
    out = Image.open(io.BytesIO(data))
    assert out.format == "TIFF" and out.size == displayed(GPS_PHOTO).size
    ins, outs = split(out.convert("RGB"), region)
    original_ins, original_outs = split(displayed(GPS_PHOTO), region)
    assert outs == original_outs  # lossless: every pixel outside the region is the original's
    assert set(ins) == {(0, 0, 0)} and len(ins) == 120 * 90
    assert set(original_ins) != {(0, 0, 0)}

    tags = exiftool(data, tmp_path)
    assert not [k for k in tags if k.startswith("GPS:") or "Serial" in k or "Thumbnail" in k]
    assert not [k for k in tags if k.startswith(("XMP", "ExifIFD", "IPTC", "MakerNotes"))]
    assert "IFD0:Make" not in tags and "IFD0:Model" not in tags
    entry = list(read_entries(case.conn))[-1]
    assert entry.action == "item.derive" and entry.subject == copy.id
    assert entry.details["parent_sha256"] == hashlib.sha256(GPS_PHOTO.read_bytes()).hexdigest()
    operation = entry.details["operation"]
    assert operation["op"] == "redact" and operation["regions"] == [list(region)]
    assert operation["method"] == "fill" and operation["kept"] == []
    assert {"GPS", "body serial number", "lens serial number", "EXIF thumbnail", "XMP"} <= set(
        operation["dropped"]
    )
    item = get_item(case.conn, copy.id)
    assert item.metadata["gps_lat"] is None and item.metadata["body_serial"] is None
    assert get_item(case.conn, parent.id).metadata["gps_lat"] is not None
    result = verify_case(case)
    assert result.ok, result.findings
    case.close()


def test_pixelation_makes_uniform_blocks_inside_the_region_only():
    region = (40, 30, 150, 100)
    red = redact_image(GPS_PHOTO.read_bytes(), [region], "pixelate")
    out = Image.open(io.BytesIO(red.data)).convert("RGB")
    original = displayed(GPS_PHOTO)
    block = block_size(150, 100)
    assert red.operation["strength"] == [block]
    for y in range(out.height):
        for x in range(out.width):
            if not inside(x, y, region):
                assert out.getpixel((x, y)) == original.getpixel((x, y))
                continue
            corner = (40 + (x - 40) // block * block, 30 + (y - 30) // block * block)
            assert out.getpixel((x, y)) == out.getpixel(corner)  # one colour per block
    assert split(out, region)[0] != split(original, region)[0]


def test_blur_changes_the_region_and_nothing_outside_it():
    region = (200, 100, 80, 80)
    red = redact_image(GPS_PHOTO.read_bytes(), [region], "blur")
    out = Image.open(io.BytesIO(red.data)).convert("RGB")
    ins, outs = split(out, region)
    original_ins, original_outs = split(displayed(GPS_PHOTO), region)
    assert outs == original_outs
    changed = sum(a != b for a, b in zip(ins, original_ins, strict=True))
    assert changed > 0.9 * len(ins)


def test_regions_are_in_displayed_coordinates_and_the_copy_is_written_upright():
    stored = Image.open(TURNED)
    upright = displayed(TURNED)
    assert stored.size != upright.size  # stored sideways, shown upright
    region = (10, upright.height - 60, 50, 50)  # only inside the upright picture's bounds
    red = redact_image(TURNED.read_bytes(), [region], "fill")
    out = Image.open(io.BytesIO(red.data))
    assert out.size == upright.size and out.getexif().get(0x0112) in (None, 1)
    ins, outs = split(out.convert("RGB"), region)
    assert outs == split(upright, region)[1] and set(ins) == {(0, 0, 0)}


def test_kept_metadata_keeps_gps_but_never_the_unredacted_exif_thumbnail(tmp_path):
    red = redact_image(GPS_PHOTO.read_bytes(), [(0, 0, 30, 30)], "fill", keep_metadata=True)
    tags = exiftool(red.data, tmp_path)
    assert any(k.startswith("GPS:") for k in tags)
    assert not [k for k in tags if "Thumbnail" in k]
    assert "GPS" in red.operation["kept"] and "EXIF thumbnail" in red.operation["dropped"]


@pytest.mark.parametrize(
    "regions, method",
    [([(0, 0, 0, 10)], "fill"), ([(-1, 0, 10, 10)], "fill"), ([(490, 0, 20, 10)], "blur"),
     ([(0, 0, 10, 10)], "smudge"), ([], "fill")],
)  # fmt: skip
def test_a_bad_redaction_is_refused_and_nothing_is_recorded(tmp_path, regions, method):
    case = new_case(tmp_path)
    parent = import_paths(case, [GPS_PHOTO]).imported[0]
    length = len(list(read_entries(case.conn)))
    with pytest.raises(InvalidInput):
        redact_item(case, parent.id, regions, method=method)
    assert len(list(read_entries(case.conn))) == length and len(list_items(case.conn)) == 1
    case.close()


def test_the_derive_command_redacts_and_items_json_names_the_parent(tmp_path):
    case = new_case(tmp_path)
    parent = import_paths(case, [GPS_PHOTO]).imported[0]
    case.close()
    run = run_cli("derive", case.path, parent.id, "--redact", "10,10,40,40", "60,60,30,30",
                  "--method", "pixelate", "--json")  # fmt: skip
    assert run.returncode == 0, run.stderr
    made = json.loads(run.stdout)
    assert made["parent_sha256"] == parent.sha256
    assert made["operation"]["regions"] == [[10, 10, 40, 40], [60, 60, 30, 30]]
    listed = {i["id"]: i for i in json.loads(run_cli("items", case.path, "--json").stdout)}
    assert listed[made["id"]]["derived_from"] == parent.id
    # Named by the original's hash, never its file name (which may name a person or place).
    assert listed[made["id"]]["original_name"] == f"redacted-{parent.sha256[:12]}.tif"
    bad = run_cli("derive", case.path, parent.id, "--redact", "10,10,forty,40")
    assert bad.returncode == 2 and "X,Y,W,H" in bad.stderr and "Traceback" not in bad.stderr
    outside = run_cli("derive", case.path, parent.id, "--redact", "0,0,5000,10")
    assert outside.returncode == 2 and "not inside the image" in outside.stderr
    assert run_cli("verify", case.path).returncode == 0


def test_a_tiff_original_with_gps_and_serials_leaves_none_of_its_tags_in_the_copy(tmp_path):
    source = CORPUS / "tiff" / "example.tif"
    red = redact_image(source.read_bytes(), [(0, 0, 10, 10)], "fill")
    tags = exiftool(red.data, tmp_path)
    assert not [k for k in tags if k.startswith(("GPS:", "XMP", "ExifIFD"))]
    assert not {"IFD0:Make", "IFD0:Model", "IFD0:Software"} & set(tags)
    assert {"GPS", "body serial number"} <= set(red.operation["dropped"])
