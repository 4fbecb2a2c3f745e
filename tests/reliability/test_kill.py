"""Power loss: a real `evidence-vault` process is SIGKILLed at seeded random moments; after
every kill the case opens, verifies, and every item in it is complete (its bytes hash to the
source file's). tests/test_ingest.py kills once at a file boundary; this kills anywhere,
many times, including mid-commit (a hot journal is left behind and must be rolled back).

`make stress` runs the same with RELIABILITY_SCALE=stress: more kills, bigger files.
"""

from __future__ import annotations

import os
import random

import pytest

from tests.helpers.case import PASSPHRASE
from tools.stress import (
    SEED,
    make_evidence_folder,
    record_figures,
    run_and_kill,
    scaled,
    sha256_file,
    vault_command,
)
from vault.case.handle import Case
from vault.custody.verify import verify_case
from vault.evidence.blobstore import hash_blob
from vault.evidence.items import list_items

KILLS_PER_CASE = 10  # then a fresh case, so the chain (and each verify) stays short


def cli_env() -> dict[str, str]:
    return dict(os.environ, EVIDENCE_VAULT_PASSPHRASE=PASSPHRASE)


def assert_case_is_whole(path, sources: dict[str, str]) -> int:
    """Open, verify, and compare every item's stored bytes with its source file."""
    with Case.open(path, PASSPHRASE) as case:
        report = verify_case(case)
        assert report.ok, [str(f) for f in report.findings]
        conn = case.conn
        assert conn.execute("SELECT count(*) FROM blobs WHERE sha256 IS NULL").fetchone()[0] == 0
        orphans = "SELECT count(*) FROM chunks WHERE blob_id NOT IN (SELECT id FROM blobs)"
        assert conn.execute(orphans).fetchone()[0] == 0
        stored: dict[int, str] = {}
        items = list_items(conn)
        for item in items:
            if item.blob_id not in stored:
                stored[item.blob_id] = hash_blob(conn, item.blob_id)[0]
            assert stored[item.blob_id] == sources[item.original_name], item.original_name
        return len(items)


@pytest.fixture(scope="module")
def card(tmp_path_factory) -> tuple[object, dict[str, str]]:
    """A memory card: a few hundred files of mixed sizes, two to three big ones."""
    folder = tmp_path_factory.mktemp("kill") / "card"
    big = [20, 35, 50] if scaled(0, 1) else [20, 24]
    make_evidence_folder(folder, files=scaled(200, 400), big_sizes_mb=big, seed=SEED)
    return folder, {p.name: sha256_file(p) for p in folder.iterdir()}


def new_case_file(folder, n: int):
    path = folder / f"case-{n}.evault"
    with Case.create(path, PASSPHRASE, title="Power loss", investigator="Olena K."):
        pass
    return path


@pytest.mark.slow
def test_power_loss_during_import_loses_nothing(tmp_path, card):
    folder, sources = card
    rng = random.Random(SEED)
    wanted = scaled(50, 400)
    kills = finished = hot_journals = cases = in_case = 0
    path, items_before = None, 0
    while kills < wanted:
        assert kills + finished < 3 * wanted, "the import kept finishing before the kill"
        if path is None or in_case == KILLS_PER_CASE:
            cases += 1
            path, items_before, in_case = new_case_file(tmp_path, cases), 0, 0
        after = rng.uniform(0.05, scaled(1.6, 3.5))
        outcome = run_and_kill(vault_command("import", path, folder), cli_env(), after)
        kills += outcome.killed_while_running
        in_case += outcome.killed_while_running
        finished += not outcome.killed_while_running
        hot_journals += os.path.exists(f"{path}-journal")
        items_now = assert_case_is_whole(path, sources)
        assert items_now >= items_before, "a kill lost items that were already committed"
        items_before = items_now
    record_figures("import-kills", {
        "kills_survived": kills, "runs_that_finished": finished, "cases": cases,
        "kills_mid_transaction_journal_left": hot_journals, "files_in_card": len(sources),
        "seed": SEED})  # fmt: skip
    assert hot_journals > 0, "no kill landed inside a transaction: the test proved nothing"
