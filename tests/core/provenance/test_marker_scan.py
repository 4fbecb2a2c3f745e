"""The import's C2PA marker scan (vault/provenance/c2pa.py `MarkerScan`): it sees a manifest
wherever C2PA puts one, whatever the read sizes, and passes over an MP4's media data, which
C2PA never uses and which is nearly all of a video's bytes."""

from __future__ import annotations

import io
import struct

import pytest

from tests.helpers.case import CORPUS
from vault.provenance.c2pa import MarkerScan

VIDEO_WITH_MANIFEST = CORPUS / "c2pa" / "video1.mp4"


def scanned(data: bytes, read_size: int) -> bool:
    scan = MarkerScan(io.BytesIO(data).read)
    copied = b"".join(iter(lambda: scan.read(read_size), b""))
    assert copied == data  # the scan hands every byte on, unchanged
    return scan.found


def box(kind: bytes, payload: bytes, *, large: bool = False) -> bytes:
    if large:
        return struct.pack(">I4sQ", 1, kind, 16 + len(payload)) + payload
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4(*boxes: bytes) -> bytes:
    return box(b"ftyp", b"isom\0\0\0\0isomiso2") + b"".join(boxes)


@pytest.mark.parametrize("read_size", [1, 7, 4096, 1 << 20])
def test_a_video_manifest_is_seen_whatever_the_read_size(read_size: int) -> None:
    assert scanned(VIDEO_WITH_MANIFEST.read_bytes(), read_size)


@pytest.mark.parametrize("read_size", [3, 5, 1 << 20])
@pytest.mark.parametrize("large", [False, True])
def test_an_mp4s_media_data_is_passed_over_and_its_uuid_box_is_read(
    read_size: int, large: bool
) -> None:
    noise = bytes(range(256)) * 40
    in_media = mp4(box(b"wide", b""), box(b"mdat", noise + b"c2pa" + noise, large=large),
                   box(b"moov", noise))  # fmt: skip
    assert not scanned(in_media, read_size)
    manifest = mp4(box(b"mdat", noise, large=large), box(b"uuid", noise + b"c2pa"))
    assert scanned(manifest, read_size)


@pytest.mark.parametrize("read_size", [2, 6, 1 << 20])
def test_other_files_are_scanned_whole_and_across_read_seams(read_size: int) -> None:
    noise = bytes(range(256)) * 40
    jpeg = b"\xff\xd8\xff\xe0" + noise + b"dcterms:provenance" + noise
    assert scanned(jpeg, read_size)
    # A box structure that stops making sense is scanned whole from there on.
    broken = mp4(struct.pack(">I4s", 4, b"mdat") + noise + b"c2pa")
    assert scanned(broken, read_size)
    assert not scanned(b"\xff\xd8\xff\xe0" + noise * 3, read_size)
