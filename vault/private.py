"""Files and folders the app creates outside the case file (packages, reports) hold
evidence in clear: they are made readable by their owner only, whatever the umask."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def create_file(path: Path | str) -> BinaryIO:
    """A new file open for writing, mode 0600; never replaces one already there."""
    return os.fdopen(create_fd(path), "wb")


def create_fd(path: Path | str) -> int:
    """create_file's descriptor, for plain os.write calls (no file object per file)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # the umask can only take bits away; say exactly which
    except BaseException:
        os.close(fd)
        raise
    return fd


def make_folder(path: Path | str) -> None:
    """A new folder, mode 0700."""
    os.mkdir(path, FOLDER_MODE)
    os.chmod(path, FOLDER_MODE)


def make_folders(root: Path, folder: Path) -> None:
    """Every missing folder from `root` (which exists) down to `folder`, each mode 0700.
    Plain string paths: an export makes one folder per item (pathlib cost 2 ms each)."""
    top, path = os.fspath(root), os.fspath(folder)
    if not path.startswith(top.rstrip(os.sep) + os.sep):
        return
    current = top
    for part in path[len(top.rstrip(os.sep)) + 1 :].split(os.sep):
        current = os.path.join(current, part)
        if part and not os.path.isdir(current):
            make_folder(current)


def umask_spares_owner() -> bool:
    """Whether the umask leaves the owner's bits alone, so that a new file or folder gets
    exactly the mode asked for (which never has group or other bits) and the chmod after it
    can be skipped: two system calls of six per item of a folder package. Read from /proc
    (Linux 4.7+), never set to find out (os.umask would race other threads); False when
    unknown, and the chmod is made."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8) & 0o700 == 0
    except (OSError, ValueError, IndexError):
        pass
    return False
