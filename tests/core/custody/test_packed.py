"""A held receipt's item list, packed (issue 17), yields exactly the values it signed."""

from __future__ import annotations

import json
import math

from vault.custody.packed import PackedArray, packed_details

HOSTILE = [
    {"id": "a", "sha256": "0" * 64, "name": "фото «1».jpg"},
    "\ud800",  # a lone surrogate, as JSON's "\\ud800" parses
    2**80,
    -0.0,
    1e-310,
    [[], {}, None, True, False],
    "line\nbreak\u2028",
]


def test_a_packed_array_gives_back_the_values_it_was_given() -> None:
    values = json.loads(json.dumps(HOSTILE))
    packed = PackedArray(values)
    assert len(packed) == len(values)
    assert list(packed) == values == packed.values() == packed[:]
    assert packed[-1] == values[-1] and math.copysign(1, packed[3]) == -1
    assert packed.values() is not packed.values()  # each caller gets its own
    assert packed == values and values == packed and packed == PackedArray(values)
    assert packed != values[:-1] and packed != tuple(values)


def test_non_finite_numbers_the_json_module_reads_survive_too() -> None:
    (nan, inf) = PackedArray(json.loads("[NaN, -Infinity]"))
    assert math.isnan(nan) and inf == -math.inf


def test_only_the_details_arrays_are_packed_the_rest_is_shared() -> None:
    content = {"action": "package.import", "details": {"items": [1, 2], "package": "p"}}
    packed = packed_details(content)
    assert isinstance(packed["details"]["items"], PackedArray)
    assert list(packed["details"]["items"]) == [1, 2] and packed["details"]["package"] == "p"
    assert content["details"]["items"] == [1, 2]  # the entry it came from is unchanged
    assert packed_details({"action": "x", "details": {"package": "p"}}) == {
        "action": "x", "details": {"package": "p"}
    }  # fmt: skip
