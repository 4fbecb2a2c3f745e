"""Defects found in an independent review, each pinned by a test on real cases and packages:
hostile packages give findings (never a crash), and verify-package trusts only what the
signed chains cover."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.package import (
    PASSPHRASE,
    rehash,
    sign_chain,
)
from vault.case.handle import Case
from vault.case.identity import Signer
from vault.cli.main import main
from vault.custody.verify import verify_case
from vault.custody.witness import witness_path
from vault.errors import PackageRefused
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.package.export import export
from vault.package.receive import receive
from vault.package.verify import verify_package


def rebag(bag: Path) -> None:
    """Make Payload-Oxum and every manifest match the files again (anyone can do this)."""
    files = [p for p in (bag / "data").rglob("*") if p.is_file()]
    oxum = f"Payload-Oxum: {sum(p.stat().st_size for p in files)}.{len(files)}"
    info = (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines()
    lines = [oxum if line.startswith("Payload-Oxum:") else line for line in info]
    (bag / "bag-info.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rehash(bag)


@pytest.fixture
def package(investigator: Case, tmp_path: Path) -> Path:
    export(investigator, tmp_path / "pkg")
    return tmp_path / "pkg"


def tampered(package: Path, name: str) -> Path:
    return Path(shutil.copytree(package, package.parent / name))


def refused(bag: Path) -> list[str]:
    """verify-package refuses with findings, and the CLI exits 1 (not a crash)."""
    result = verify_package(bag)
    assert not result.ok
    assert result.findings
    assert main(["verify-package", str(bag)]) == 1
    return [str(f) for f in result.findings]


@pytest.mark.parametrize("depth", [100_000, 600, 900, 990])
def test_deeply_nested_log_line_is_a_finding_not_a_crash(package, depth):
    bag = tampered(package, f"deep-log-{depth}")
    lines = (bag / "data/custody.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["content"]["details"]["title"] = "NESTED"
    text = json.dumps(first).replace('"NESTED"', "[" * depth + "]" * depth)
    (bag / "data/custody.jsonl").write_text("\n".join([text, *lines[1:]]) + "\n")
    rebag(bag)
    refused(bag)


def test_deeply_nested_case_json_is_a_finding_not_a_crash(package):
    bag = tampered(package, "deep-case")
    (bag / "data/case.json").write_text("[" * 100_000, encoding="utf-8")
    rebag(bag)
    refused(bag)


def test_a_big_case_json_of_empty_objects_is_refused_unread(package):
    """Parsed, 127 MiB of `{}` took 3.2 GB; a genuine case.json holds few objects a byte."""
    bag = tampered(package, "dense-case")
    head = json.dumps({"format": "evidence-vault-package/1", "x": []})[:-2]
    (bag / "data/case.json").write_text(head + "{}," * (2 << 20) + "{}]}", encoding="utf-8")
    rebag(bag)
    assert any("far more objects" in reason for reason in refused(bag))


def resign(bag: Path, signer: Signer, edit: Callable[[list[dict]], None]) -> None:
    """A hostile sender: edit the log's contents, then re-hash and re-sign the whole chain
    (and the export entry's signed file list) with the sender's own key."""
    path = bag / "data/custody.jsonl"
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    edit(entries)
    sign_chain(bag, entries, signer)


def edit_case_json(bag: Path, edit: Callable[[dict], None]) -> None:
    doc = json.loads((bag / "data/case.json").read_text(encoding="utf-8"))
    edit(doc)
    (bag / "data/case.json").write_text(json.dumps(doc), encoding="utf-8")
    rebag(bag)


HOSTILE_SHAPES = {
    "identity-fingerprint-list": lambda d: d["identities"][0].update(fingerprint=["x"]),
    "note-id-list": lambda d: d["notes"][0].update(id=["x"]),
    "note-about-object": lambda d: d["notes"][0].update(about={"x": 1}),
    "item-id-object": lambda d: d["items"][0].update(id={"a": 1}),
    "items-number": lambda d: d.update(items=5),
    "notes-number": lambda d: d.update(notes=5),
    "identities-number": lambda d: d.update(identities=5),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SHAPES))
def test_malformed_case_json_is_refused_with_findings_not_a_crash(package, name):
    bag = tampered(package, name)
    edit_case_json(bag, HOSTILE_SHAPES[name])
    refused(bag)


def test_signed_entries_with_non_text_ids_are_findings_not_a_crash(investigator, package):
    """A sender may sign anything: a note.add whose subject is a list, a package.import
    whose item and note ids are objects. The package is refused with reasons."""
    bag = tampered(package, "hostile-ids")

    def edit(entries: list[dict]) -> None:
        note = next(e for e in entries if e.get("content", {}).get("action") == "note.add")
        note["content"]["subject"] = ["x"]
        closing = entries.pop()
        fake = json.loads(json.dumps(closing))
        fake["content"].update(action="package.import", details={
            "items": [{"id": {"a": 1}, "sha256": "0"}], "notes": [{"id": ["n"], "sha256": "0"}],
        })  # fmt: skip
        closing["seq"] = closing["content"]["seq"] = fake["seq"] + 1
        entries += [fake, closing]

    resign(bag, investigator.signer, edit)
    refused(bag)


def test_truncated_lineage_that_no_longer_reaches_the_linked_head_is_refused(
    investigator,
    tmp_path,
):
    """The package.import names the sender's head; a lineage log cut before it (here: the
    sender's package.export removed, manifests rewritten) proves nothing about that link.
    verify-package accepted it, and the receiving case then failed its own verify."""
    export(investigator, tmp_path / "p1")
    with Case.create(tmp_path / "lawyer.evault", PASSPHRASE, title="Prosecution") as lawyer:
        receive(lawyer, tmp_path / "p1")
        export(lawyer, tmp_path / "p2")
    assert verify_package(tmp_path / "p2").ok
    bag = tampered(tmp_path / "p2", "cut-lineage")
    (lineage,) = (bag / "data/lineage").iterdir()
    lines = lineage.read_text(encoding="utf-8").splitlines(keepends=True)
    lineage.write_text("".join(lines[:-1]), encoding="utf-8")
    rebag(bag)
    assert any("lineage" in reason for reason in refused(bag))


UNSIGNED_CLAIMS = {
    "renamed": lambda d: d["items"][0].update(original_name="innocent.jpg"),
    "resized": lambda d: d["items"][0].update(size=d["items"][0]["size"] + 1),
    "note-moved": lambda d: d["notes"][0].update(
        about=next(i["id"] for i in d["items"] if i["id"] != d["notes"][0]["about"])
    ),
    "note-made-amendment": lambda d: d["notes"][0].update(supersedes=d["items"][1]["id"]),
}


@pytest.mark.parametrize("name", sorted(UNSIGNED_CLAIMS))
def test_case_json_claims_that_contradict_the_signed_log_are_refused(package, name):
    """An item's original name and size, a note's item and what it supersedes are in the
    signed entries; case.json is covered by nothing but rewritable manifests. A package
    whose case.json says otherwise verified, and receive then stored the false claim."""
    bag = tampered(package, name)
    edit_case_json(bag, UNSIGNED_CLAIMS[name])
    refused(bag)


@pytest.mark.parametrize("name", sorted(UNSIGNED_CLAIMS))
def test_received_items_claims_are_checked_against_the_lineage(investigator, tmp_path, name):
    export(investigator, tmp_path / "p1")
    with Case.create(tmp_path / "lawyer.evault", PASSPHRASE, title="Prosecution") as lawyer:
        receive(lawyer, tmp_path / "p1")
        export(lawyer, tmp_path / "p2")
    assert verify_package(tmp_path / "p2").ok
    bag = tampered(tmp_path / "p2", name)
    edit_case_json(bag, UNSIGNED_CLAIMS[name])
    refused(bag)


def test_receive_refuses_a_renamed_original(package, tmp_path):
    bag = tampered(package, "renamed-for-receive")
    edit_case_json(bag, UNSIGNED_CLAIMS["renamed"])
    with Case.create(tmp_path / "lawyer.evault", PASSPHRASE, title="Prosecution") as lawyer:
        with pytest.raises(PackageRefused):
            receive(lawyer, bag)
        assert not list_items(lawyer.conn)


def test_receive_refuses_other_bytes_under_an_item_id_the_case_already_holds(
    package, tmp_path, corpus
):
    """A second package, validly signed by its (hostile) sender, brings item X with other
    bytes than the X received before. receive kept the old bytes, dropped the new ones
    silently and logged a package.import saying X has the new SHA-256; the case verified."""
    with Case.create(tmp_path / "lawyer.evault", PASSPHRASE, title="Prosecution") as lawyer:
        receive(lawyer, package)
        before = {i.id: i.sha256 for i in list_items(lawyer.conn)}
        target = sorted(before)[0]
        with Case.create(tmp_path / "mallory.evault", PASSPHRASE, title="Other") as mallory:
            (theirs,) = import_paths(mallory, [corpus / "camera" / "Nikon_D70.jpg"]).imported
            export(mallory, tmp_path / "forged")
            bag = tmp_path / "forged"
            (bag / "data/originals" / theirs.id).rename(bag / "data/originals" / target)
            for name in ("data/case.json", "data/custody.jsonl"):
                text = (bag / name).read_text(encoding="utf-8")
                (bag / name).write_text(text.replace(theirs.id, target), encoding="utf-8")
            resign(bag, mallory.signer, lambda entries: None)
        witness_path(mallory.id).unlink()  # Mallory works on a computer of her own
        assert verify_package(bag).ok
        with pytest.raises(PackageRefused):
            receive(lawyer, bag)
        assert {i.id: i.sha256 for i in list_items(lawyer.conn)} == before
        assert verify_case(lawyer).ok


def test_lineage_of_items_left_out_is_withheld_from_a_partial_export(
    investigator,
    tmp_path,
    corpus,
):
    """A case that received items exports only one of its own. Its package still carried the
    sender's whole kept chain in clear: names, descriptions (a witness's location) and notes'
    digests of received items that are not in the package, against DESIGN §5's withholding."""
    export(investigator, tmp_path / "p1")
    secret = "Balakliia"  # the location in the investigator fixture's item.describe
    with Case.create(tmp_path / "lawyer.evault", PASSPHRASE, title="Prosecution") as lawyer:
        receive(lawyer, tmp_path / "p1")
        (own,) = import_paths(lawyer, [corpus / "camera" / "Nikon_D70.jpg"]).imported
        export(lawyer, tmp_path / "p2", item_ids=[own.id])
        received = [i.id for i in list_items(lawyer.conn) if i.id != own.id]
        export(lawyer, tmp_path / "p3", item_ids=received[:1])
    assert verify_package(tmp_path / "p2").ok
    assert verify_package(tmp_path / "p3").ok
    shipped = "".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "p2/data").rglob("*.json*")
    )
    assert secret not in shipped
    assert all(i not in shipped for i in received)
    names = [i.original_name for i in list_items(investigator.conn) if i.id not in received[:1]]
    shipped = "".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "p3/data").rglob("*.json*")
    )
    assert all(name not in shipped for name in names)
    with Case.create(tmp_path / "expert.evault", PASSPHRASE, title="Expert") as expert:
        receive(expert, tmp_path / "p3")
        assert verify_case(expert).ok
