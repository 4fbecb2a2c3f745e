"""Checking provenance again (DESIGN §9, issue 13 §4): with a newer trust list a re-check
appends a new item.provenance entry and never edits the earlier one; the whole case runs as
one job with progress, and can be stopped between items."""

from __future__ import annotations

import pytest

from tests.helpers.case import CORPUS, PASSPHRASE, new_case, run_cli
from vault.case.handle import Case
from vault.custody.verify import verify_case
from vault.errors import Cancelled
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.provenance.check import recheck_items
from vault.provenance.record import provenance_entries
from vault.provenance.trust import add_trust_list

C2PA = CORPUS / "c2pa"
TEST_ROOT = C2PA / "test_cert_root_bundle.pem"


@pytest.fixture
def case(tmp_path):
    opened = new_case(tmp_path)
    import_paths(opened, [C2PA / "CA.jpg", C2PA / "no_manifest.jpg"])
    yield opened
    opened.close()


def _ids(case) -> dict[str, str]:
    return {i.original_name: i.id for i in list_items(case.conn)}


def test_a_newer_trust_list_appends_a_trusted_reading_and_keeps_the_first(case):
    ca = _ids(case)["CA.jpg"]
    (first,) = provenance_entries(case.conn, ca)
    assert first.details["state"] == "valid"  # the test root is not a shipped list
    add_trust_list("c2pa-rs test root", TEST_ROOT)
    seen: list[tuple[int, int]] = []
    done = recheck_items(case, progress=lambda n, total: seen.append((n, total)))
    assert done.checked == 2 and seen[-1] == (2, 2) and not done.skipped
    assert set(done.results) == {ca} and done.results[ca].state == "trusted"
    earlier, latest = provenance_entries(case.conn, ca)
    assert earlier.entry_hash == first.entry_hash and earlier.details == first.details
    assert latest.details["state"] == "trusted"
    assert latest.details["trust"]["chained_to"]["name"] == "c2pa-rs test root"
    assert verify_case(case).ok


def test_only_the_chosen_items_are_checked_again(case):
    ids = _ids(case)
    done = recheck_items(case, [ids["no_manifest.jpg"]])
    assert done.checked == 1 and done.results == {}
    assert len(provenance_entries(case.conn, ids["CA.jpg"])) == 1


def test_a_stopped_recheck_appends_nothing_more(case):
    before = len(provenance_entries(case.conn))
    with pytest.raises(Cancelled):
        recheck_items(case, cancelled=lambda: True)
    assert len(provenance_entries(case.conn)) == before


def test_the_cli_recheck_goes_through_the_same_core(case):
    ca = _ids(case)["CA.jpg"]
    case.close()
    run_cli("trust", "add", "c2pa-rs test root", str(TEST_ROOT))
    result = run_cli("provenance", str(case.path), "--recheck")
    assert result.returncode == 0, result.stderr
    assert "trusted" in result.stdout.lower()
    with Case.open(case.path, PASSPHRASE) as again:
        states = [e.details["state"] for e in provenance_entries(again.conn, ca)]
    assert states == ["valid", "trusted"]
