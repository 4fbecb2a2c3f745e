"""Issue 17: `items` prints a batch at a time as it reads and checks the items against
their signed records, so what it holds does not grow with the number of items, and it
prints exactly the text one print of the whole list gave (text and --json, hostile names
escaped, rows edited behind the app's back flagged).

Batches are made small here (16 rows) so that a case of a few hundred items spans many of
them; memory is Python's own, measured by tracemalloc as in test_export_memory.py."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import pytest

from tests.helpers.case import PASSPHRASE, edit_rows, new_case
from tests.helpers.memory import heap_peak
from vault.case.handle import Case
from vault.cli.case import show_items
from vault.cli.main import json_safe
from vault.custody.hands import Hands
from vault.evidence import items as items_module
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.provenance.record import Provenance, provenance_by_item, record_provenance
from vault.text import shown

HOSTILE = "IMG\x1b[2J\x1b]0;owned\x07\u202egpj.exe\u0085\x9b31m"
SMALL, LARGE = 40, 160
# What the listing held per item before it streamed: every Item (its metadata and warnings
# parsed), 2.7 KB per item here; now a batch at a time (about 160 bytes per item measured,
# what a few interpreter-wide tables grow by).
PER_ITEM = 500


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(items_module, "BATCH", 16)


def _notes(folder: Path, count: int, hostile: bool = False) -> Path:
    folder.mkdir(parents=True)
    for n in range(count):
        name = f"{HOSTILE}-{n:04}.txt" if hostile and n % 7 == 0 else f"note-{n:04}.txt"
        (folder / name).write_text(f"Witness statement {n}: the crossroads.\n")
    return folder


def _case_of(folder: Path, count: int) -> Case:
    notes = _notes(folder / "in", count)
    case = new_case(folder)
    import_paths(case, [notes], source="listing test")
    return case


def _printed(case: Case, as_json: bool) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        show_items(case, as_json=as_json)
    return out.getvalue()


def _whole_list_text(case: Case) -> str:
    """What `items` printed before it streamed: one say() per line of the whole list."""
    lines = []
    for item in list_items(case.conn):
        lines.append(f"{item.id}  {item.sha256[:16]}  {item.size:>12}  {item.mime:<24}"
                     f" {item.original_name!r}")  # fmt: skip
        lines += ["  NOT AS SIGNED: " + problem for problem in item.problems]
    return "".join(shown(line) + "\n" for line in lines)


def _whole_list_json(case: Case) -> str:
    """What `items --json` printed before it streamed: one JSON text of the whole list."""
    provenance, hands = provenance_by_item(case.conn), Hands(case.conn, case.id)
    found = [{**item.to_json(), "provenance": provenance.get(item.id, []),
              "hands": hands.moves_json(item.id)} for item in list_items(case.conn)]  # fmt: skip
    return json_safe(json.dumps(found, ensure_ascii=False, indent=2)) + "\n"


def test_listing_in_batches_prints_what_the_whole_list_printed(tmp_path, small_batches):
    path = tmp_path / "case.evault"
    with new_case(tmp_path) as case:
        import_paths(case, [_notes(tmp_path / "in", 50, hostile=True)], source="card")
        listed = list_items(case.conn)
        checked = listed[20]  # in the second batch of 16
        record_provenance(case, checked.id, checked.sha256,
                          Provenance("c2pa", "invalid", ["claimSignature.mismatch"]))  # fmt: skip
    edit_rows(path, "UPDATE items SET original_name = 'innocent.txt' WHERE id = ?", listed[33].id)
    with Case.open(path, PASSPHRASE) as case:
        text, as_json = _printed(case, False), _printed(case, True)
        assert text == _whole_list_text(case)
        assert as_json == _whole_list_json(case)
    assert "NOT AS SIGNED" in text and "innocent.txt" not in text  # the edit is flagged
    assert "IMG\\x1b[2J" in text and not any(ch in text + as_json for ch in "\x1b\x07\x85\x9b")
    shown_items = json.loads(as_json)
    assert [i["id"] for i in shown_items] == [i.id for i in listed]
    assert shown_items[20]["provenance"][0]["codes"] == ["claimSignature.mismatch"]
    assert f"{HOSTILE}-0000.txt" in [i["original_name"] for i in shown_items]


def test_an_empty_case_lists_nothing(tmp_path):
    with new_case(tmp_path) as case:
        assert _printed(case, False) == ""
        assert _printed(case, True) == "[]\n"


def _listing_peak(case: Case, as_json: bool) -> int:
    # Printed to nowhere: a terminal or a pipe keeps nothing either.
    with open(os.devnull, "w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
        return heap_peak(lambda: show_items(case, as_json=as_json))


@pytest.mark.slow
def test_listing_holds_no_more_for_four_times_the_items(tmp_path, small_batches):
    small = _case_of(tmp_path / "small", SMALL)
    large = _case_of(tmp_path / "large", LARGE)
    try:
        growth = _listing_peak(large, False) - _listing_peak(small, False)
    finally:
        small.close()
        large.close()
    assert growth < PER_ITEM * (LARGE - SMALL), f"items held {growth} bytes more for 4x the items"
