"""Every call that differs between Linux, macOS and Windows, in one place.

The rest of the code never imports `fcntl`, `resource` or `msvcrt` (a test checks that);
it asks this module for what it needs:

- `try_lock(path)`: the case file's writer lock, which the operating system drops when the
  process dies, so a crash never leaves a stale lock. Linux and macOS lock the case file
  itself with `flock()` (SQLite's own byte-range `fcntl` locks are independent of it),
  called directly: `portalocker` makes the same call there, but importing it reads package
  metadata (importlib.metadata, email), a fifth of a short command's start-up. Windows
  locks are mandatory byte-range locks that would stop SQLite reading the locked bytes, so
  there the lock, taken through `portalocker`, is on a `<case>.lock` file beside the case
  file, removed again when the lock is released.
- `limit_memory(n)`: caps the address space of the metadata worker. Linux enforces
  `RLIMIT_AS`; macOS accepts but does not enforce it and Windows has no rlimits, so there
  the worker runs unconfined and only its time limit protects the app.
- `peak_rss_mib()`: peak memory of this process (or its finished children), for benchmarks.
- `flush_tree(folder)`: every file and folder under `folder` on disk. Linux does it with one
  `syncfs()` of the file system (what `sync` does), not an fsync per file and folder: those
  cost a journal commit each, most of a folder export's time. Elsewhere, one fsync each.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from pathlib import Path

WINDOWS = sys.platform == "win32"
MACOS = sys.platform == "darwin"
# Children must not inherit the lock's descriptor: a helper process outliving the app
# would otherwise keep the case locked.
_NO_INHERIT = getattr(os, "O_NOINHERIT", 0) if WINDOWS else os.O_CLOEXEC


class FileLock:
    """An exclusive lock held by this process; `release()` (or exit, or death) drops it."""

    def __init__(self, fd: int, lock_file: Path | None) -> None:
        self._fd = fd
        self._lock_file = lock_file

    def release(self) -> None:
        """Drop the lock; calling it again does nothing."""
        if self._fd < 0:
            return
        # Closing the descriptor releases the lock on every platform.
        os.close(self._fd)
        self._fd = -1
        if self._lock_file is not None:
            # Windows refuses to delete a file another process has open, so a lock file that
            # someone is waiting on stays; an unused one does not litter the case's folder.
            with contextlib.suppress(OSError):
                self._lock_file.unlink()


def lock_file_for(case_path: Path) -> Path | None:
    """The file whose lock stands for the case's: the case file itself, except on Windows."""
    return case_path.with_name(case_path.name + ".lock") if WINDOWS else None


def try_lock(case_path: Path) -> FileLock | None:
    """Take the writer's lock on a case file without waiting; None if another process
    (or another open case in this one) holds it."""
    lock_file = lock_file_for(case_path)
    if lock_file is None:
        fd = os.open(case_path, os.O_RDONLY | _NO_INHERIT)
    else:
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | _NO_INHERIT, 0o600)
    try:
        locked = _lock_windows(fd) if WINDOWS else _flock(fd)
    except OSError:
        os.close(fd)
        raise
    if not locked:
        os.close(fd)
        return None
    return FileLock(fd, lock_file)


def _flock(fd: int) -> bool:
    """An exclusive flock() without waiting: False when someone else holds it; an OSError
    when the file system cannot lock at all (some network shares)."""
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        if err.errno in (errno.EACCES, errno.EAGAIN):
            return False
        raise
    return True


def _lock_windows(fd: int) -> bool:
    import portalocker

    try:
        portalocker.lock(fd, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING)
    except portalocker.AlreadyLocked:
        return False
    except portalocker.LockException as err:
        # The file system cannot lock at all: say so as an OSError.
        cause = err.__cause__
        raise cause if isinstance(cause, OSError) else OSError(str(err)) from None
    return True


def limit_memory(limit: int) -> bool:
    """Cap this process's address space at `limit` bytes where the system enforces it, so a
    memory bomb fails with MemoryError; False where it cannot (the process is unconfined)."""
    if sys.platform == "win32" or MACOS:
        return False  # Windows has no rlimits; macOS ignores RLIMIT_AS.
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):  # a lower hard limit is already set
        return False
    return True


def flush_tree(folder: Path) -> None:
    """Make every file and folder under `folder` durable; raises OSError when it cannot."""
    if sys.platform.startswith("linux") and _syncfs(folder):
        return
    for root, _dirs, files in os.walk(folder):
        for name in files:
            _fsync_path(Path(root, name), os.O_RDONLY)
        if not WINDOWS:  # Windows cannot open a folder to flush it; NTFS journals it
            _fsync_path(Path(root), os.O_RDONLY)


def _fsync_path(path: Path, flags: int) -> None:
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _syncfs(folder: Path) -> bool:
    """syncfs(2) on the file system holding `folder`; False when libc lacks it."""
    import ctypes

    try:  # the running interpreter's own symbols include libc's
        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:  # Linux 5.8+ reports write-back errors here
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), str(folder))
    finally:
        os.close(fd)
    return True


def peak_rss_mib(children: bool = False) -> float:
    """Peak resident memory in MiB of this process, or of its finished children."""
    if sys.platform == "win32":
        if children:
            raise NotImplementedError("Windows keeps no peak memory for finished children")
        return _windows_peak_working_set() / 2**20
    import resource

    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    peak = resource.getrusage(who).ru_maxrss
    # Linux counts ru_maxrss in KiB, macOS in bytes.
    return peak / 2**20 if MACOS else peak / 2**10


def _windows_peak_working_set() -> int:
    if sys.platform != "win32":
        raise OSError("GetProcessMemoryInfo exists on Windows only")
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [
            ("cb", wintypes.DWORD),
            ("PageFaultCount", wintypes.DWORD),
            ("PeakWorkingSetSize", ctypes.c_size_t),
            ("WorkingSetSize", ctypes.c_size_t),
            ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
            ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
            ("PagefileUsage", ctypes.c_size_t),
            ("PeakPagefileUsage", ctypes.c_size_t),
        ]

    counters = Counters()
    counters.cb = ctypes.sizeof(counters)
    kernel32 = ctypes.WinDLL("kernel32")
    process = kernel32.GetCurrentProcess()
    if not kernel32.K32GetProcessMemoryInfo(process, ctypes.byref(counters), counters.cb):
        raise ctypes.WinError()
    return int(counters.PeakWorkingSetSize)
