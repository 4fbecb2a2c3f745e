"""The user's small JSON lists in the configuration folder (time-stamping services, trust
lists): one file, one list of records under one key. Trust is the reader's choice, so these
live beside the app's settings, never in a case. A damaged file is a clear error, never a
silently empty list (that would quietly drop a trusted service or add none)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from vault.errors import InvalidInput
from vault.userdirs import config_dir, write_atomically

T = TypeVar("T")


def config_file(name: str) -> Path:
    """The file `name` in the user's configuration folder."""
    return config_dir() / name


def read_records(
    name: str, key: str, build: Callable[[dict[str, Any]], T], damaged: str
) -> list[T]:
    """Each record under `key` in the file `name`, built by `build`; [] when the file does not
    exist. `damaged` (with `{path}`) is the message when it cannot be read as such."""
    path = config_file(name)
    try:
        records = json.loads(path.read_text(encoding="utf-8"))[key]
        if not isinstance(records, list):
            raise TypeError
        return [build(record) for record in records]
    except FileNotFoundError:
        return []
    except (ValueError, KeyError, TypeError):
        raise InvalidInput(damaged.format(path=path)) from None


def write_records(name: str, key: str, records: Iterable[dict[str, Any]]) -> None:
    """Replace the file `name` with `records` under `key`, atomically."""
    doc = {key: list(records)}
    write_atomically(config_file(name), json.dumps(doc, indent=2).encode("utf-8"))
