"""Signed JSON values held as their text, parsed again when read (issue 17).

A case's receipt (`package.import`) lists every item it received with six SHA-256s each:
parsed, about 0.9 KB an item, 18 MB for 20,000 items, held for the whole of a report
although a report only counts them. Packed, the same values take a fifth of that and are
parsed again only when someone iterates them; what they yield is what the entry signed
(every value a signed entry can hold survives `dumps` and `loads` unchanged: its text came
from the case file as valid UTF-8, which canonical JSON requires).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar, overload

K = TypeVar("K", bound=Hashable)


class PackedArray(Sequence[Any]):
    """A JSON array's values, held compressed; its length known without parsing."""

    __slots__ = ("_data", "_length")

    def __init__(self, values: list[Any]) -> None:
        # ASCII: a string the entry's JSON escaped as a lone surrogate has no UTF-8 form.
        self._data = zlib.compress(json.dumps(values, separators=(",", ":")).encode("ascii"))
        self._length = len(values)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        return self.values()[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.values())

    def __eq__(self, other: object) -> bool:  # as the list it packs compares
        if isinstance(other, PackedArray):
            return self.values() == other.values()
        return isinstance(other, list) and self.values() == other

    __hash__ = None  # type: ignore[assignment]  # a list is unhashable too

    def values(self) -> list[Any]:
        """The array parsed again: a new list each time."""
        return list(json.loads(zlib.decompress(self._data)))


def packed_details(content: dict[str, Any]) -> dict[str, Any]:
    """`content` with each array among its `details` packed (the rest shared as is)."""
    details = content.get("details")
    if not isinstance(details, dict):
        return content
    arrays = {key: PackedArray(value) for key, value in details.items() if isinstance(value, list)}
    return {**content, "details": {**details, **arrays}} if arrays else content


class PackedRecords(Mapping[K, dict[str, Any]], Generic[K]):
    """Records (JSON objects) by key, each held as its JSON text beside the values they all
    share; the first record added under a key counts, as `setdefault` would keep it.
    Reading one parses it again: a new dict, its own values then the shared ones."""

    __slots__ = ("_held", "_shared")

    def __init__(self, shared: dict[str, Any] | None = None) -> None:
        self._held: dict[K, bytes | dict[str, Any]] = {}
        self._shared = shared or {}

    def add(self, key: K, own: dict[str, Any]) -> None:
        """Hold `own` under `key`, unless a record already is."""
        if key not in self._held:
            self._held[key] = _packed(own)

    def __getitem__(self, key: K) -> dict[str, Any]:
        held = self._held[key]
        own = json.loads(held) if isinstance(held, bytes) else held
        return {**own, **self._shared}

    def __contains__(self, key: object) -> bool:  # without parsing the record
        return key in self._held

    def __iter__(self) -> Iterator[K]:
        return iter(self._held)

    def __len__(self) -> int:
        return len(self._held)


def _packed(record: dict[str, Any]) -> bytes | dict[str, Any]:
    """A record's JSON (ASCII: see PackedArray), or the record itself when a value nests
    deeper than _NESTING: such a record (only a hostile one) could be written, then fail
    to parse again when read from a deeper stack."""
    if not _shallow(record, 0):
        return record
    return json.dumps(record, separators=(",", ":")).encode("ascii")


_NESTING = 16  # levels of arrays and objects a packed record may hold (real ones: 2)


def _shallow(value: Any, depth: int) -> bool:
    if depth > _NESTING:
        return False
    if isinstance(value, dict):
        return all(_shallow(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return all(_shallow(v, depth + 1) for v in value)
    return True
