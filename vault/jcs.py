"""RFC 8785 (JCS) canonical JSON, the bytes every custody entry and stored metadata column
is hashed over (DESIGN: formats are contracts).

The `rfc8785` package writes it in pure Python, a few times per imported file (the entry,
and the metadata, tags and warnings columns). For the values this app writes (strings,
integers within 2^53, booleans, null, lists, objects whose keys are ASCII) the standard
library's C encoder writes the very same bytes: JSON escapes only `"`, `\\` and the C0
controls in both (the short forms `\\b \\f \\n \\r \\t`, else `\\u00xx` in lower case),
and ASCII keys sort the same by code point as by UTF-16 code unit. Anything else (a float,
a non-ASCII key, a subclass, a string that is not valid UTF-8, an integer beyond 2^53)
goes to `rfc8785`, which writes it or refuses it as before (issue 17: per-photo CPU).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import rfc8785

_INT_LIMIT = 2**53 - 1  # RFC 8785 / I-JSON: integers a double holds exactly
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
_LEAVES = frozenset({str, bool, type(None)})
_KEYS = frozenset({str})


def dumps(value: Any) -> bytes:
    """`rfc8785.dumps(value)`: the same bytes, or the same error."""
    return plain_dumps(value) or rfc8785.dumps(value)


def plain_dumps(value: Any) -> bytes | None:
    """The C encoder's bytes where they are RFC 8785's (no float in `value`, see above);
    None for anything else, which only `rfc8785` writes (or refuses)."""
    try:
        if _plain(value):
            return _ENCODE(value).encode("utf-8")
    except (UnicodeEncodeError, RecursionError):
        pass  # a lone surrogate, or nesting too deep: rfc8785 says so in its own words
    return None


def _plain(value: Any) -> bool:
    """Whether `value` holds only what the C encoder writes exactly as RFC 8785 does.
    A container's member and key types are gathered in C (`map(type, ...)`): only its
    numbers and nested containers are looked at one by one (issue 17: per-photo CPU)."""
    kind = type(value)
    if kind is dict:
        keys_ok = set(map(type, value)) <= _KEYS and "".join(value).isascii()
        return keys_ok and _all_plain(value.values())
    if kind is list or kind is tuple:
        return _all_plain(value)
    if kind is int:
        return bool(-_INT_LIMIT <= value <= _INT_LIMIT)
    return kind in _LEAVES


def _all_plain(members: Iterable[Any]) -> bool:
    return set(map(type, members)) <= _LEAVES or all(map(_plain, members))
