"""An older case's thumbnail is checked by its picture, not its bytes (vault/evidence/
likeness.py): what an earlier version made from the same original passes; another photo,
a painted-over region or bytes that are no JPEG thumbnail do not."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from tests.helpers.thumbnails import made_earlier
from vault.evidence.likeness import same_picture
from vault.evidence.metadata import extract_metadata

PHOTOS = ["phone/Apple iPhone 5.jpg", "phone/HTC Desire.jpg", "orientation/portrait_5.jpg",
          "orientation/Blackberry Z10.jpg", "phone/HMD_Nokia_8.3_5G.jpg"]  # fmt: skip


def made_now(path: Path) -> bytes:
    thumb = extract_metadata(str(path)).thumbnail
    assert thumb is not None
    return thumb


@pytest.mark.parametrize("name", PHOTOS)
@pytest.mark.parametrize("quality", [85, 70])
def test_an_earlier_versions_thumbnail_of_the_original_is_the_same_picture(
    corpus: Path, name: str, quality: int
) -> None:
    earlier, now = made_earlier(corpus / name, quality), made_now(corpus / name)
    assert earlier != now
    assert same_picture(earlier, now)


def test_another_photos_thumbnail_is_not_the_same_picture(corpus: Path) -> None:
    # Two phones' portrait photos: thumbnails of the same size, different scenes.
    one, other = corpus / "phone/Nexus 4.jpg", corpus / "phone/Nokia Lumia 800.jpg"
    assert (
        Image.open(io.BytesIO(made_now(one))).size == Image.open(io.BytesIO(made_now(other))).size
    )
    assert not same_picture(made_now(other), made_now(one))


def test_a_thumbnail_with_a_region_painted_over_is_not_the_same_picture(corpus: Path) -> None:
    now = made_now(corpus / PHOTOS[0])
    with Image.open(io.BytesIO(now)) as img:
        painted = img.convert("RGB")
    ImageDraw.Draw(painted).rectangle((100, 60, 160, 120), fill="black")
    out = io.BytesIO()
    painted.save(out, "JPEG", quality=85)
    assert not same_picture(out.getvalue(), now)


@pytest.mark.parametrize("kind", ["garbage", "png", "smaller", "empty"])
def test_bytes_that_are_no_jpeg_thumbnail_of_that_size_are_not_the_same_picture(
    corpus: Path, kind: str
) -> None:
    now = made_now(corpus / PHOTOS[0])
    with Image.open(io.BytesIO(now)) as img:
        out = io.BytesIO()
        if kind == "png":
            img.save(out, "PNG")
        elif kind == "smaller":
            img.resize((img.width // 2, img.height // 2)).save(out, "JPEG", quality=85)
    stored = {"garbage": b"\xff\xd8\xff" + b"\x00" * 64, "empty": b""}.get(kind, out.getvalue())
    assert not same_picture(stored, now)
