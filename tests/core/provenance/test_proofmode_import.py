"""Importing a ProofMode zip (DESIGN §9, §10): the zip is one item, bit for bit; each member
is an item derived from it (`extract`); each media member gets `item.provenance` with the
corpus's expected verdict, its evidence naming the proof files' items."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile

import pytest

from tests.helpers.case import CORPUS, new_case, run_cli
from vault.custody.entry import read_entries
from vault.custody.verify import verify_case
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items, read_original
from vault.package.export import export
from vault.provenance.check import recheck
from vault.provenance.record import provenance_entries

PROOFMODE = CORPUS / "proofmode"
EXPECTED = json.loads((PROOFMODE / "expected.json").read_text())["bundles"]
STATE = {"verified": "valid", "tampered": "invalid", "unverifiable": "unverifiable"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_bundle_imports_as_one_item_with_its_members_derived(tmp_path, name):
    expected = EXPECTED[name]
    case = new_case(tmp_path)
    [bundle] = import_paths(case, [CORPUS / name]).imported
    assert b"".join(read_original(case.conn, bundle.id)) == (CORPUS / name).read_bytes()
    derives = [e for e in read_entries(case.conn) if e.action == "item.derive"]
    assert [e.details["operation"] for e in derives] == [
        {"op": "extract", "member": m} for m in expected["entries"]]  # fmt: skip
    assert {e.details["parent"] for e in derives} == {bundle.id}
    items = {i.id: i for i in list_items(case.conn)}
    results = provenance_entries(case.conn)
    assert sorted(items[e.subject].original_name for e in results) == sorted(
        i["media_entry"] for i in expected["items"])  # fmt: skip
    for entry in results:
        media = items[entry.subject]
        assert entry.details["kind"] == "proofmode"
        assert entry.details["state"] == STATE[expected["expected_verdict"]]
        assert entry.content["digest"] == media.sha256
        evidence = [items[i].original_name for i in entry.details["evidence"]]
        assert any(n.endswith(".asc") for n in evidence)
    assert verify_case(case).ok


def test_a_bundle_the_checker_cannot_finish_is_a_warning_and_the_zip_imports(tmp_path, monkeypatch):
    # A limit shorter than any real check: the worker is killed mid-way, as on a hang.
    monkeypatch.setattr("vault.provenance.bundle.TIMEOUT", 0.001)
    case = new_case(tmp_path)
    [bundle] = import_paths(case, [PROOFMODE / "good.zip"]).imported
    assert any("could not be checked as a ProofMode bundle" in w for w in bundle.warnings)
    assert [i.id for i in list_items(case.conn)] == [bundle.id]
    assert b"".join(read_original(case.conn, bundle.id)) == (PROOFMODE / "good.zip").read_bytes()


def test_a_zip_that_is_not_a_bundle_stays_one_item(tmp_path, corpus):
    plain = tmp_path / "photos.zip"
    with zipfile.ZipFile(plain, "w") as archive:  # photos and a signature, but no proof
        archive.write(corpus / "camera" / "Canon_40D.jpg", "Canon_40D.jpg")
        archive.writestr("Canon_40D.jpg.asc", b"-----BEGIN PGP SIGNATURE-----")
    case = new_case(tmp_path)
    import_paths(case, [plain])
    assert len(list_items(case.conn)) == 1 and provenance_entries(case.conn) == []


def test_verify_md_gives_gpgv_commands_that_pass_on_the_package(tmp_path):
    case = new_case(tmp_path)
    import_paths(case, [PROOFMODE / "good.zip", PROOFMODE / "tampered-media.zip"])
    export(case, tmp_path / "pkg")
    case.close()
    text = (tmp_path / "pkg" / "data" / "VERIFY.md").read_text()
    assert "## ProofMode signatures / Підписи ProofMode" in text
    blocks = text.split("## ProofMode signatures")[1].split("```sh\n")[1:]
    outcomes = []
    for block in blocks:  # one per media file: dearmor, then one gpgv per signature
        commands = block.split("```")[0].strip().splitlines()
        home = tmp_path / f"gnupg{len(outcomes)}"
        home.mkdir(mode=0o700)
        env = {**os.environ, "GNUPGHOME": str(home)}
        codes = [subprocess.run(c, shell=True, cwd=tmp_path / "pkg", env=env,
                                capture_output=True).returncode for c in commands]  # fmt: skip
        outcomes.append(codes)
    # good.zip: every signature good; tampered-media.zip: the photo's signature is BAD.
    assert sorted(outcomes) == [[0, 0, 0, 0], [0, 1, 0, 0]]
    shown = run_cli("verify-package", tmp_path / "pkg").stdout
    assert "PXL_20231006_205351724.jpg: ProofMode invalid (signed, seq" in shown
    assert "re-checked here: the same" in shown


def test_a_recheck_reads_the_member_again_from_its_bundle_and_appends(tmp_path):
    case = new_case(tmp_path)
    import_paths(case, [PROOFMODE / "wrong-key.zip"])
    [first] = provenance_entries(case.conn)
    again = recheck(case, first.subject)
    assert again is not None and again.state == "unverifiable"
    entries = provenance_entries(case.conn, first.subject)
    assert entries[0].seq == first.seq and len(entries) == 2
    assert entries[1].details["evidence"] == first.details["evidence"]
    assert verify_case(case).ok
