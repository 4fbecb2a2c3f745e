"""C2PA Content Credentials read offline on import (DESIGN §9): every corpus file gives the
reading recorded in ../shared/corpus/c2pa/expected.json; the original is never changed."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.helpers.case import CORPUS, new_case
from vault.custody.verify import verify_case
from vault.evidence.ingest import import_paths
from vault.evidence.items import read_original
from vault.provenance.c2pa import check_c2pa, might_hold_c2pa, settings
from vault.provenance.check import STOPPED
from vault.provenance.record import provenance_entries
from vault.provenance.trust import TrustList, add_trust_list, shipped_lists

C2PA = CORPUS / "c2pa"
EXPECTED = json.loads((C2PA / "expected.json").read_text())["files"]
TEST_ROOT = C2PA / "test_cert_root_bundle.pem"
MODES = ("no_trust_anchors", "test_root_bundle_as_trust_anchors")
FILES = sorted(k for k in EXPECTED if not k.endswith(".pem"))


def root_list() -> TrustList:
    return TrustList("c2pa-rs test root", "user", TEST_ROOT.read_text())


def mime_of(name: str) -> str:
    return "video/mp4" if name.endswith(".mp4") else "image/jpeg"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", FILES)
def test_every_corpus_file_reads_as_the_oracle_read_it(name, mode):
    expected = EXPECTED[name][mode]
    lists = [root_list()] if mode != "no_trust_anchors" else []
    result = check_c2pa(str(CORPUS / name), mime_of(name), lists)
    if expected["manifest_present"] is False:
        assert result is None
    elif expected["manifest_present"] is None:  # the remote manifest: not fetched, not "tampered"
        assert result.state == "unverifiable"
        assert result.codes == ["ev.remoteManifest.notFetched"]
        assert result.claims["remote_url"].startswith("https://cai-manifests.adobe.com/")
    else:
        assert result.state == expected["validation_state"].lower()
        assert result.codes == expected["failure_codes"] + expected["informational_codes"]
        assert result.signer == expected["signer_common_name"]
        assert result.issuer == expected["signer_issuer"]
        assert result.signed_at == expected["signing_time"]
        assert result.claim_generator == expected["claim_generator"]


def test_the_validator_is_always_offline():
    for lists in ([], [root_list()]):
        chosen = settings(lists)
        assert chosen["verify"]["remote_manifest_fetch"] is False
        assert chosen["verify"]["ocsp_fetch"] is False
        assert chosen["core"]["allowed_network_hosts"] == []


def test_a_trusted_signer_names_the_list_it_chained_to():
    lists = [*shipped_lists(), root_list()]
    result = check_c2pa(str(C2PA / "CA.jpg"), "image/jpeg", lists)
    assert result.state == "trusted"
    assert result.trust["chained_to"]["name"] == "c2pa-rs test root"
    assert [t["name"] for t in result.trust["checked"]] == [
        "C2PA trust list", "C2PA interim trust list", "c2pa-rs test root"]  # fmt: skip


def test_the_test_root_is_never_shipped():
    test_pem = TEST_ROOT.read_text()
    for trust_list in shipped_lists():
        assert trust_list.anchors not in test_pem and test_pem not in trust_list.anchors
    result = check_c2pa(str(C2PA / "CA.jpg"), "image/jpeg", shipped_lists())
    assert result.state == "valid" and "signingCredential.untrusted" in result.codes


def test_import_records_the_reading_and_keeps_the_original_bit_for_bit(tmp_path):
    add_trust_list("c2pa-rs test root", TEST_ROOT)
    case = new_case(tmp_path)
    names = ["CA.jpg", "XCA.jpg", "E-sig-CA.jpg", "cloud.jpg", "no_manifest.jpg"]
    result = import_paths(case, [C2PA / n for n in names])
    by_name = {i.original_name: i for i in result.imported}
    states = {}
    for entry in provenance_entries(case.conn):
        item = next(i for i in result.imported if i.id == entry.subject)
        same = entry.content["digest"] == item.sha256
        states[item.original_name] = (entry.details["state"], same)
    assert states == {
        "CA.jpg": ("trusted", True), "XCA.jpg": ("invalid", True),
        "E-sig-CA.jpg": ("invalid", True), "cloud.jpg": ("unverifiable", True),
    }  # fmt: skip
    for name in names:
        stored = b"".join(read_original(case.conn, by_name[name].id))
        assert (
            hashlib.sha256(stored).digest() == hashlib.sha256((C2PA / name).read_bytes()).digest()
        )
    # An invalid manifest is a fact about the file, never a broken chain.
    assert verify_case(case).ok


def test_a_photo_without_a_marker_never_reaches_the_validator(corpus):
    photo = (corpus / "camera" / "Canon_40D.jpg").read_bytes()
    assert not might_hold_c2pa(photo)


def test_a_validator_that_runs_out_of_time_is_a_warning_and_the_file_imports(tmp_path, monkeypatch):
    # No manifest hangs c2pa-rs on demand; a time limit shorter than any real reading makes
    # the worker be killed mid-validation exactly as a hang would.
    monkeypatch.setattr("vault.provenance.check.TIMEOUT", 0.001)
    case = new_case(tmp_path)
    result = import_paths(case, [C2PA / "CA.jpg"])
    [item] = result.imported
    assert any("Content Credentials could not be checked" in w for w in item.warnings)
    [entry] = provenance_entries(case.conn)
    assert entry.details["state"] == "unverifiable" and entry.details["codes"] == [STOPPED]
    stored = b"".join(read_original(case.conn, item.id))
    assert stored == (C2PA / "CA.jpg").read_bytes()
