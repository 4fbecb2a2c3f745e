"""The canonical JSON every entry and metadata column is hashed over is RFC 8785 byte for
byte (vault/jcs.py takes the C encoder's path where it writes the same bytes): checked
against the `rfc8785` package itself on hostile strings, every character, odd keys and
the values it refuses."""

from __future__ import annotations

from enum import IntEnum

import pytest
import rfc8785

from vault import jcs

HOSTILE = "IMG\x1b[2J\x1b]0;owned\x07\u202egpj.exe\u0085\x9b31m"
EVERY_CHARACTER = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


class Turn(IntEnum):
    QUARTER = 90


SAME = [
    {"original_name": HOSTILE, "size": 37249, "mime": "image/jpeg", "thumbnail_sha256": None},
    {"b": [1, True, False, None, "x"], "a": {"z": {}, "y": []}, "": ""},
    [EVERY_CHARACTER[i : i + 4096] for i in range(0, len(EVERY_CHARACTER), 4096)],
    '"\\/\b\f\n\r\t\x00\x1f\x7f\u2028\u2029\ufeff\U0001f600',
    {"n": 2**53 - 1, "m": -(2**53 - 1), "zero": 0, "t": (1, "two")},
    {"\U0001f600": 1, "\ufb01": 2, "é": 3, "e": 4},  # UTF-16 order differs from code points
    {"turn": Turn.QUARTER, "h": 1.5, "e": 1e21, "neg": -0.0},  # subclasses and floats
    "",
    None,
]


@pytest.mark.parametrize("value", SAME, ids=range(len(SAME)))
def test_canonical_json_is_rfc8785_byte_for_byte(value):
    assert jcs.dumps(value) == rfc8785.dumps(value)


REFUSED = [2**53, {"a": -(2**53)}, "lone \ud800 surrogate", {"k": float("nan")},
           {1: "not a string key"}, {"s": {1, 2}}]  # fmt: skip


@pytest.mark.parametrize("value", REFUSED, ids=range(len(REFUSED)))
def test_what_rfc8785_refuses_is_refused_alike(value):
    with pytest.raises(rfc8785.CanonicalizationError) as expected:
        rfc8785.dumps(value)
    with pytest.raises(type(expected.value)):
        jcs.dumps(value)
