"""Issue 17: export reads a case's log and items a batch at a time, so what it holds does
not grow with the number of items (the package it writes is checked, byte for byte where
the format says so, by the other package tests and the shared vectors).

Batches are made small here (16 rows) so that a case of a few hundred items already spans
many of them; memory is Python's own, measured by tracemalloc (the peak of one call), each
call run twice and the lower peak kept (a one-off resize of an interpreter-wide table
would otherwise count against whichever run triggered it)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.case import new_case
from tests.helpers.memory import heap_peak
from vault.case.handle import Case
from vault.evidence import items as items_module
from vault.evidence.ingest import import_paths
from vault.package import export as export_module
from vault.package.export import export
from vault.package.receive import receive

SMALL, LARGE = 40, 160
# What may still grow per item (about 2.3 KB measured): the package's manifests (a path
# and two digests per file), the ids the export entry lists, the custody log and case.json
# kept compressed until written. Holding the log, the item list and case.json whole, as
# export did before issue 17, cost 6.5 KB per item here.
PER_ITEM = 4000
# Forwarding a received case adds the kept log's index and compressed lines and the
# sender's package entry, which lists every item: about 4.1 KB an item in all here. With
# the kept log held parsed, and its text beside it, 10.5 KB.
FORWARDED_PER_ITEM = 7_500


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(items_module, "BATCH", 16)
    monkeypatch.setattr(export_module, "BATCH", 16)


def _case_of(folder: Path, count: int) -> Case:
    notes = folder / "in"
    notes.mkdir(parents=True)
    for n in range(count):
        (notes / f"note-{n:04}.txt").write_text(f"Witness statement {n}: the crossroads.\n")
    case = new_case(folder)
    import_paths(case, [notes], source="memory test")
    return case


def _export_peak(case: Case, out: Path) -> int:
    def once() -> None:
        shutil.rmtree(out, ignore_errors=True)
        export(case, out)

    return heap_peak(once)


def _growth(tmp_path: Path, case_of: Callable[[Path, int], Case]) -> int:
    """How much more the export of LARGE items holds at its peak than that of SMALL."""
    small = case_of(tmp_path / "small", SMALL)
    large = case_of(tmp_path / "large", LARGE)
    try:
        return _export_peak(large, tmp_path / "l") - _export_peak(small, tmp_path / "s")
    finally:
        small.close()
        large.close()


@pytest.mark.slow
def test_export_holds_no_more_for_four_times_the_items(tmp_path, small_batches):
    growth = _growth(tmp_path, _case_of)
    assert growth < PER_ITEM * (LARGE - SMALL), f"export held {growth} bytes more for 4x the items"


def _received_case_of(folder: Path, count: int) -> Case:
    sender = _case_of(folder, count)
    export(sender, folder / "package")
    sender.close()
    case = new_case(folder, "receiver.evault", title="Prosecution")
    receive(case, folder / "package")
    return case


@pytest.mark.slow
def test_forwarding_a_received_case_holds_no_more_for_four_times_the_items(tmp_path, small_batches):
    """A lawyer sends on what an investigator sent: the investigator's kept log travels
    with it, read as its rows stream (it was held parsed, and its text beside it)."""
    growth = _growth(tmp_path, _received_case_of)
    print(f"forwarding: {growth / (LARGE - SMALL):.0f} bytes per item")
    assert growth < FORWARDED_PER_ITEM * (LARGE - SMALL), f"held {growth} bytes more"
