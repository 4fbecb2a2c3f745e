"""Thumbnails as an earlier version of the app made them (for older case files)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageOps


def made_earlier(path: Path, quality: int = 85) -> bytes:
    """As the first versions made it: the whole image decoded, Pillow's default (bicubic)
    resampling, EXIF orientation applied by ImageOps."""
    with Image.open(path) as img:
        img.thumbnail((256, 256))
        out = io.BytesIO()
        ImageOps.exif_transpose(img).convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()
