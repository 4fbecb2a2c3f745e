"""Redaction (DESIGN §10): a working copy of a photo with regions pixelated, blurred or filled.

Regions are in the pixel coordinates of the image as displayed (its EXIF orientation
applied); the copy is written upright. It is an uncompressed TIFF: lossless, so every pixel
outside the regions is exactly the displayed original's (anyone can check by decoding both),
while a re-encoded JPEG would change every pixel a little. TIFF rather than PNG because
PNG's filtering and deflate take seconds for a 24-megapixel photo where an uncompressed TIFF
takes a tenth of one, and because courts and disclosure platforms take TIFF as the
lossless image format; every viewer, Pillow, Qt and exiftool read it. The original's metadata (EXIF
with GPS, serial numbers and its embedded thumbnail, XMP, IPTC, comments) is dropped unless
the user keeps it; the embedded EXIF thumbnail is dropped always, since it shows the
picture unredacted. The `item.derive` operation records the regions, the method and its
strength, and what was dropped.

Fill is the only method that leaves nothing of what was under the region; pixelate and
blur are strong here (large blocks, wide radius) but are a softer choice, and the UI says
so.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import ExifTags, Image, ImageFilter, ImageOps, UnidentifiedImageError

from vault.case.handle import Case
from vault.errors import InvalidInput
from vault.evidence.derive import DerivedItem, derive_item, parent_bytes
from vault.evidence.fields import REDACTION_METHODS
from vault.evidence.items import get_item
from vault.evidence.probe import MetadataProbe
from vault.i18n import _

METHODS = REDACTION_METHODS
FILL = (0, 0, 0)
MAX_PIXELS = 200_000_000  # refuse to decode anything larger (a decompression bomb)
MAX_BYTES = 256 << 20  # the largest original redacted in memory
OUTPUT_MIME = "image/tiff"
SUFFIX = ".tif"
_GPS_IFD, _EXIF_IFD = 0x8825, 0x8769
_SERIAL_TAGS = {0xA431: "body serial number", 0xA435: "lens serial number",
                0xC62F: "camera serial number", 0xA420: "unique image id"}  # fmt: skip
_ORIENTATION = 0x0112

Region = tuple[int, int, int, int]


@dataclass(frozen=True)
class Redacted:
    """A redacted image: its TIFF bytes, its size, and what its operation records."""

    data: bytes
    width: int
    height: int
    operation: dict[str, Any]


def parse_region(text: str) -> Region:
    """`X,Y,W,H` (integers, pixels of the displayed image) as a region."""
    parts = text.split(",")
    try:
        x, y, w, h = (int(p.strip()) for p in parts)
    except ValueError:
        raise InvalidInput(
            _("A region is X,Y,W,H in whole pixels, e.g. 120,80,200,150 (not {text!r}).").format(
                text=text
            )
        ) from None
    return x, y, w, h


def open_displayed(data: bytes) -> Image.Image:
    """The image as displayed: decoded from memory and turned by its EXIF orientation."""
    try:
        img = Image.open(io.BytesIO(data))
        if img.width * img.height > MAX_PIXELS:
            raise InvalidInput(_("This image is too large to redact here."))
        img.load()
        ImageOps.exif_transpose(img, in_place=True)  # no copy of a 24-megapixel image
        return img
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(_("This item is not an image that can be redacted.")) from None


def redact_image(
    data: bytes, regions: Sequence[Region], method: str, *, keep_metadata: bool = False
) -> Redacted:
    """Redact `regions` (displayed pixel coordinates) of the image `data` with `method`."""
    if method not in METHODS:
        raise InvalidInput(_("The method is pixelate, blur or fill."))
    source = Image.open(io.BytesIO(data)) if data else None
    img = open_displayed(data)
    boxes = _boxes(regions, img.width, img.height)
    # Nothing of the source's info or TIFF tags may ride along into the copy: a TIFF source
    # (whose tags Pillow would write again) and other modes become a new plain image.
    mode = "RGBA" if _has_alpha(img) else "RGB"
    if img.mode != mode or hasattr(img, "tag_v2"):
        img = img.convert(mode)
    img.info = {}
    strengths = [_apply(img, box, method) for box in boxes]
    exif, dropped, kept = _metadata(source, keep_metadata)
    out = io.BytesIO()
    options: dict[str, Any] = {"compression": "raw"}
    icc = source.info.get("icc_profile") if source is not None else None
    if icc:
        options["icc_profile"] = icc  # colours, not identity: kept so the copy looks the same
    if exif is not None:
        options["exif"] = exif
    img.save(out, "TIFF", **options)
    operation: dict[str, Any] = {
        "op": "redact",
        "regions": [list(r) for r in regions],
        "method": method,
        "output": OUTPUT_MIME,
        "dropped": dropped,
        "kept": kept,
    }
    if method != "fill":
        operation["strength"] = strengths
    return Redacted(out.getvalue(), img.width, img.height, operation)


@dataclass(frozen=True)
class Picture:
    """A scaled-down picture of an image as displayed, for drawing regions on: RGB888 rows
    of `shown` pixels, and the size of the full displayed image the regions refer to."""

    width: int
    height: int
    shown: tuple[int, int]
    rgb: bytes

    def to_full(self, x: float, y: float) -> tuple[int, int]:
        """A point of the picture in the full image's pixels."""
        fx, fy = self.width / self.shown[0], self.height / self.shown[1]
        return min(self.width, max(0, round(x * fx))), min(self.height, max(0, round(y * fy)))


