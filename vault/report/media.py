"""A video or audio exhibit's own block (DESIGN §11): duration, codecs, frame size and
rotation, and a strip of frames with their times, decoded in the sandboxed worker from the
case file's chunks (never from a plaintext copy)."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from vault.evidence.blobreader import BlobReader
from vault.evidence.frames import FrameRequest
from vault.evidence.items import Item
from vault.evidence.media import STRIP_FRAMES, clock, container_format
from vault.evidence.metadata import is_media
from vault.evidence.probe import MetadataProbe
from vault.report.formatting import Words
from vault.report.layout import WIDTH, Thumbnail, field_table, para, table

FRAME_BOX = WIDTH / STRIP_FRAMES - 2 * mm


def fact_source(mime: str, w: Words) -> str:
    """Where an item's capture time, camera and GPS position come from, for their labels: a
    photo's EXIF, a video's or an audio file's container metadata (named by its format, as
    EXIF is: "QuickTime/MP4" atoms, "RIFF INFO" chunks, "ID3" frames...)."""
    if not is_media(mime):
        return "EXIF"
    return container_format(mime) or w("container")


def media_facts(meta: dict[str, Any], w: Words) -> list[tuple[str, Flowable]]:
    """Duration, codecs and frame size as claimed by the container."""
    duration = meta.get("duration_ms")
    codecs = [c for c in (meta.get("video_codec"), meta.get("audio_codec")) if c]
    rows: list[tuple[str, Flowable]] = [
        (w("Duration"), para(clock(duration) if isinstance(duration, int) else w("not recorded"))),
        (w("Codecs"), para(" / ".join(str(c) for c in codecs) or w("not recorded"))),
    ]
    if meta.get("width") and meta.get("height"):
        size = f"{meta['width']} × {meta['height']}"
        if meta.get("rotation"):
            size += " " + w("(shown turned {deg}° clockwise)").format(deg=meta["rotation"])
        rows.append((w("Frame size"), para(size)))
    return rows


def frame_strip(item: Item, conn: Any, probe: MetadataProbe, w: Words) -> list[Flowable]:
    """The strip: frames spread over the video, each with its time, or why there is none."""
    rotation = item.metadata.get("rotation")
    request = FrameRequest(item.size, rotation if isinstance(rotation, int) else None,
                           strip=STRIP_FRAMES)  # fmt: skip
    found = probe.frames(BlobReader(conn, item.blob_id), request)
    if not found.strip:
        reason = found.problem or w("no frame decoded")
        return [para(w("No frames: {reason}").format(reason=reason), "small")]
    frames: list[Flowable] = [Thumbnail(jpeg, FRAME_BOX) for _ms, jpeg in found.strip]
    times: list[Flowable] = [para(clock(ms), "small") for ms, _jpeg in found.strip]
    widths = [FRAME_BOX + 2 * mm] * len(found.strip)
    return [para(w("Frames (time from the start)"), "label"), table([frames, times], widths)]


def media_section(item: Item, conn: Any, w: Words) -> list[Flowable]:
    """The block under a video or audio exhibit's properties; [] for anything else."""
    if not is_media(item.mime) or not item.metadata.get("duration_ms"):
        return []
    story: list[Flowable] = [field_table(media_facts(item.metadata, w))]
    if item.mime.startswith("video/") and item.metadata.get("video_codec"):
        with MetadataProbe() as probe:
            story += frame_strip(item, conn, probe, w)
    return story
