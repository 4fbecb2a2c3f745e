"""JSON objects parsed so that a big case's many of them share their repeated strings.

A custody entry parsed the plain way costs about 3.5 KB, most of it the same keys
("action", "details", "original_name"...) and values (the actor's fingerprint, the case id,
"text/plain") made again for every entry. Interned, those strings exist once, and a
20,000-item case's log or item list takes half the memory (issue 17: memory flat in the
number of items). Only short strings are interned: long ones are rarely repeated.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

Loads = Callable[[str | bytes], Any]  # json.loads, or loads_shared

_SHORT = 80  # a fingerprint (64), a UUID (36), a time, a type, a file name


def shared_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's pairs as a dict of interned keys and short interned string values
    (an `object_pairs_hook`); a repeated key keeps its last value, as `json.loads` does."""
    intern = sys.intern
    return {
        intern(key): intern(value) if type(value) is str and len(value) <= _SHORT else value
        for key, value in pairs
    }


def loads_shared(text: str | bytes) -> Any:
    """`json.loads`, sharing repeated strings (see the module docstring); raises as it does."""
    return json.loads(text, object_pairs_hook=shared_pairs)