def picture(data: bytes, max_side: int = 1600) -> Picture:
    """The image as displayed, scaled to at most `max_side` pixels, for the redaction view."""
    img = open_displayed(data)
    full = img.size
    img = img.convert("RGB")
    img.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
    return Picture(full[0], full[1], img.size, img.tobytes())


def redacted_picture(shown: Picture, regions: Sequence[Region], method: str) -> Picture:
    """What the copy will look like, on the scaled picture (regions in full pixels)."""
    img = Image.frombytes("RGB", shown.shown, shown.rgb)
    fx, fy = shown.shown[0] / shown.width, shown.shown[1] / shown.height
    for x, y, w, h in regions:
        left, top = int(x * fx), int(y * fy)
        box = (left, top, max(left + 1, round((x + w) * fx)), max(top + 1, round((y + h) * fy)))
        box = (box[0], box[1], min(box[2], img.width), min(box[3], img.height))
        if box[0] < box[2] and box[1] < box[3]:
            _apply(img, box, method)
    return Picture(shown.width, shown.height, shown.shown, img.tobytes())


def redact_item(
    case: Case,
    item_id: str,
    regions: Sequence[Region],
    *,
    method: str,
    keep_metadata: bool = False,
    probe: MetadataProbe | None = None,
) -> DerivedItem:
    """Store a redacted copy of item `item_id` as a derived item (one `item.derive` act)."""
    if not regions:
        raise InvalidInput(_("Choose at least one region to redact."))
    parent = get_item(case.conn, item_id)
    if not parent.mime.startswith("image/"):
        raise InvalidInput(_("Only images can be redacted."))
    redacted = redact_image(
        parent_bytes(case, item_id, limit=MAX_BYTES), regions, method, keep_metadata=keep_metadata
    )
    # Named by the parent's hash, not its name: a copy made for disclosure must not carry the
    # original's file name (often a person's or a place's) to those it is disclosed to.
    name = f"redacted-{parent.sha256[:12]}{SUFFIX}"
    return derive_item(
        case, item_id, redacted.data, name=name, operation=redacted.operation, probe=probe
    )


def _boxes(regions: Iterable[Region], width: int, height: int) -> list[tuple[int, int, int, int]]:
    """Each region as a (left, top, right, bottom) box inside the image; a region that is
    empty or reaches outside the image is refused rather than silently cut."""
    boxes = []
    for region in regions:
        if len(region) != 4 or not all(isinstance(v, int) for v in region):
            raise InvalidInput(_("A region is X,Y,W,H in whole pixels."))
        x, y, w, h = region
        if w <= 0 or h <= 0 or x < 0 or y < 0 or x + w > width or y + h > height:
            raise InvalidInput(_(
                "The region {x},{y},{w},{h} is not inside the image ({width}×{height} as "
                "displayed)."
            ).format(x=x, y=y, w=w, h=h, width=width, height=height))  # fmt: skip
        boxes.append((x, y, x + w, y + h))
    return boxes


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info


