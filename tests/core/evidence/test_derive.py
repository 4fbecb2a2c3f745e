"""Derived items (DESIGN §10): a working copy is an item of its own, tied by a signed
`item.derive` entry to its parent and the parent's SHA-256."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json

import pytest
from PIL import Image

from tests.helpers.case import CORPUS, new_case, run_cli
from tests.helpers.tamper import tampering
from vault import __version__
from vault.custody.entry import read_entries
from vault.custody.verify import verify_case
from vault.errors import InvalidInput, NotFound, VaultError
from vault.evidence.derive import check_derivations, derive_item, parent_bytes
from vault.evidence.ingest import import_paths
from vault.evidence.items import get_item, list_items, read_original, thumbnail
from vault.package.export import export
from vault.package.receive import receive
from vault.package.verify import verify_package

PHOTO = CORPUS / "camera" / "Nikon_D70.jpg"


def png_of(data: bytes) -> bytes:
    """What a working copy of a photo could be: its pixels re-encoded, nothing else."""
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGB").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def case_with_photo(tmp_path):
    case = new_case(tmp_path)
    parent = import_paths(case, [PHOTO]).imported[0]
    yield case, parent
    case.close()


def test_a_working_copy_is_stored_and_signed_with_its_parent_and_the_parents_hash(
    case_with_photo,
):
    case, parent = case_with_photo
    copy = png_of(parent_bytes(case, parent.id))
    operation = {"op": "reencode", "format": "PNG"}
    derived = derive_item(case, parent.id, copy, name="Nikon_D70.png", operation=operation)

    entry = list(read_entries(case.conn))[-1]
    assert entry.action == "item.derive" and entry.subject == derived.id
    assert entry.content["digest"] == hashlib.sha256(copy).hexdigest() == derived.sha256
    details = entry.details
    assert details["parent"] == parent.id
    assert details["parent_sha256"] == hashlib.sha256(PHOTO.read_bytes()).hexdigest()
    assert details["operation"] == operation
    assert details["tool"] == {"name": "evidence-vault", "version": __version__}
    assert (details["original_name"], details["size"], details["mime"], details["method"]) == (
        "Nikon_D70.png",
        len(copy),
        "image/png",
        "derive",
    )
    # An item like any other: its bytes, metadata and thumbnail, and it verifies.
    assert b"".join(read_original(case.conn, derived.id)) == copy
    item = get_item(case.conn, derived.id)
    assert item.derived_from == parent.id and item.problems == ()
    assert item.metadata["width"] == Image.open(io.BytesIO(copy)).width
    assert thumbnail(case.conn, derived.id) is not None
    assert get_item(case.conn, parent.id).derived_from is None
    result = verify_case(case)
    assert result.ok, result.findings
    assert result.items_checked == 2


def test_items_json_names_the_parent_of_a_derived_item(tmp_path):
    case = new_case(tmp_path)
    parent = import_paths(case, [PHOTO]).imported[0]
    extracted = derive_item(case, parent.id, io.BytesIO(b"member bytes\n"), name="note.txt",
                            operation={"op": "extract", "member": "note.txt"})  # fmt: skip
    case.close()
    run = run_cli("items", case.path, "--json")
    assert run.returncode == 0, run.stderr
    shown = {i["id"]: i for i in json.loads(run.stdout)}
    assert shown[parent.id]["derived_from"] is None
    assert shown[extracted.id]["derived_from"] == parent.id
    assert shown[extracted.id]["derivation"]["operation"] == {"op": "extract",
                                                              "member": "note.txt"}  # fmt: skip
    assert shown[extracted.id]["method"] == "derive"


def test_a_copy_of_a_copy_names_its_own_parent(case_with_photo):
    case, parent = case_with_photo
    first = derive_item(case, parent.id, png_of(PHOTO.read_bytes()), name="a.png",
                        operation={"op": "reencode"})  # fmt: skip
    frame = {"op": "frame", "at_ms": 1500}
    second = derive_item(case, first.id, b"second", name="b.bin", operation=frame)
    assert second.parent_sha256 == first.sha256
    assert get_item(case.conn, second.id).derivation["operation"] == frame
    assert verify_case(case).ok


def test_bad_derivations_are_refused_and_nothing_is_recorded(case_with_photo):
    case, parent = case_with_photo
    length = len(list(read_entries(case.conn)))
    with pytest.raises(NotFound):
        derive_item(case, "no-such-item", b"x", name="x.bin", operation={"op": "extract"})
    with pytest.raises(InvalidInput):
        derive_item(case, parent.id, b"x", name="x.bin", operation={"what": "no op"})
    with pytest.raises(InvalidInput):
        derive_item(case, parent.id, b"x", name="x.bin", operation={"op": "frame", "at": 1.5})
    with pytest.raises(InvalidInput):
        derive_item(case, parent.id, b"x", name="../x.bin", operation={"op": "extract"})
    assert len(list(read_entries(case.conn))) == length
    assert len(list_items(case.conn)) == 1


def test_no_copy_is_made_from_an_original_changed_behind_the_apps_back(case_with_photo):
    case, parent = case_with_photo
    with tampering(case) as conn:
        conn.execute("UPDATE chunks SET data = ? WHERE n = 0", (b"forged",))
    with pytest.raises(VaultError, match="no longer match"):
        parent_bytes(case, parent.id)


def _derive_entries(case, parent):
    derive_item(case, parent.id, b"copy", name="c.bin", operation={"op": "extract"})
    return list(read_entries(case.conn))


def test_verify_refuses_a_derive_entry_that_misnames_its_parents_hash(case_with_photo):
    case, parent = case_with_photo
    entries = _derive_entries(case, parent)
    assert list(check_derivations(entries)) == []
    last = entries[-1]
    forged = {**last.content, "details": {**last.details, "parent_sha256": "0" * 64}}
    findings = list(check_derivations([*entries[:-1], dataclasses.replace(last, content=forged)]))
    assert [f.seq for f in findings] == [last.seq]
    assert "another SHA-256" in findings[0].reason


def test_a_parent_withheld_from_a_disclosure_is_accepted_a_missing_one_is_not(case_with_photo):
    case, parent = case_with_photo
    entries = _derive_entries(case, parent)
    without_parent = [e for e in entries if e.subject != parent.id]
    findings = list(check_derivations(without_parent))
    assert len(findings) == 1 and "did not enter" in findings[0].reason
    withheld = [dataclasses.replace(e, content=None) if e.subject == parent.id else e
                for e in entries]  # fmt: skip
    assert list(check_derivations(withheld)) == []
    nameless = {**entries[-1].content, "details": {"operation": {"op": "x"}}}
    assert (
        "no parent"
        in next(
            check_derivations([*entries[:-1], dataclasses.replace(entries[-1], content=nameless)])
        ).reason
    )


def test_a_copy_exported_without_its_parent_verifies_and_is_received_with_its_link(tmp_path):
    case = new_case(tmp_path)
    parent = import_paths(case, [PHOTO]).imported[0]
    copy = derive_item(case, parent.id, png_of(PHOTO.read_bytes()), name="copy.png",
                       operation={"op": "reencode"})  # fmt: skip
    export(case, tmp_path / "pkg", item_ids=[copy.id])
    case.close()
    checked = verify_package(tmp_path / "pkg")
    assert checked.ok, checked.findings
    other = new_case(tmp_path, "other.evault")
    receive(other, tmp_path / "pkg")
    (received,) = list_items(other.conn)
    assert (received.id, received.derived_from) == (copy.id, parent.id)
    assert received.derivation["parent_sha256"] == parent.sha256
    assert verify_case(other).ok
    other.close()
