"""receive imports exactly what it verified (issue 9 §4), and never a case's own log (§3).

The package is swapped or rewritten for real between the verification pass and the import
pass, through receive's `confirm` callback: the point where the app shows the verification
and waits for the user.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.helpers.package import (
    PASSPHRASE,
    camera_files,
)
from vault.case.handle import Case
from vault.cli.main import main
from vault.custody.entry import read_entries
from vault.custody.verify import verify_case
from vault.errors import PackageRefused
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.evidence.notes import add_note, describe_item
from vault.package.export import export
from vault.package.receive import receive
from vault.package.verify import PackageVerification, verify_package


@pytest.fixture
def other_zip(tmp_path: Path, corpus: Path) -> Path:
    """A genuine package of another case, with other photos: what a swap would bring in."""
    with Case.create(
        tmp_path / "other.evault", PASSPHRASE, title="Other", investigator="X"
    ) as other:
        import_paths(other, camera_files(corpus, 5)[3:])
        export(other, tmp_path / "other.zip")
    return tmp_path / "other.zip"


def imports(case: Case) -> list[int]:
    return [e.seq for e in read_entries(case.conn, "WHERE action = 'package.import'")]


def assert_nothing_stored(case: Case) -> None:
    """A refused package left no item, import or kept log behind, and the case verifies."""
    assert list_items(case.conn) == [] and imports(case) == []
    assert case.conn.execute("SELECT count(*) FROM lineage").fetchone()[0] == 0
    assert verify_case(case).ok


def test_a_package_replaced_after_verification_is_not_what_gets_imported(
    investigator: Case,
    lawyer: Case,
    tmp_path: Path,
    other_zip: Path,
) -> None:
    """The file is renamed over between the passes: the import reads the file it verified."""
    export(investigator, tmp_path / "p.zip")

    def swap(verification: PackageVerification) -> bool:
        os.replace(other_zip, tmp_path / "p.zip")
        return True

    result = receive(lawyer, tmp_path / "p.zip", confirm=swap)
    sent = {i.id: i.sha256 for i in list_items(investigator.conn)}
    assert {i.id: i.sha256 for i in list_items(lawyer.conn)} == sent
    assert (result.items, result.notes) == (3, 1)
    assert verify_case(lawyer).ok


def test_a_package_rewritten_in_place_after_verification_is_refused_and_nothing_stored(
    investigator: Case,
    lawyer: Case,
    tmp_path: Path,
    other_zip: Path,
) -> None:
    """The same file is overwritten with other bytes between the passes: refused whole."""
    export(investigator, tmp_path / "p.zip")

    def overwrite(verification: PackageVerification) -> bool:
        with open(tmp_path / "p.zip", "r+b") as f:
            f.write(other_zip.read_bytes())
            f.truncate()
        return True

    with pytest.raises(PackageRefused) as refused:
        receive(lawyer, tmp_path / "p.zip", confirm=overwrite)
    assert "changed while it was read" in str(refused.value.findings[0])
    assert_nothing_stored(lawyer)


@pytest.mark.parametrize("change", ["replaced", "removed"])
def test_a_folder_package_whose_original_changes_between_passes_is_refused(
    investigator: Case,
    lawyer: Case,
    tmp_path: Path,
    change: str,
) -> None:
    """Before this fix, a removed original left a package.import listing an item that was
    never stored (the case then failed verify for good)."""
    export(investigator, tmp_path / "pkg")
    original = sorted((tmp_path / "pkg/data/originals").rglob("*.*"))[-1]

    def tamper(verification: PackageVerification) -> bool:
        if change == "removed":
            shutil.rmtree(original.parent)
        else:
            original.write_bytes(original.read_bytes()[:-1] + b"\x00")
        return True

    with pytest.raises(PackageRefused) as refused:
        receive(lawyer, tmp_path / "pkg", confirm=tamper)
    assert "changed while it was read" in str(refused.value.findings[0])
    assert_nothing_stored(lawyer)


def test_receiving_the_same_package_twice_says_nothing_new_and_records_nothing(
    investigator: Case,
    lawyer: Case,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    export(investigator, tmp_path / "p.zip")
    first = receive(lawyer, tmp_path / "p.zip")
    assert (first.items, first.notes, first.nothing_new) == (3, 1, False)
    length = len(list(read_entries(lawyer.conn)))
    again = receive(lawyer, tmp_path / "p.zip")
    assert again.nothing_new and (again.items, again.notes, again.already) == (0, 0, 4)
    assert len(list(read_entries(lawyer.conn))) == length
    lawyer.close()
    monkeypatch.setenv("EVIDENCE_VAULT_PASSPHRASE", PASSPHRASE)
    assert main(["receive", str(tmp_path / "mykola.evault"), str(tmp_path / "p.zip")]) == 0
    out = capsys.readouterr().out
    assert "Nothing new" in out and "Imported" not in out


def test_a_later_package_with_one_new_note_imports_only_that_note(
    investigator: Case,
    lawyer: Case,
    tmp_path: Path,
) -> None:
    export(investigator, tmp_path / "p1.zip")
    receive(lawyer, tmp_path / "p1.zip")
    add_note(investigator, "A second note", about=list_items(investigator.conn)[0].id)
    export(investigator, tmp_path / "p2.zip")
    result = receive(lawyer, tmp_path / "p2.zip")
    assert (result.items, result.notes, result.already) == (0, 1, 4)
    assert len(imports(lawyer)) == 2
    assert verify_case(lawyer).ok


def test_a_case_cannot_receive_its_own_package(investigator: Case, tmp_path: Path) -> None:
    export(investigator, tmp_path / "p.zip")
    with pytest.raises(PackageRefused) as refused:
        receive(investigator, tmp_path / "p.zip")
    assert "exported from this very case" in str(refused.value.findings[0])
    assert "own log. Nothing was imported" in str(refused.value)


def test_a_package_carrying_the_receiving_cases_own_log_is_refused(
    investigator: Case,
    lawyer: Case,
    tmp_path: Path,
) -> None:
    """Olena's items go to Mykola; his package, carrying her log as lineage, is refused by
    her case: a kept copy of her own chain would stand beside the real one."""
    export(investigator, tmp_path / "p1.zip")
    receive(lawyer, tmp_path / "p1.zip")
    export(lawyer, tmp_path / "back.zip")
    held = len(list(read_entries(investigator.conn)))
    with pytest.raises(PackageRefused) as refused:
        receive(investigator, tmp_path / "back.zip")
    assert "this case's own custody log" in str(refused.value.findings[0])
    assert len(list(read_entries(investigator.conn))) == held


def test_a_signed_note_about_an_item_absent_from_the_package_is_refused_not_a_crash(
    investigator: Case,
    lawyer: Case,
    tmp_path: Path,
) -> None:
    """A hostile sender signs a note about an item that is in neither the package nor the
    receiving case: before, receive crashed on a foreign key; now it is a refusal."""
    from tests.core.package.test_hostile_package_claims import edit_case_json, resign

    export(investigator, tmp_path / "pkg")
    absent = "0" * 32

    def detach(entries: list[dict]) -> None:
        note = next(e for e in entries if e.get("content", {}).get("action") == "note.add")
        note["content"]["details"]["about"] = absent

    resign(tmp_path / "pkg", investigator.signer, detach)
    edit_case_json(tmp_path / "pkg", lambda doc: doc["notes"][0].update(about=absent))
    with pytest.raises(PackageRefused) as refused:
        receive(lawyer, tmp_path / "pkg")
    # Refused by receive's own check, or earlier by verify-package if it learns to spot it.
    reasons = " ".join(str(f) for f in refused.value.findings)
    assert (
        "neither in the package nor in this case" in reasons
        or not verify_package(tmp_path / "pkg").ok
    )
    assert_nothing_stored(lawyer)


def test_a_later_package_that_only_extends_the_senders_log_links_it_and_says_so(
    investigator: Case,
    lawyer: Case,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Olena re-describes a photo and sends the same items again: nothing new is stored, but
    her newer log (with the new description) is kept and linked by a package.import."""
    export(investigator, tmp_path / "p1.zip")
    receive(lawyer, tmp_path / "p1.zip")
    describe_item(investigator, list_items(investigator.conn)[0].id, {"title": "Cell 3"})
    export(investigator, tmp_path / "p2.zip")
    lawyer.close()
    monkeypatch.setenv("EVIDENCE_VAULT_PASSPHRASE", PASSPHRASE)
    assert main(["receive", str(tmp_path / "mykola.evault"), str(tmp_path / "p2.zip")]) == 0
    assert "No new items or notes; the sender's newer log is kept and linked" in (
        capsys.readouterr().out
    )
    with Case.open(tmp_path / "mykola.evault", PASSPHRASE) as reopened:
        assert len(imports(reopened)) == 2
        assert verify_case(reopened).ok
