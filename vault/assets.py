"""The files shipped in `resources/` (fonts, translations, VERIFY templates, trust lists).

They are read through `importlib.resources`, never by a path computed from `__file__`, so the
same code finds them in a source checkout, an installed wheel and the one-folder desktop app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

PACKAGE = "resources"


def resource(*parts: str) -> Traversable:
    """The shipped file or folder at `parts` (for example `"fonts", "DejaVuSans.ttf"`)."""
    # Imported here: importlib.resources pulls in tempfile, shutil and more, which `--help`
    # and an English session never need (issue 17: start-up).
    from importlib.resources import files

    try:
        node = files(PACKAGE)
    except ModuleNotFoundError:
        raise _missing(()) from None
    for part in parts:
        node = node / part
    return node


def read_bytes(*parts: str) -> bytes:
    """The bytes of a shipped file; a file missing from the installation raises
    `MissingResource`, whose message tells the user to reinstall."""
    try:
        return resource(*parts).read_bytes()
    except FileNotFoundError:
        raise _missing(parts) from None


def read_text(*parts: str) -> str:
    """A shipped UTF-8 text file (see `read_bytes`)."""
    return read_bytes(*parts).decode("utf-8")


def names(*parts: str, suffix: str) -> list[str]:
    """The names of the files ending in `suffix` in a shipped folder, sorted; a folder
    missing from the installation raises `MissingResource`."""
    folder = resource(*parts)
    if not folder.is_dir():
        raise _missing(parts)
    return sorted(f.name for f in folder.iterdir() if f.is_file() and f.name.endswith(suffix))


def _missing(parts: tuple[str, ...]) -> Exception:
    # Imported here: errors -> i18n -> assets would otherwise be a cycle.
    from vault.errors import MissingResource

    return MissingResource("/".join((PACKAGE, *parts)))
