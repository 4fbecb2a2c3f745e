"""Video evidence at scale (DESIGN §11), on a 1 GiB H.264 video made here with PyAV:

- metadata and thumbnail in the sandboxed worker: < 2 s and < 300 MB (the worker's peak RSS);
- import: >= 0.8x the throughput of raw SQLCipher inserts of the same bytes (same run);
- playback: the first frame on screen (QVideoSink) < 1 s after Play, streamed from the case.

    make bench NAME=media          # SIZE_MIB=256 for a quicker, smaller run
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench.bench_core import raw_sqlcipher_fill, raw_sqlcipher_table
from bench.common import PASSPHRASE, MiB, report, scratch, timed

SIZE = int(os.environ.get("SIZE_MIB", "1024")) * MiB
WIDTH, HEIGHT = 1920, 1080


def make_video(path: Path, size: int) -> Path:
    """An MP4 of lossless H.264 noise (incompressible, so few frames reach `size`)."""
    import av

    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30, options={"preset": "ultrafast", "qp": "0"})
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        n, written = 0, 0
        while written < size:
            frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
            for plane in frame.planes:
                plane.update(os.urandom(plane.buffer_size))
            frame.pts = n
            n += 1
            for packet in stream.encode(frame):
                written += packet.size
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def bench_metadata(video: Path) -> None:
    from vault.evidence.probe import MetadataProbe
    from vault.platform import peak_rss_mib

    with MetadataProbe() as probe:
        # Start the worker and load its parsers on a small video first: an import keeps one
        # worker for all its files, so its start-up is not the big video's cost.
        warm_up = make_video(video.parent / "warm-up.mp4", 1 << 20)
        probe.extract(str(warm_up), timeout=30.0)
        started = time.perf_counter()
        found = probe.extract(str(video), timeout=30.0)
        seconds = time.perf_counter() - started
    assert found.thumbnail and found.fields["duration_ms"], found.warnings
    mib = video.stat().st_size / MiB
    report(f"metadata + thumbnail, {mib:.0f} MiB video (s)", seconds, "s", target="< 2 s",
           ok=seconds < 2)  # fmt: skip
    rss = peak_rss_mib(children=True)
    report("  the worker's peak RSS (MB)", rss, "MB", target="< 300 MB", ok=rss < 300)


def bench_import(folder: Path, video: Path) -> None:
    from vault.case.handle import Case
    from vault.evidence.ingest import import_paths

    raw, ours = float("inf"), float("inf")
    for _round in range(2):  # alternate, best of two: neither pays for the other's writeback
        # The key is derived before either is timed (the case's when it is created), so the
        # KDF, a large share at quarter scale on a loaded machine, favours neither.
        table = raw_sqlcipher_table(folder / "raw.db")
        raw = min(raw, _quiet(partial(raw_sqlcipher_fill, table, [video])))
        (folder / "raw.db").unlink()
        case = Case.create(folder / "bench.evault", PASSPHRASE, title="Benchmark")
        ours = min(ours, _quiet(partial(import_paths, case, [video])))
        case.close()
        (folder / "bench.evault").unlink()
    mb = video.stat().st_size / MiB
    report("raw SQLCipher inserts of the video (MB/s)", mb / raw, "MB/s")
    report("evidence-vault import of the video (MB/s)", mb / ours, "MB/s", mb / raw,
           "raw SQLCipher", "ratio >= 0.8", ok=raw / ours >= 0.8)  # fmt: skip


def bench_first_frame(folder: Path, video: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.workspace.media_player import MediaPlayer
    from vault.case.handle import Case
    from vault.case.view import CaseReader
    from vault.evidence.ingest import import_paths

    app = QApplication.instance() or QApplication(sys.argv[:1])
    case = Case.create(folder / "play.evault", PASSPHRASE, title="Playback")
    item_id = import_paths(case, [video]).imported[0].id
    reader = CaseReader(case)
    item = next(i for i in reader.items() if i.id == item_id)
    player = MediaPlayer()
    player.show()
    loop, shown = QEventLoop(), []

    def arrived(_frame: object) -> None:
        shown.append(time.perf_counter())
        loop.quit()

    player.video.videoSink().videoFrameChanged.connect(arrived)
    QTimer.singleShot(30_000, loop.quit)
    started = time.perf_counter()
    player.load(item, reader.playback(item_id))  # the app's path: a connection of its own
    player.player.play()
    loop.exec()
    assert shown, "no frame arrived in 30 s"
    seconds = shown[0] - started
    report("first frame on screen after Play (s)", seconds, "s", target="< 1 s", ok=seconds < 1)
    player.stop()
    case.close()
    app.processEvents()


def _quiet(work: Callable[[], object]) -> float:
    os.sync()
    return timed(work)


def main() -> int:
    with scratch("media") as folder:
        video = timed_video(folder)
        bench_metadata(video)
        bench_import(folder, video)
        bench_first_frame(folder, video)
    return 0


def timed_video(folder: Path) -> Path:
    started = time.perf_counter()
    video = make_video(folder / "big.mp4", SIZE)
    made = time.perf_counter() - started
    print(f"made {video.stat().st_size / MiB:.0f} MiB of H.264 1080p in {made:.0f} s", flush=True)
    return video
