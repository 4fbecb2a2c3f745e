"""Disclosure packages (DESIGN §10): redacted copies shared with their originals withheld.
The package verifies, names each copy's original by its SHA-256 from the signed derive
entry, and holds nothing of the original: not its bytes, not what its entries say."""

from __future__ import annotations

import hashlib
import zipfile

from test_verify_md import follow_by_hand, guide_blocks

from tests.helpers.case import CORPUS, new_case, run_cli
from vault.custody.verify import verify_case
from vault.evidence.derive import working_copies
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.evidence.notes import add_note, describe_item
from vault.evidence.redact import redact_item
from vault.package.export import export
from vault.package.receive import receive
from vault.package.verify import verify_package

PHOTO = CORPUS / "camera" / "elephants.jpg"
WITNESS_NOTE = "Witness Halyna S., 14 Sadova St., saw the vehicle"
TITLE = "Cell 2, Kupiansk — survivor's face visible"


def disclosure_case(tmp_path):
    case = new_case(tmp_path)
    original = import_paths(case, [PHOTO], source="phone of witness H.S.").imported[0]
    add_note(case, WITNESS_NOTE, about=original.id)
    describe_item(case, original.id, {"title": TITLE, "location": "Kupiansk"})
    copy = redact_item(case, original.id, [(150, 80, 120, 120)], method="fill")
    other = import_paths(case, [CORPUS / "camera" / "Canon_40D.jpg"]).imported[0]
    return case, original, copy, other


def test_working_copies_only_are_chosen_for_a_disclosure(tmp_path):
    case, original, copy, other = disclosure_case(tmp_path)
    items = list_items(case.conn)
    assert working_copies(items) == [copy.id]
    assert working_copies(items, [original.id]) == [copy.id]  # the copies of a chosen original
    assert working_copies(items, [other.id]) == []
    case.close()


def test_a_disclosure_package_verifies_names_the_originals_hash_and_holds_nothing_of_it(
    tmp_path,
):
    case, original, copy, _other = disclosure_case(tmp_path)
    out = tmp_path / "disclosure.zip"
    export(case, out, item_ids=working_copies(list_items(case.conn), [original.id]))
    case.close()

    checked = verify_package(out)
    assert checked.ok, checked.findings
    (shown,) = checked.copies
    assert (shown.id, shown.parent, shown.parent_included) == (copy.id, original.id, False)
    assert shown.parent_sha256 == hashlib.sha256(PHOTO.read_bytes()).hexdigest()

    with zipfile.ZipFile(out) as z:
        contents = {name: z.read(name) for name in z.namelist()}
    everything = b"\n".join(contents.values())
    original_bytes = PHOTO.read_bytes()
    assert not any(original_bytes[i : i + 4096] in everything for i in (0, 20_000, 60_000))
    for secret in (PHOTO.name, WITNESS_NOTE, TITLE, "Kupiansk", "phone of witness H.S."):
        assert secret.encode() not in everything, secret
    payload = [n for n in contents if "/originals/" in n and not n.endswith("/")]
    assert len(payload) == 1 and copy.id in payload[0]  # the copy, and no original

    cli = run_cli("verify-package", out)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert shown.parent_sha256 in cli.stdout and "withheld" in cli.stdout

    lawyer = new_case(tmp_path, "lawyer.evault", title="Prosecutor's copy")
    receive(lawyer, out)
    (received,) = list_items(lawyer.conn)
    assert received.derived_from == original.id
    assert received.derivation["parent_sha256"] == shown.parent_sha256
    assert verify_case(lawyer).ok
    lawyer.close()


def test_the_export_command_shares_copies_only(tmp_path):
    case, _original, copy, _other = disclosure_case(tmp_path)
    case.close()
    run = run_cli("export", case.path, tmp_path / "pkg", "--copies-only")
    assert run.returncode == 0, run.stderr
    checked = verify_package(tmp_path / "pkg")
    assert checked.ok and checked.items == 1 and [c.id for c in checked.copies] == [copy.id]
    none = run_cli("export", case.path, tmp_path / "pkg2", "--copies-only", "--item", "nope")
    assert none.returncode == 2 and "no working copies" in none.stderr
    assert not (tmp_path / "pkg2").exists()


def test_following_the_guide_by_hand_accepts_a_disclosure_package(tmp_path):
    case, original, _copy, _other = disclosure_case(tmp_path)
    export(case, tmp_path / "pkg", item_ids=working_copies(list_items(case.conn)))
    case.close()
    bag = tmp_path / "pkg"
    ok, output = follow_by_hand(bag, guide_blocks(bag / "data/VERIFY.md"))
    assert ok, output
    assert original.sha256 not in (bag / "data/case.json").read_text()  # only in the log
