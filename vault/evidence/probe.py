"""Run `extract_metadata` in a sandboxed worker process with a time limit.

Hostile files can make exifread spin for seconds or make Pillow allocate gigabytes. The
worker has a capped address space, and a file that takes too long gets the worker killed;
the app itself never runs the parsers. Paths (or, for originals read back from the case
file, their bytes) go to the worker and results come back through a pipe: nothing is
written to disk.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from types import TracebackType

import sqlcipher3.dbapi2 as sqlcipher

from vault.errors import VaultError
from vault.evidence.blobreader import BlobReader
from vault.evidence.blobstore import blob_chunks
from vault.evidence.filetype import InMemory, Source, source_size
from vault.evidence.frames import FrameRequest, MetadataRequest, fetch_frames, no_frames
from vault.evidence.media import Frames
from vault.evidence.metadata import (
    Extracted,
    is_media,
    needs_worker,
    quick_look,
)
from vault.evidence.worker import serve
from vault.i18n import _, current_language

IN_MEMORY_LIMIT = 64 << 20  # the largest stored image read back whole for its metadata
STARTUP_TIMEOUT = 60.0  # seconds for a fresh worker to import its parsers (cold disks are slow)


@dataclass(frozen=True)
class Call:
    """A parser other than EXIF to run in the worker: `fn` is a module-level function (it is
    sent by name) and its result must pickle."""

    fn: Callable[..., object]
    args: tuple[object, ...]


class ProbeFailed(VaultError):
    """The worker stopped, timed out or raised on a `call`; the message says which."""


class MetadataProbe:
    """Owns one persistent worker process; `extract()` never hangs and never raises.

    Safe to use from any thread (calls are serialised). The worker is started with the
    "spawn" method, so it inherits no threads, locks or Qt state from the app; the app's
    entry point must therefore be guarded by `if __name__ == "__main__":`.
    """

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._process: SpawnProcess | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> MetadataProbe:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def extract(self, source: Source, timeout: float = 5.0) -> Extracted:
        """Metadata of a file (a path, or `InMemory` bytes), or what is known without the
        worker, with a warning, if the worker gave up.

        `timeout` counts from when the worker has the file; starting a worker is not
        counted. On timeout or crash the worker is killed and a fresh one is started
        for the next file.
        """
        glance = quick_look(source)
        if not needs_worker(glance.mime) or not source_size(source):
            return glance  # nothing to parse: no need to cross into the worker
        result, problem = self._exchange(source, timeout)
        if isinstance(result, Extracted):
            return result
        glance.warnings.append(problem or _failed())
        glance.complete = False
        return glance

    def call(self, fn: Callable[..., object], *args: object, timeout: float = 5.0) -> object:
        """`fn(*args)` run in the worker under its memory and time limits; what it returns,
        or `ProbeFailed` when it raised, crashed or took longer than `timeout` seconds."""
        result, problem = self._exchange(Call(fn, args), timeout)
        if isinstance(result, tuple) and len(result) == 2 and result[0] == "ok":
            return result[1]
        if isinstance(result, tuple) and len(result) == 2 and result[0] == "error":
            problem = str(result[1])
        raise ProbeFailed(problem or _failed())

    def _exchange(self, message: object, timeout: float) -> tuple[object, str | None]:
        """Send one message and wait up to `timeout` for its answer: (answer, None), or
        (None, why) after the worker was killed for taking too long or dying."""
        with self._lock:
            try:
                conn = self._ready_connection()
                conn.send(message)
                if conn.poll(timeout):
                    return conn.recv(), None
                problem = _("Metadata extraction was stopped after {n} s.").format(
                    n=_seconds(timeout)
                )
            except (EOFError, OSError, TimeoutError):
                problem = _failed()
            self._kill()
            return None, problem

    def frames(self, reader: BlobReader, request: FrameRequest, timeout: float = 20.0) -> Frames:
        """Frames of a stored video decoded in the worker, its reads answered from `reader`
        (the case file's chunks); never raises, never hangs past `timeout`."""
        with self._lock:
            try:
                found = fetch_frames(self._ready_connection(), reader, request, timeout)
            except (EOFError, OSError, TimeoutError):
                found = None
            if not isinstance(found, Frames):
                self._kill()
                return no_frames(timeout)
            return found

    def extract_streamed(self, reader: BlobReader, name: str, timeout: float = 20.0) -> (
            Extracted | None):  # fmt: skip
        """Metadata of a stored video or audio original read by the worker through the pipe
        (no copy in memory or on disk); None when the worker gave up (it is then killed)."""
        with self._lock:
            try:
                found = fetch_frames(self._ready_connection(), reader,
                                     MetadataRequest(name, reader.size), timeout)  # fmt: skip
            except (EOFError, OSError, TimeoutError):
                found = None
            if not isinstance(found, Extracted):
                self._kill()
                return None
            return found

    def close(self) -> None:
        """Stop the worker: close its pipe, let it exit, and kill it if it does not."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
            if self._process is not None:
                self._process.join(timeout=2.0)
            self._kill()

    def _ready_connection(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self._kill()
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(target=serve, args=(child, current_language()), daemon=True)
        process.start()
        child.close()  # the worker holds its end; ours must close so EOF is seen if it dies
        self._process, self._conn = process, parent
        deadline = time.monotonic() + STARTUP_TIMEOUT
        if not parent.poll(max(0.0, deadline - time.monotonic())) or parent.recv() != "ready":
            raise TimeoutError("metadata worker did not start")
        return parent

    def _kill(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(timeout=5.0)
            self._process.close()
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None


def _failed() -> str:
    return _("The metadata worker failed on this file; no metadata was read.")


def _seconds(timeout: float) -> str:
    # Shown to the user; no float formatting surprises such as "5.0" or "0.010000000000000002".
    return f"{timeout:g}"


def extract_stored(
    conn: sqlcipher.Connection, probe: MetadataProbe, name: str, blob_id: int, size: int
) -> Extracted:
    """Metadata recomputed from an original stored in the case, read back into memory:
    originals never exist as plaintext files on disk (received ones, or when `verify`
    recomputes what an older case file did not sign)."""
    first = next(iter(blob_chunks(conn, blob_id)), b"")
    glance = quick_look(InMemory(name, first))
    if not needs_worker(glance.mime):
        return glance
    if size > IN_MEMORY_LIMIT and is_media(glance.mime):  # streamed: video is often large
        streamed = probe.extract_streamed(BlobReader(conn, blob_id), name)
        if streamed is not None:
            return streamed
    if size > IN_MEMORY_LIMIT:
        glance.warnings.append(
            _("The image is too large to read its metadata in memory.")
            if glance.mime.startswith("image/")
            else _("The file is too large to read its metadata in memory.")
        )
        glance.complete = False
        return glance
    return probe.extract(InMemory(name, b"".join(blob_chunks(conn, blob_id))))