def block_size(width: int, height: int) -> int:
    """Pixelation block side: at least 12 pixels, and at most 8 blocks across the region's
    shorter side, so that no face or plate stays legible."""
    return max(12, -(-min(width, height) // 8))


def blur_radius(width: int, height: int) -> int:
    """Gaussian radius: a quarter of the region's shorter side, at least 8 pixels."""
    return max(8, min(width, height) // 4)


def _apply(img: Image.Image, box: tuple[int, int, int, int], method: str) -> int:
    """Redact one box of `img` in place; returns the strength used (block or radius)."""
    w, h = box[2] - box[0], box[3] - box[1]
    if method == "fill":
        img.paste(FILL + ((255,) if img.mode == "RGBA" else ()), box)
        return 0
    if method == "pixelate":
        block = block_size(w, h)
        small = img.crop(box).resize((-(-w // block), -(-h // block)), Image.Resampling.BOX)
        img.paste(_blocks(small, block).crop((0, 0, w, h)), box[:2])
        return block
    radius = blur_radius(w, h)
    # Blur a margin around the box too, so that the edge pixels are averaged with their
    # neighbours, then paste back only the box: nothing outside it changes.
    margin = (max(0, box[0] - radius), max(0, box[1] - radius),
              min(img.width, box[2] + radius), min(img.height, box[3] + radius))  # fmt: skip
    blurred = img.crop(margin).filter(ImageFilter.GaussianBlur(radius))
    inner = (box[0] - margin[0], box[1] - margin[1], box[2] - margin[0], box[3] - margin[1])
    img.paste(blurred.crop(inner), box[:2])
    return radius


def _blocks(small: Image.Image, block: int) -> Image.Image:
    """Each pixel of `small` as a block x block square (nearest neighbour, exact)."""
    return small.resize((small.width * block, small.height * block), Image.Resampling.NEAREST)


def _metadata(source: Image.Image | None, keep: bool) -> tuple[bytes | None, list[str], list[str]]:
    """(EXIF to write, what was dropped, what was kept), in words the operation records."""
    if source is None:
        return None, [], []
    exif = source.getexif()
    present = _present(source, exif)
    if not keep:
        return None, present, []
    dropped = [p for p in present if p in ("EXIF thumbnail", "XMP", "IPTC", "comment")]
    if exif:
        exif[_ORIENTATION] = 1  # the copy is written upright
    kept = [p for p in present if p not in dropped]
    return (exif.tobytes() if exif else None), dropped, kept


def _present(source: Image.Image, exif: Image.Exif) -> list[str]:
    """What metadata the original carries, by kind."""
    found = []
    if exif:
        found.append("EXIF")
        if exif.get_ifd(_GPS_IFD):
            found.append("GPS")
        sub = exif.get_ifd(_EXIF_IFD)
        found += [name for tag, name in _SERIAL_TAGS.items() if tag in sub or tag in exif]
        if _has_thumbnail(exif):
            found.append("EXIF thumbnail")
    info = source.info
    if "xmp" in info or "XML:com.adobe.xmp" in info:
        found.append("XMP")
    if "photoshop" in info or "iptc" in info:
        found.append("IPTC")
    if "comment" in info:
        found.append("comment")
    return found


def _has_thumbnail(exif: Image.Exif) -> bool:
    """Whether the EXIF holds an IFD1 (where the embedded thumbnail lives)."""
    try:
        return bool(exif.get_ifd(ExifTags.IFD.IFD1))
    except (OSError, ValueError, KeyError, TypeError, struct.error):
        return False  # hostile EXIF: nothing of it is written to the copy anyway
