"""Every byte of a package is covered by its signed export entry (issue 9 §2).

Each tamper below is done by someone holding no key: they edit a valid package and re-make
only the BagIt manifests and Payload-Oxum. verify-package must refuse each with its reason.
TAMPERS is shared with the test that runs VERIFY.md's by-hand steps on the same packages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.package import (
    PASSPHRASE,
    copy_bag,
    rehash,
    set_info,
)
from vault.case.handle import Case
from vault.cli.main import main
from vault.errors import PackageRefused
from vault.evidence.items import list_items
from vault.evidence.notes import describe_item
from vault.package.export import export
from vault.package.receive import receive
from vault.package.verify import verify_package


@pytest.fixture
def package(investigator: Case, tmp_path: Path) -> Path:
    """A whole-case package whose first item was described twice (so a rollback shows)."""
    first = list_items(investigator.conn)[0].id
    describe_item(investigator, first, {"title": "Cell 2, east wall", "location": "Balakliia"})
    export(investigator, tmp_path / "pkg", recipient_label="Mykola")
    return tmp_path / "pkg"


def rebag(bag: Path) -> None:
    """What anyone can do: make Payload-Oxum and every manifest match the files again."""
    files = [p for p in (bag / "data").rglob("*") if p.is_file()]
    set_info(bag, "Payload-Oxum", f"{sum(p.stat().st_size for p in files)}.{len(files)}")
    rehash(bag)


def _case_json(bag: Path, edit: Callable[[dict], None]) -> None:
    path = bag / "data/case.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def _lines(bag: Path) -> list[str]:
    return (bag / "data/custody.jsonl").read_text(encoding="utf-8").splitlines()


def _write_lines(bag: Path, lines: list[str]) -> None:
    (bag / "data/custody.jsonl").write_text("".join(x + "\n" for x in lines), encoding="utf-8")


def _edit_line(bag: Path, pick: Callable[[dict], bool], edit: Callable[[str], str]) -> None:
    _write_lines(bag, [edit(x) if pick(json.loads(x)) else x for x in _lines(bag)])


def _action(line: dict) -> str | None:
    return line.get("content", {}).get("action")


def _roll_back_description(bag: Path) -> None:
    """Withhold the latest item.describe in transit (hashes stay: the chain still links) and
    put the older description back into case.json."""
    lines = [json.loads(x) for x in _lines(bag)]
    describes = [x for x in lines if _action(x) == "item.describe"]
    older, latest = describes[-2]["content"], describes[-1]
    del latest["content"]
    _write_lines(bag, [json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in lines])

    def older_description(doc: dict) -> None:
        for item in doc["items"]:
            if item["id"] == older["subject"]:
                item["description"] = older["details"]

    _case_json(bag, older_description)


def _forge_report(bag: Path) -> None:
    (bag / "data/report.pdf").write_bytes(b"%PDF-1.7\n% a forged report\n")


def _verify_md_fingerprint(bag: Path) -> None:
    path = bag / "data/VERIFY.md"
    text = path.read_text(encoding="utf-8")
    sender = json.loads(_lines(bag)[-1])["actor"]
    path.write_text(text.replace(sender, "ab" * 32), encoding="utf-8")


def _bag_info(label: str, value: str) -> Callable[[Path], None]:
    return lambda bag: set_info(bag, label, value)


def _add_info_field(bag: Path) -> None:
    with open(bag / "bag-info.txt", "a", encoding="utf-8") as f:
        f.write("Internal-Sender-Description: sent by the defence\n")


def _remove_note(bag: Path) -> None:
    _case_json(bag, lambda doc: doc.update(notes=[]))


def _rename_identity(bag: Path) -> None:
    _case_json(bag, lambda doc: doc["identities"][0].update(name="Mallory", role="judge"))


def _forge_metadata(bag: Path) -> None:
    _case_json(bag, lambda doc: doc["items"][0].update(metadata={"gps": "50.0, 36.0"}))


def _repeat_key(bag: Path) -> None:
    """A second "content" key: a reader keeping the first and one keeping the last differ."""
    _edit_line(bag, lambda x: x["seq"] == 1,
               lambda s: s[:-1] + ',"content":{"action":"item.access"}}')  # fmt: skip


def _unknown_key(bag: Path) -> None:
    _edit_line(bag, lambda x: x["seq"] == 1, lambda s: s[:-1] + ',"note":"trust me"}')


def _repeat_key_in_case_json(bag: Path) -> None:
    path = bag / "data/case.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"format":', '"package": "forged",\n "format":', 1))


def _rewrite_export_line(bag: Path) -> None:
    lines = _lines(bag)
    lines[-1] = json.dumps(json.loads(lines[-1]), ensure_ascii=True)
    _write_lines(bag, lines)


# name -> (tamper, a phrase verify-package's findings must hold)
TAMPERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "forged-report": (_forge_report, "'data/report.pdf' is not in the export entry's signed"),
    "extra-payload": (
        lambda bag: (bag / "data/notes.txt").write_text("extra"),
        "'data/notes.txt' is not in the export entry's signed file list",
    ),
    "verify-md-fingerprint": (
        _verify_md_fingerprint,
        "'data/VERIFY.md' differs from the file the export entry signed",
    ),
    "contact-name": (_bag_info("Contact-Name", "Mallory"), "'Contact-Name' is not the signed"),
    "source-organization": (
        _bag_info("Source-Organization", "Defence"),
        "'Source-Organization' is not the signed value",
    ),
    "case-title": (_bag_info("Vault-Case-Title", "Other"), "'Vault-Case-Title' is not the"),
    "case-id": (
        _bag_info("Vault-Case-Id", "00000000-0000-4000-8000-000000000000"),
        "'Vault-Case-Id' is not the signed value",
    ),
    "bagging-date": (_bag_info("Bagging-Date", "2020-01-01"), "'Bagging-Date' is not the"),
    "bag-info-added-field": (_add_info_field, "'Internal-Sender-Description' is not the signed"),
    "renamed-identity": (
        _rename_identity,
        "'data/case.json' differs from the file the export entry signed",
    ),
    "forged-metadata": (_forge_metadata, "'data/case.json' differs from the file"),
    "note-removed": (_remove_note, "but case.json does not hold it"),
    "withheld-in-transit": (_roll_back_description, "but the export entry signed []"),
    "repeated-key-in-log": (_repeat_key, "repeats the key 'content'"),
    "unknown-key-in-log": (_unknown_key, "has an unknown field 'note'"),
    "repeated-key-in-case-json": (_repeat_key_in_case_json, "case.json repeats the key 'package'"),
    "export-line-rewritten": (_rewrite_export_line, "export entry's line in data/custody.jsonl"),
    "file-list-removed": (
        lambda bag: (bag / "signed-files-sha256.txt").unlink(),
        "signed-files-sha256.txt is missing or is not the file list the export entry signed",
    ),
}


def tampered(package: Path, name: str) -> Path:
    bag = copy_bag(package, package.parent / name)
    TAMPERS[name][0](bag)
    rebag(bag)
    return bag


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
    closing = json.loads(_lines(package)[-1])["content"]["details"]
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
    with Case.create(tmp_path / "lawyer.evault", PASSPHRASE, "Prosecution") as lawyer:
        lawyer.close()
    (tmp_path / "pass").write_text(PASSPHRASE)
    args = ["receive", str(tmp_path / "lawyer.evault"), str(package)]
    assert main([*args, "--passphrase-file", str(tmp_path / "pass")]) == 0
    assert "Sender: Olena (investigator" in capsys.readouterr().out


def test_receive_refuses_a_package_edited_without_a_key(package, tmp_path):
    bag = tampered(package, "renamed-identity")
    with Case.create(tmp_path / "lawyer.evault", PASSPHRASE, "Prosecution") as lawyer:
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
    _case_json(bag, lambda doc: doc["identities"][0].update(name="Mallory"))
    rebag(bag)
    result = verify_package(bag)
    assert not result.ok and result.sender_name == "Investigator A"
    assert any("names or describes an identity differently" in str(f) for f in result.findings)
    main(["verify-package", str(bag)])
    assert "Mallory" not in capsys.readouterr().out
