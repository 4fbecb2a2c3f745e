"""Playback of video and audio evidence in the preview (DESIGN §11): play, pause, seek,
volume, and "Save frame" for a still at the current time (a derived item, §10).

The media streams from the case file through `BlobDevice`; Qt Multimedia never gets a path.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import PySide6
from PySide6.QtCore import Q_ARG, QGenericArgumentHolder, QMetaObject, QObject, Qt, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from ui.widgets.blob_device import BlobDevice
from ui.widgets.text import display_text
from vault.evidence.blobreader import BlobReader
from vault.evidence.items import Item
from vault.evidence.media import clock
from vault.i18n import _


def quiet_qt_ffmpeg() -> None:
    """Silence the FFmpeg inside Qt Multimedia: by default it prints each file's header and
    metadata (evidence content: names, places, devices) to the terminal. QT_FFMPEG_DEBUG
    keeps Qt's own switch for debugging. Best effort: where the library is not found (another
    platform's file name), nothing changes."""
    if os.environ.get("QT_FFMPEG_DEBUG"):
        return
    folder = Path(PySide6.__file__).parent
    for pattern in ("Qt/lib/libavutil.so.*", "avutil-*.dll", "Qt/lib/libavutil.*.dylib"):
        for path in sorted(folder.glob(pattern)):
            try:
                ctypes.CDLL(str(path)).av_log_set_level(_AV_LOG_QUIET)
            except (OSError, AttributeError):
                continue
            return


_AV_LOG_QUIET = -8


def call_unlocked(target: QObject, slot: str, *args: QGenericArgumentHolder) -> None:
    """Call a Qt slot of `target` here and now with the GIL released. PySide6 keeps the GIL
    through most calls (QMediaPlayer.play, pause, setPosition, stop); while they wait for a
    lock or a thread of Qt's playback that is itself waiting to run Python (our readData,
    a message handler, a wrapped object's virtual), the app freezes for good.
    QMetaObject.invokeMethod releases it (allow-thread in PySide6's typesystem)."""
    QMetaObject.invokeMethod(target, slot, Qt.ConnectionType.DirectConnection, *args)


def can_play(item: Item) -> bool:
    """Video and audio whose container was read (a duration); others show an icon."""
    return item.mime.startswith(("video/", "audio/")) and bool(item.metadata.get("duration_ms"))


class MediaPlayer(QWidget):
    """A player for one item at a time; `frame_requested(item_id, at_ms)` asks the
    workspace to save the still at the current position."""

    frame_requested = Signal(str, int)

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName(_("Player"))
        self.video = QVideoWidget()
        self.video.setAccessibleName(_("Video"))
        self.audio = QAudioOutput(self)
        self.player = QMediaPlayer(self)
        quiet_qt_ffmpeg()  # after the backend's start-up, which sets FFmpeg's log level
        self.player.setAudioOutput(self.audio)
        self.player.setVideoOutput(self.video)
        self.play_button = QPushButton(_("Play"))
        self.play_button.clicked.connect(self.toggle)
        self.position = QSlider(Qt.Orientation.Horizontal)
        self.position.setAccessibleName(_("Position"))
        self.position.sliderMoved.connect(self.seek)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setAccessibleName(_("Volume"))
        self.volume.setRange(0, 100)
        self.volume.setValue(80)
        self.volume.setMaximumWidth(100)
        self.volume.valueChanged.connect(lambda v: self.audio.setVolume(v / 100))
        self.audio.setVolume(0.8)
        self.time = QLabel(clock(0))
        self.frame_button = QPushButton(_("Save frame"))
        self.frame_button.setToolTip(_("Save the picture at the current time as a derived item"))
        self.frame_button.clicked.connect(self._request_frame)
        controls = QHBoxLayout()
        for widget in (self.play_button, self.position, self.time, self.volume, self.frame_button):
            controls.addWidget(widget)
        controls.setStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.video, 1)
        layout.addLayout(controls)
        self.player.durationChanged.connect(lambda ms: self.position.setRange(0, ms))
        self.player.positionChanged.connect(self._moved)
        self.player.playbackStateChanged.connect(self._state)
        self.player.errorOccurred.connect(self._failed)
        self._device: BlobDevice | None = None
        self._reader: BlobReader | None = None
        self._item: Item | None = None

    def load(self, item: Item, reader: BlobReader) -> None:
        """Stream `item` from the case file; paused at the start until Play. The player
        owns `reader` from now on and closes it (and its connection) in `stop()`."""
        self.stop()  # so setSourceDevice, which keeps the GIL, has no playback to wait for
        self._item, self._reader = item, reader
        self._device = BlobDevice(reader, self)
        is_video = item.mime.startswith("video/")
        self.video.setVisible(is_video)
        self.frame_button.setVisible(is_video)
        # The URL only names the container type for Qt's probe; nothing is opened by path.
        self.player.setSourceDevice(self._device, QUrl(item.original_name))

    def stop(self) -> None:
        """Stop and let go of the stream (the case is locking, or another item is shown).
        Returns promptly, even while Qt's playback threads are reading or running Python."""
        if self._reader is not None:
            # First: a read in flight (waiting out an import's write) gives up, and from now
            # on the device is at its end, so Qt's reading threads finish at once.
            self._reader.close()
        # Only setSource, never QMediaPlayer.stop(): stopping waits for Qt's playback threads
        # (the renderers, with blocking calls; the loader; the reader), and those may be
        # running Python (BlobDevice.readData, a Qt message handler, a slot), which needs the
        # GIL. PySide6 keeps the GIL through stop() and setSourceDevice() - a deadlock - but
        # releases it for setSource() (allow-thread in its typesystem), which stops as well.
        self.player.setSource(QUrl())
        if self._device is not None:
            self._device.close()
            self._device.deleteLater()
        self._device, self._reader, self._item = None, None, None

    def showing(self, item_id: str) -> bool:
        """Whether this item is loaded now (a reload after a job keeps it playing)."""
        return self._item is not None and self._item.id == item_id

    def toggle(self) -> None:
        playing = self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        call_unlocked(self.player, "pause" if playing else "play")

    def seek(self, ms: int) -> None:
        call_unlocked(self.player, "setPosition", Q_ARG("qint64", ms))

    def _moved(self, ms: int) -> None:
        if not self.position.isSliderDown():
            self.position.setValue(ms)
        self.time.setText(clock(ms))

    def _state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText(_("Pause") if playing else _("Play"))

    def _failed(self, _error: QMediaPlayer.Error, reason: str) -> None:
        # A damaged file is a fact about the evidence, said in the player, never a crash.
        self.time.setText(_("Cannot play: {reason}").format(reason=display_text(reason)[:200]))

    def _request_frame(self) -> None:
        if self._item is not None:
            call_unlocked(self.player, "pause")
            self.frame_requested.emit(self._item.id, self.player.position())
