"""Playing video and audio evidence from the encrypted case (DESIGN §11): frames arrive, the
position advances, pause, seek and volume work, and no plaintext copy reaches the disk."""

from __future__ import annotations

import faulthandler
import os
import tempfile
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer
from test_main_window import select

from tests.helpers.case import CORPUS

VIDEO = CORPUS / "video"


@pytest.fixture
def watched_temp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """A fresh temp folder for Python and Qt (TMPDIR), watched with the isolated HOME."""
    folder = tmp_path_factory.mktemp("tmpdir")
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def freeze_watchdog(request: pytest.FixtureRequest):
    """A function: end the whole run with every thread's stack if the test is not done
    within `seconds`. A deadlock holds the GIL, so no Python timeout (pytest-timeout's
    either) can fire; faulthandler's thread needs none. It writes to the real terminal."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        terminal = os.dup(2)
    yield lambda seconds: faulthandler.dump_traceback_later(seconds, exit=True, file=terminal)
    faulthandler.cancel_dump_traceback_later()
    os.close(terminal)


def _files(*roots: Path) -> dict[Path, int]:
    found = {}
    for root in roots:
        for folder, _dirs, names in os.walk(root):
            for name in names:
                path = Path(folder, name)
                found[path] = path.stat().st_size
    return found


def _holds(path: Path, needle: bytes) -> bool:
    try:
        return needle in path.read_bytes()
    except OSError:
        return False


def test_video_plays_from_the_case_with_no_plaintext_on_disk(
    qtbot, case_window, import_and_wait, watched_temp, isolated_settings, tmp_path
):
    original = VIDEO / "iPhone6_gps_rot90.mov"
    import_and_wait(case_window, [original])
    before = _files(watched_temp, isolated_settings, tmp_path)
    select(case_window, original.name)
    pane = case_window.workspace.preview
    player = pane.player
    assert player is not None and player.isVisible()
    sink = player.video.videoSink()
    with qtbot.waitSignal(sink.videoFrameChanged, timeout=15_000) as first:
        player.play_button.click()
    assert first.args[0].isValid()
    qtbot.waitSignal(player.player.positionChanged, timeout=15_000,
                     check_params_cb=lambda ms: ms > 500).wait()  # fmt: skip
    assert player.play_button.text() == "Pause"

    with qtbot.waitSignal(player.player.playbackStateChanged, timeout=5_000):
        player.play_button.click()
    assert player.player.playbackState() == QMediaPlayer.PlaybackState.PausedState
    with qtbot.waitSignal(player.player.positionChanged, timeout=5_000,
                          check_params_cb=lambda ms: ms >= 3000):  # fmt: skip
        player.seek(3000)  # what the position slider does
    player.volume.setValue(25)
    assert player.audio.volume() == pytest.approx(0.25)

    # Nothing new holds the video's bytes: not the temp folder, not the caches, not beside
    # the case file (a slice from the middle of the media data is the needle).
    needle = original.read_bytes()[200_000:200_064]
    after = _files(watched_temp, isolated_settings, tmp_path)
    changed = [p for p, size in after.items() if before.get(p) != size]
    assert [p for p in changed if _holds(p, needle)] == []
    assert [p for p in after if p.suffix.lower() in (".mov", ".mp4", ".tmp")] == []
    player.stop()


def test_audio_plays_and_its_position_advances(qtbot, case_window, import_and_wait):
    import_and_wait(case_window, [VIDEO / "alac_zero-date.m4a"])
    select(case_window, "alac_zero-date.m4a")
    player = case_window.workspace.preview.player
    assert player is not None and not player.video.isVisible()
    with qtbot.waitSignal(player.player.positionChanged, timeout=15_000,
                          check_params_cb=lambda ms: ms > 300):  # fmt: skip
        player.play_button.click()
    player.stop()


def test_a_video_without_decodable_frames_shows_its_icon_not_a_player(
    qtbot, case_window, import_and_wait
):
    import_and_wait(case_window, [VIDEO / "truncated-moov_fuzz-crash.mp4"])
    select(case_window, "truncated-moov_fuzz-crash.mp4")
    pane = case_window.workspace.preview
    assert "truncated-moov_fuzz-crash.mp4" in pane.caption.text()


def test_playback_prints_nothing_of_the_file_to_the_terminal(
    qtbot, case_window, import_and_wait, capfd
):
    """Qt's FFmpeg would print each file's header and metadata (here: a device's name and a
    GPS position) to stderr; the player silences it."""
    import_and_wait(case_window, [VIDEO / "iPhone6_gps_rot90.mov"])
    capfd.readouterr()
    select(case_window, "iPhone6_gps_rot90.mov")
    player = case_window.workspace.preview.player
    loaded = QMediaPlayer.MediaStatus.LoadedMedia
    qtbot.waitUntil(lambda: player.player.mediaStatus() == loaded, timeout=15_000)
    printed = capfd.readouterr()
    for secret in ("iPhone", "+32.0929", "ISO6709", "Input #0"):
        assert secret not in printed.err + printed.out
    player.stop()


def test_save_frame_stores_the_still_at_the_players_time_as_a_derived_item(
    qtbot, case_window, import_and_wait
):
    import_and_wait(case_window, [VIDEO / "with-gps.mp4"])
    select(case_window, "with-gps.mp4")
    workspace = case_window.workspace
    player = workspace.preview.player
    loaded = QMediaPlayer.MediaStatus.LoadedMedia
    qtbot.waitUntil(lambda: player.player.mediaStatus() == loaded, timeout=15_000)
    with qtbot.waitSignal(workspace.frame_saved, timeout=60_000) as saved:
        player.frame_button.click()
    still = saved.args[0]
    assert still.operation == {"op": "frame", "at_ms": still.operation["at_ms"]}
    qtbot.waitUntil(lambda: workspace.item_model.rowCount() == 2, timeout=10_000)
    video, copy = workspace.item_model.items()
    assert still.mime == "image/png" and still.parent == video.id
    assert copy.id == still.id and copy.derived_from == video.id


def test_playback_goes_on_while_an_import_runs_and_after_it(
    qtbot, case_window, import_and_wait, watched_temp, isolated_settings, tmp_path, corpus
):
    """Playback reads through a read-only connection of its own: an import writing through
    the case's connection neither stops it nor holds it up, the reload after the import
    leaves it playing, and still nothing of the video reaches the disk."""
    original = VIDEO / "FLIR_Thermal.mp4"  # 11 s: it plays on through the whole import
    import_and_wait(case_window, [original])
    before = _files(watched_temp, isolated_settings, tmp_path)
    select(case_window, original.name)
    player = case_window.workspace.preview.player
    session = case_window.session
    with qtbot.waitSignal(player.player.positionChanged, timeout=15_000,
                          check_params_cb=lambda ms: ms > 200):  # fmt: skip
        player.play_button.click()
    seen: list[tuple[int, bool]] = []
    player.player.positionChanged.connect(lambda ms: seen.append((ms, session.busy)))
    with qtbot.waitSignal(case_window.workspace.import_finished, timeout=120_000) as done:
        case_window.import_paths([corpus / "camera", corpus / "phone"])
    assert len(done.args[0].imported) > 30
    during = [ms for ms, busy in seen if busy]
    assert during and max(during) - min(during) >= 500, seen  # it played on during the import
    assert player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
    # The reload after the import keeps the same stream: the position goes on, not from 0.
    qtbot.waitUntil(lambda: not session.busy)
    last = player.player.position()
    qtbot.waitSignal(player.player.positionChanged, timeout=15_000,
                     check_params_cb=lambda ms: ms > last).wait()  # fmt: skip
    assert player.showing(case_window.workspace.items.current_item().id)

    needle = original.read_bytes()[700_000:700_064]
    after = _files(watched_temp, isolated_settings, tmp_path)
    changed = [p for p, size in after.items() if before.get(p) != size]
    assert [p for p in changed if _holds(p, needle)] == []
    player.stop()


@pytest.mark.slow
def test_stopping_a_video_during_an_import_never_freezes_the_app(
    qtbot, case_window, import_and_wait, corpus, freeze_watchdog
):
    """The user stops a playing video (picks another item, the case locks) while an import
    writes, just as one of Qt's playback threads is running Python: our readData, a Qt
    message handler (pytest-qt's got "No audio device detected" from the audio thread when
    this froze in CI) or, here, a slot on the video sink. Stopping waits for those threads;
    it must not hold the GIL they need. Every stop returns, and playback starts again."""
    original = VIDEO / "FLIR_Thermal.mp4"
    import_and_wait(case_window, [original])
    select(case_window, original.name)
    workspace, session = case_window.workspace, case_window.session
    player = workspace.preview.player
    item = workspace.items.current_item()
    armed, inside, go = threading.Event(), threading.Event(), threading.Event()
    threads: set[str] = set()

    def on_frame(_frame: object) -> None:  # on Qt's video thread (a direct connection)
        if armed.is_set():
            armed.clear()
            threads.add(threading.current_thread().name)
            inside.set()
            go.wait(timeout=30)  # in Python, GIL released, until the main thread stops

    sink = player.video.videoSink()
    sink.videoFrameChanged.connect(on_frame, Qt.ConnectionType.DirectConnection)
    freeze_watchdog(300)
    stopped_while_busy = []
    # The videos were playing before the import began (while it runs, the case is not read).
    readers = [workspace.reader.playback(item.id) for _round in range(5)]
    try:
        case_window.import_paths([corpus / "camera", corpus / "phone"])
        for reader in readers:
            inside.clear()
            go.clear()
            armed.set()
            player.load(item, reader)
            player.player.play()
            qtbot.waitUntil(inside.is_set, timeout=30_000)
            go.set()
            stopped_while_busy.append(session.busy)
            player.stop()  # the user leaves the video: this froze the app for good
        assert any(stopped_while_busy), "the import ended before the first stop"
        assert threads and threading.main_thread().name not in threads
    finally:
        armed.clear()
        go.set()  # the video thread never waits on a failed test
        for reader in readers:
            reader.close()  # those a failed test left unused
        qtbot.waitUntil(lambda: not session.busy, timeout=120_000)
        sink.videoFrameChanged.disconnect(on_frame)
    player.load(item, workspace.reader.playback(item.id))
    with qtbot.waitSignal(player.player.positionChanged, timeout=15_000,
                          check_params_cb=lambda ms: ms > 200):  # fmt: skip
        player.player.play()
    player.stop()
