"""Per-user folders outside any case: the TSA list (configuration) and witnessed heads (data).

Linux and the BSDs follow the XDG base directories; macOS uses ~/Library/Application Support;
Windows uses %APPDATA% (roaming, so a witness follows the user's profile).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_FOLDER = "evidence-vault"


def _base(xdg_var: str, xdg_default: str) -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support"
    value = os.environ.get(xdg_var, "")
    # The XDG spec says a relative value is invalid and must be ignored.
    return Path(value) if os.path.isabs(value) else Path.home() / xdg_default


def config_dir() -> Path:
    """Where the user's settings for the app live (not created here)."""
    return _base("XDG_CONFIG_HOME", ".config") / APP_FOLDER


def data_dir() -> Path:
    """Where the app keeps the user's own records, such as witnessed heads (not created here)."""
    return _base("XDG_DATA_HOME", ".local/share") / APP_FOLDER


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def first_existing_folder(*candidates: Path | str | None) -> Path:
    """The first of `candidates` that is an existing folder, else the home folder: a default
    save location must exist (a fresh account, or a non-English desktop, may have no
    ~/Documents)."""
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return Path.home()


_UNSAFE_IN_NAMES = set('/\\:*?"<>|')
MAX_NAME = 80


def file_name(*parts: str, suffix: str) -> str:
    """A file name from `parts` (case number, kind, date...) joined by '-': characters that
    some file system refuses, and control characters, become '_'; empty parts are dropped;
    long names are cut. `suffix` ('.pdf') is kept whole."""
    cleaned = []
    for part in parts:
        text = "".join(
            "_" if c in _UNSAFE_IN_NAMES or not c.isprintable() else c for c in part
        ).strip(" .")
        if text:
            cleaned.append(text)
    return ("-".join(cleaned)[:MAX_NAME].rstrip(" .") or "evidence-vault") + suffix
