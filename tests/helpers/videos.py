"""Small real videos made with PyAV (FFmpeg's muxers), each with the container metadata a
camera or phone writes: the inputs the corpus lacks, made in the test's own folder."""

from __future__ import annotations

from pathlib import Path

import av

SIZE = (64, 48)


def tagged_video(path: Path, tags: dict[str, str], options: dict[str, str] | None = None) -> Path:
    """A few frames of H.264 in the container `path`'s suffix names (.mp4, .mov), with
    `tags` as its container metadata (`options`: the muxer's, e.g. movflags)."""
    with av.open(str(path), "w", options=options or {}) as out:
        out.metadata.update(tags)
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = *SIZE, "yuv420p"
        for n in range(5):
            frame = av.VideoFrame(*SIZE, "yuv420p")
            frame.pts = n
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path
