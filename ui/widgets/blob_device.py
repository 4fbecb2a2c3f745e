"""`BlobDevice`: a seekable, read-only QIODevice over an original stored in the case file.

Qt Multimedia plays evidence from it (`QMediaPlayer.setSourceDevice`), so a video streams
from the encrypted chunks and no plaintext copy is ever written to disk (DESIGN §3, §11).
Qt's FFmpeg backend reads from its own thread; BlobReader serialises the reads. Once the
reader is closed the device is at its end (`atEnd()`), so Qt's reading thread gets "end of
file" at once instead of empty reads it would retry.
"""

from __future__ import annotations

from PySide6.QtCore import QIODevice, QObject

from vault.evidence.blobreader import BlobReader


class BlobDevice(QIODevice):
    def __init__(self, reader: BlobReader, parent: QObject) -> None:
        super().__init__(parent)
        self._reader = reader
        # Unbuffered: Qt Multimedia keeps its own buffers; a second copy would only cost memory.
        self.open(QIODevice.OpenModeFlag.ReadOnly | QIODevice.OpenModeFlag.Unbuffered)

    def isSequential(self) -> bool:  # noqa: N802 - Qt's name
        return False

    def size(self) -> int:
        return self._reader.size

    def bytesAvailable(self) -> int:  # noqa: N802 - Qt's name
        if self._reader.closed:
            return 0  # QIODevice.atEnd() is then true: Qt's FFmpeg reader reports end of file
        return max(0, self._reader.size - self.pos()) + super().bytesAvailable()

    def readData(self, maxlen: int) -> bytes:  # noqa: N802 - Qt's name
        if self._reader.closed or self.pos() >= self._reader.size:
            return b""
        return self._reader.read_at(self.pos(), maxlen)

    def writeData(self, data: bytes | bytearray | memoryview, length: int, /) -> int:  # noqa: N802 - Qt's name
        return -1
