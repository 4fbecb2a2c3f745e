"""The sandboxed metadata worker's own side (vault/evidence/probe.py starts it).

A spawned worker imports the module of its loop before it can say it is ready, and the
import waits for it (issue 17: photo import). So this module loads only what reading a
photo needs: the EXIF and thumbnail code. Video and audio readers, the frame server and
the case file's blob readers load when a message first needs them.
"""

from __future__ import annotations

import os
from multiprocessing.connection import Connection

from vault import platform
from vault.evidence.filetype import InMemory
from vault.evidence.metadata import extract_metadata
from vault.i18n import set_language

MEMORY_LIMIT = 1536 * 1024 * 1024  # bytes of address space for the worker


def run(message: object) -> object:
    """One message's answer: a file's `Extracted`, or `("ok" | "error", ...)` for a `Call`."""
    if isinstance(message, str | InMemory):
        return extract_metadata(message)
    from vault.evidence.probe import Call  # a Call unpickled has loaded it already

    if not isinstance(message, Call):
        return extract_metadata(message)  # type: ignore[arg-type]
    try:
        return ("ok", message.fn(*message.args))
    except Exception as err:  # noqa: BLE001 - a hostile file's parser error is a result
        return ("error", f"{type(err).__name__}: {err}")


def serve(conn: Connection, language: str = "en") -> None:
    """The worker's loop: one path in, one `Extracted` out, until the pipe closes.
    `language` is the app's: the worker's warnings read as the in-process ones do."""
    set_language(language)
    # A memory bomb must fail here with MemoryError, not take the app down with it. Where the
    # system cannot cap memory (Windows, macOS) only the time limit guards the app.
    platform.limit_memory(MEMORY_LIMIT)
    conn.send("ready")
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            # The app closed the pipe: nothing is left to save, so skip the interpreter's
            # teardown of FFmpeg, MediaInfo and Pillow (a quarter second the import waits for).
            os._exit(0)
        conn.send(_answer(conn, message))


def _answer(conn: Connection, message: object) -> object:
    if isinstance(message, str | InMemory):  # the common case, without the frame server
        return run(message)
    from vault.evidence.frames import FrameRequest, MetadataRequest, serve_frames, serve_metadata

    if isinstance(message, FrameRequest):  # frames of a stored video (vault/evidence/frames.py)
        return serve_frames(conn, message)
    if isinstance(message, MetadataRequest):  # a stored video too large for memory
        return serve_metadata(conn, message)
    return run(message)
