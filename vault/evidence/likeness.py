"""Whether a thumbnail an earlier version stored shows what the original shows now.

An item recorded before its thumbnail's digest was signed (schemas 1 to 3) is checked by
making its thumbnail again from the original. Later versions make thumbnails with other
means (JPEG draft decoding, another resampling filter, another encoder), so the bytes
differ while the picture does not; comparing bytes would report a genuine old case as
altered. The pictures are compared as 16 × 16 colour blocks instead: on the 53 corpus
JPEGs a change of filter, of draft decoding or of JPEG quality (85 to 70) moves a block
channel by at most 15 and the mean by at most 1.5; another photo, or a region painted
over, moves some block far more. The limits sit at twice what was measured.
"""

from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

BLOCKS = 16
MAX_MEAN = 3.0  # mean absolute difference of the block channels, 0-255
MAX_BLOCK = 32  # largest difference of one block channel


def same_picture(stored: bytes, fresh: bytes) -> bool:
    """True when `stored` decodes to a JPEG of `fresh`'s size (give or take a pixel) whose
    16 × 16 colour blocks are within the limits of `fresh`'s. `fresh` is the thumbnail made
    now; `stored` comes from the case file and may be anything, so it is decoded only once
    its header says it is a JPEG of about that (thumbnail) size."""
    from PIL import Image

    with Image.open(io.BytesIO(fresh)) as made:
        size, ours = made.size, _blocks(made)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(stored)) as kept:
                if kept.format != "JPEG" or not _about(kept.size, size):
                    return False
                theirs = _blocks(kept)
    except Exception:  # noqa: BLE001 - Pillow fails in many ways on damaged bytes
        return False
    gaps = [abs(a - b) for a, b in zip(ours, theirs, strict=True)]
    return max(gaps) <= MAX_BLOCK and sum(gaps) / len(gaps) <= MAX_MEAN


def _about(kept: tuple[int, int], made: tuple[int, int]) -> bool:
    """Sides equal but for rounding: decoding at a reduced scale first (JPEG draft) can
    make a thumbnail one pixel narrower than one shrunk from the whole image."""
    return all(abs(a - b) <= 1 for a, b in zip(kept, made, strict=True))


def _blocks(img: Image.Image) -> bytes:
    from PIL import Image

    return img.convert("RGB").resize((BLOCKS, BLOCKS), Image.Resampling.BOX).tobytes()
