"""Frames of a stored video, decoded in the sandboxed metadata worker (DESIGN §11).

The worker never sees a file: the app answers its reads from the case file's chunks over
the worker's pipe (`("read", offset, n)` -> bytes), so a 1 GiB video is decoded in bounded
memory and no plaintext copy is written anywhere. Used by report strips and saved frames.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from vault.evidence.blobreader import BlobReader
from vault.evidence.filetype import HEAD_SIZE, detect_mime
from vault.evidence.media import Frames, read_into, video_frames
from vault.evidence.metadata import Extracted, is_media, renamed
from vault.i18n import _


@dataclass(frozen=True)
class FrameRequest:
    """What the app asks the worker for: a strip of `strip` frames and the frame at `at_ms`
    (the first frame when None) of the stored original of `size` bytes."""

    size: int
    rotation: int | None
    strip: int = 0
    at_ms: int | None = None
    still: bool = False  # the frame at `at_ms` whole, as a PNG (a saved frame, DESIGN §10)


class PipeFile(io.RawIOBase):
    """The worker's side: a read-only, seekable file whose reads cross the pipe."""

    def __init__(self, conn: Connection, size: int) -> None:
        super().__init__()
        self._conn, self._size, self._pos = conn, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]  # a buffer
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        n = self._size - self._pos if size is None or size < 0 else size
        if n <= 0 or self._pos >= self._size:
            return b""
        self._conn.send(("read", self._pos, min(n, 4 << 20)))
        data = self._conn.recv()
        data = data if isinstance(data, bytes) else b""
        self._pos += len(data)
        return data


@dataclass(frozen=True)
class MetadataRequest:
    """Metadata of a stored video or audio original of `size` bytes named `name`, read
    through the pipe: for originals too large to read back into memory."""

    name: str
    size: int


def serve_metadata(conn: Connection, request: MetadataRequest) -> tuple[str, Extracted]:
    """The worker's side: type from the first bytes, then §11's fields and the thumbnail."""
    with io.BufferedReader(PipeFile(conn, request.size), buffer_size=1 << 20) as source:
        result = Extracted(mime=detect_mime(source.peek(HEAD_SIZE)[:HEAD_SIZE], request.name))
        result.warnings.extend(renamed(request.name, result.mime))
        if is_media(result.mime):
            read_into(source, result)
    return "done", result


def serve_frames(conn: Connection, request: FrameRequest) -> tuple[str, Frames]:
    """The worker's side of one request: decode through a PipeFile, answer `("done", …)`."""
    # Buffered: FFmpeg reads a few KiB at a time, a pipe round trip per read would dominate.
    with io.BufferedReader(PipeFile(conn, request.size), buffer_size=1 << 20) as source:
        found = video_frames(source, request.rotation, strip=request.strip, at_ms=request.at_ms,
                             still=request.still)  # fmt: skip
    return "done", found


def fetch_frames(conn: Connection, reader: BlobReader,
                 request: FrameRequest | MetadataRequest, timeout: float) -> Any:  # fmt: skip
    """The app's side: send the request, answer the worker's reads from `reader` until it is
    done, and return the worker's answer (`Frames` or `Extracted`). None when the worker
    overran `timeout` seconds or died (the caller kills it)."""
    conn.send(request)
    deadline = time.monotonic() + timeout
    while conn.poll(max(0.0, deadline - time.monotonic())):
        message = conn.recv()
        if isinstance(message, tuple) and message[:1] == ("read",) and len(message) == 3:
            conn.send(reader.read_at(int(message[1]), int(message[2])))
        elif isinstance(message, tuple) and message[:1] == ("done",):
            return message[1]
        else:
            return None
    return None


def no_frames(timeout: float) -> Frames:
    """What the app records when the worker gave up on a video."""
    return Frames(None, [], _("Decoding the video was stopped after {n} s.").format(
        n=f"{timeout:g}"))  # fmt: skip
