"""A held receipt's item list and item records, packed (issue 17), give back exactly the
values they were given."""

from __future__ import annotations

import json
import math
import sys

from vault.custody.packed import PackedArray, PackedRecords, packed_details

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


def test_packed_records_give_back_the_first_record_of_each_key_with_the_shared_values() -> None:
    records = PackedRecords[str]({"method": "package", "at": "2026-12-01"})
    own = {"sha256": "0" * 64, "name": "фото «1».jpg", "big": 2**80, "zero": -0.0,
           "odd": "\ud800", "nested": [[], {}, None, True], "method": "forged"}  # fmt: skip
    records.add("a", own)
    records.add("a", {"sha256": "1" * 64})  # a later line for the same item does not count
    records.add("b", {})
    assert len(records) == 2 and list(records) == ["a", "b"]
    assert records["a"] == {**own, "method": "package", "at": "2026-12-01"}
    assert math.copysign(1, records["a"]["zero"]) == -1
    assert records["a"] is not records["a"]  # each reader gets its own
    assert records.get("c") is None and records == {
        "a": records["a"], "b": {"method": "package", "at": "2026-12-01"}
    }  # fmt: skip


def test_a_record_nested_deeper_than_any_real_one_is_held_as_it_is() -> None:
    """Packed, it could fail to parse again when read from a deeper stack."""
    for depth in (20, sys.getrecursionlimit() + 10):
        deep: list[object] = []
        for _ in range(depth):
            deep = [deep]
        records = PackedRecords[tuple[str, str]]()
        records.add(("a", "b"), {"name": deep, "size": 1})
        assert records[("a", "b")]["name"] is deep
        assert ("a", "b") in records and ("a", "c") not in records
