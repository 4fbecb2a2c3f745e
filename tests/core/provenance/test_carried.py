"""verify-package lists the provenance results a package carries and re-checks each one
whose original it holds, with the reader's trust lists; a difference never fails it."""

from __future__ import annotations

from tests.helpers.case import CORPUS, new_case, run_cli
from vault.evidence.ingest import import_paths
from vault.package.export import export
from vault.package.verify import verify_package
from vault.provenance.carried import carried_results, recheck_carried
from vault.provenance.trust import add_trust_list, remove_trust_list

C2PA = CORPUS / "c2pa"


def test_a_package_carries_its_results_and_they_are_checked_again(tmp_path):
    add_trust_list("c2pa-rs test root", C2PA / "test_cert_root_bundle.pem")
    case = new_case(tmp_path)
    imported = import_paths(case, [C2PA / "CA.jpg", C2PA / "XCA.jpg"]).imported
    export(case, tmp_path / "pkg")
    export(case, tmp_path / "one", item_ids=[imported[1].id])
    case.close()
    # The recipient does not trust the c2pa-rs test root: CA.jpg is only "valid" for them.
    remove_trust_list("c2pa-rs test root")
    verification = verify_package(tmp_path / "pkg")
    assert verification.ok
    carried = carried_results(verification.contents.entries, verification.contents.doc)
    assert [(c.name, c.details["state"]) for c in carried] == [
        ("CA.jpg", "trusted"), ("XCA.jpg", "invalid")]  # fmt: skip
    recheck_carried(tmp_path / "pkg", None, carried, verification.contents.doc)
    assert [c.now for c in carried] == ["valid", "invalid"]
    assert "re-checked here: valid, signer not on a trusted list" in carried[0].line()
    assert "re-checked here: the same" in carried[1].line()

    shown = run_cli("verify-package", tmp_path / "pkg")
    assert shown.returncode == 0, shown.stdout
    assert "XCA.jpg: C2PA invalid (signed, seq" in shown.stdout


def test_the_result_of_a_withheld_item_is_withheld_with_it(tmp_path):
    case = new_case(tmp_path)
    ca, xca = import_paths(case, [C2PA / "CA.jpg", C2PA / "XCA.jpg"]).imported
    export(case, tmp_path / "one", item_ids=[xca.id])
    case.close()
    verification = verify_package(tmp_path / "one")
    carried = carried_results(verification.contents.entries, verification.contents.doc)
    recheck_carried(tmp_path / "one", None, carried, verification.contents.doc)
    assert [(c.item, c.now) for c in carried] == [(xca.id, "invalid")]
    assert ca.id not in verification.contents.doc["items"].__repr__()
