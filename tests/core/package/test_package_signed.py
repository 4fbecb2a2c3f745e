"""Every byte of a package is covered by its signed export entry (issue 9 §2).

Each tamper (tests/helpers/tamper.py) is done by someone holding no key: they edit a valid
package and re-make only the BagIt manifests and Payload-Oxum. verify-package must refuse
each with its reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.package import (
    PASSPHRASE,
    copy_bag,
)
from tests.helpers.tamper import (
    TAMPERS,
    case_json,
    described_package,
    log_lines,
    rebag,
    tampered,
)
from vault.case.handle import Case
from vault.cli.main import main
from vault.errors import PackageRefused
from vault.evidence.items import list_items
from vault.package.receive import receive
from vault.package.verify import verify_package


@pytest.fixture
def package(investigator: Case, tmp_path: Path) -> Path:
    return described_package(investigator, tmp_path)


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_package_edited_without_a_key_is_refused_with_its_reason(package, name, capsys):
    bag = tampered(package, name)
    result = verify_package(bag)
    assert result.is_bag, result.findings  # the BagIt layer alone is satisfied
    assert not result.ok
    reasons = " | ".join(str(f) for f in result.findings)
    assert TAMPERS[name][1] in reasons
    assert main(["verify-package", str(bag)]) == 1
    assert "REFUSED" in capsys.readouterr().out


def test_untouched_package_verifies_with_no_finding(package, capsys):
    result = verify_package(package)
    assert result.ok and result.findings == []
    assert main(["verify-package", str(package)]) == 0
    assert "VALID" in capsys.readouterr().out


def test_export_entry_signs_every_file_but_the_log_and_tag_files(package):
    closing = json.loads(log_lines(package)[-1])["content"]["details"]
    listed = (package / "signed-files-sha256.txt").read_text(encoding="utf-8").splitlines()
    paths = [line.split("  ", 1)[1] for line in listed]
    on_disk = sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file())
    unsigned = {"bag-info.txt", "data/custody.jsonl", "signed-files-sha256.txt"}
    assert paths == [p for p in on_disk if p not in unsigned and "manifest-" not in p]
    assert {"bagit.txt", "data/case.json", "data/VERIFY.md"} <= set(paths)
    assert closing["withheld"] == []
    assert closing["bag_info"]["Contact-Name"] == "Olena"
    assert "Payload-Oxum" not in closing["bag_info"]


def test_sender_shown_is_the_signed_one_not_case_json(package, tmp_path, capsys):
    """Before, a renamed identity in case.json made the CLI print 'Sender: Mallory'."""
    bag = tampered(package, "renamed-identity")
    assert verify_package(bag).sender_name == "Olena"
    main(["verify-package", str(bag)])
    out = capsys.readouterr().out
    assert "Sender: Olena (investigator" in out and "Mallory" not in out


def test_receive_prints_the_signed_sender(package, tmp_path, capsys):
    with Case.create(tmp_path / "lawyer.evault", PASSPHRASE, title="Prosecution") as lawyer:
        lawyer.close()
    (tmp_path / "pass").write_text(PASSPHRASE)
    args = ["receive", str(tmp_path / "lawyer.evault"), str(package)]
    assert main([*args, "--passphrase-file", str(tmp_path / "pass")]) == 0
    assert "Sender: Olena (investigator" in capsys.readouterr().out


def test_receive_refuses_a_package_edited_without_a_key(package, tmp_path):
    bag = tampered(package, "renamed-identity")
    with Case.create(tmp_path / "lawyer.evault", PASSPHRASE, title="Prosecution") as lawyer:
        with pytest.raises(PackageRefused):
            receive(lawyer, bag)
        assert list_items(lawyer.conn) == []


def test_old_form_package_still_verifies_but_warns_its_files_are_unsigned(vectors, capsys):
    result = verify_package(vectors / "package-good")
    assert result.ok
    (warning,) = [f for f in result.findings if f.level == "warning"]
    assert "older package form" in warning.reason and "data/case.json" in warning.reason
    assert main(["verify-package", str(vectors / "package-good")]) == 0
    assert "warning: an older package form" in capsys.readouterr().out


def test_old_form_identity_renamed_in_case_json_is_refused(vectors, tmp_path, capsys):
    bag = copy_bag(vectors / "package-good", tmp_path / "old")
    case_json(bag, lambda doc: doc["identities"][0].update(name="Mallory"))
    rebag(bag)
    result = verify_package(bag)
    assert not result.ok and result.sender_name == "Investigator A"
    assert any("names or describes an identity differently" in str(f) for f in result.findings)
    main(["verify-package", str(bag)])
    assert "Mallory" not in capsys.readouterr().out
