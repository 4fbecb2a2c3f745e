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
