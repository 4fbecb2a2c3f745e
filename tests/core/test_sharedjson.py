"""JSON parsed for a big case shares its repeated strings (issue 17: memory flat in items)."""

from __future__ import annotations

import json

import pytest

from vault.custody.entry import parse_jsonl
from vault.errors import InvalidInput
from vault.sharedjson import loads_shared


def test_two_entries_share_their_keys_and_actor_but_read_the_same() -> None:
    actor = "ab" * 32
    texts = [json.dumps({"actor": actor, "details": {"mime": "text/plain", "n": n}, "v": 1})
             for n in range(2)]  # fmt: skip
    first, second = (loads_shared(t) for t in texts)
    assert first == json.loads(texts[0]) and second == json.loads(texts[1])
    assert first["actor"] is second["actor"]
    assert next(iter(first["details"])) is next(iter(second["details"]))
    assert first["details"]["mime"] is second["details"]["mime"]


def test_a_long_text_is_not_interned() -> None:
    text = "Note: " + "crater " * 40
    first, second = (loads_shared(json.dumps({"text": text})) for _ in range(2))
    assert first == second and first["text"] is not second["text"]


def test_a_package_log_line_repeating_a_key_is_still_refused() -> None:
    line = '{"seq": 0, "seq": 1}'
    with pytest.raises(InvalidInput, match="repeats the key 'seq'"):
        list(parse_jsonl([line]))
