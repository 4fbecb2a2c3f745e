"""Witnessed heads (DESIGN §8): a case file rolled back to an older copy, or rewritten,
is reported on open before anything else; a receiving case witnesses its senders."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.helpers.case import PASSPHRASE, new_case, run_cli
from tests.helpers.package import PASSPHRASE as SENDER_PASSPHRASE
from vault.case.handle import Case
from vault.custody.verify import verify_case
from vault.custody.witness import read_witness, witness_path
from vault.errors import PackageRefused
from vault.evidence.notes import add_note
from vault.package.export import export
from vault.package.receive import receive


def _add_note(path: Path, text: str) -> None:
    with Case.open(path, PASSPHRASE) as case:
        add_note(case, text)


def _rolled_back_case(tmp_path: Path, note: str = "a note made after the copy") -> Path:
    """tmp_path/case.evault put back to a copy taken before `note` was added (and witnessed)."""
    path = tmp_path / "case.evault"
    new_case(tmp_path).close()
    shutil.copy(path, tmp_path / "old-copy.evault")
    _add_note(path, note)
    shutil.copy(tmp_path / "old-copy.evault", path)
    return path


def test_the_head_is_witnessed_in_the_users_data_folder_on_close_after_a_change(tmp_path):
    case = new_case(tmp_path)
    case_id = case.id
    case.close()
    seen = read_witness(case_id)
    assert seen is not None and seen.seq == 0
    assert witness_path(case_id).is_relative_to(Path(os.environ["XDG_DATA_HOME"]))
    _add_note(tmp_path / "case.evault", "a note")
    assert read_witness(case_id).seq == 1
    before = witness_path(case_id).read_bytes()
    Case.open(tmp_path / "case.evault", PASSPHRASE).close()  # no change: nothing written
    assert witness_path(case_id).read_bytes() == before


def test_a_case_restored_from_an_older_copy_is_reported_rolled_back(tmp_path):
    path = _rolled_back_case(tmp_path)
    with Case.open(path, PASSPHRASE) as case:
        assert case.witness_finding is not None
        assert "ROLLED BACK OR REWRITTEN" in case.witness_finding.reason
        assert "reach seq 1" in case.witness_finding.reason
        assert "now holds seq 0" in case.witness_finding.reason
        report = verify_case(case)
    assert not report.ok and report.findings[0] is report.rolled_back
    out = run_cli("verify", path)
    assert out.returncode == 1
    assert "ROLLED BACK OR REWRITTEN" in out.stderr.splitlines()[0]
    assert "NOT VERIFIED" in out.stdout


def test_a_rewritten_case_stays_reported_after_further_changes(tmp_path):
    path = _rolled_back_case(tmp_path, note="the note that was there")
    _add_note(path, "a different note at the same seq")  # same length, other head
    with Case.open(path, PASSPHRASE) as case:
        assert case.witness_finding is not None  # the witness did not follow the rewrite
        assert "reach seq 1" in case.witness_finding.reason
        assert "now holds seq 1" in case.witness_finding.reason


def test_a_damaged_witness_is_a_finding_not_a_pass(tmp_path):
    case = new_case(tmp_path)
    case.close()
    witness_path(case.id).write_text("{not json")
    with Case.open(case.path, PASSPHRASE) as again:
        assert "damaged" in again.witness_finding.reason


def test_a_later_package_whose_sender_log_was_rewritten_is_refused(
    tmp_path,
    investigator: Case,
):
    receiver = Case.create(tmp_path / "receiver.evault", PASSPHRASE, title="Receiving case")
    path = investigator.path
    investigator.close()
    shutil.copy(path, tmp_path / "before-export.evault")
    with Case.open(path, SENDER_PASSPHRASE) as sender:
        export(sender, tmp_path / "first")
    receive(receiver, tmp_path / "first")
    shutil.copy(tmp_path / "before-export.evault", path)  # the sender's log is rolled back
    with Case.open(path, SENDER_PASSPHRASE) as sender:
        add_note(sender, "a history told differently")
        export(sender, tmp_path / "second")
        # The sender works on another computer: this one witnessed only what it received.
        witness_path(sender.id).unlink()
    entries = receiver.conn.execute("SELECT COUNT(*) FROM custody").fetchone()[0]
    with pytest.raises(PackageRefused) as err:
        receive(receiver, tmp_path / "second")
    assert "the sender's log was rewritten since the package of" in str(err.value.findings[0])
    assert receiver.conn.execute("SELECT COUNT(*) FROM custody").fetchone()[0] == entries
    receiver.close()


def test_a_later_package_that_extends_the_sender_head_is_received(
    tmp_path,
    investigator: Case,
):
    receiver = Case.create(tmp_path / "receiver.evault", PASSPHRASE, title="Receiving case")
    export(investigator, tmp_path / "first")
    receive(receiver, tmp_path / "first")
    add_note(investigator, "more work")
    export(investigator, tmp_path / "second")
    result = receive(receiver, tmp_path / "second")
    assert result.verification.ok
    receiver.close()


def test_the_witness_file_is_plain_json_with_both_hashes(tmp_path):
    case = new_case(tmp_path)
    case.close()
    doc = json.loads(witness_path(case.id).read_text())
    assert set(doc) == {"case", "seq", "entry_hash", "at"} and len(doc["entry_hash"]) == 64


def _says_rollback_first_and_exits_1(commands: list[list], capsys) -> None:
    from vault.cli.main import main

    for command in commands:
        capsys.readouterr()
        code = main([str(part) for part in command])
        err = capsys.readouterr().err.splitlines()
        assert code == 1, (command, err)
        assert "ROLLED BACK OR REWRITTEN" in err[0], (command, err)


def test_reading_and_acting_on_a_rolled_back_case_say_so_first_and_exit_1(
    tmp_path, monkeypatch, capsys
):
    """DESIGN §8, §12: not only verify: `items` and `note` exit 1 too, the finding first;
    the note is still recorded (as under the app's banner), and a sound case exits 0."""
    from vault.cli.main import main

    path = _rolled_back_case(tmp_path)
    monkeypatch.setenv("EVIDENCE_VAULT_PASSPHRASE", PASSPHRASE)
    _says_rollback_first_and_exits_1([["items", path], ["note", path, "still here"]], capsys)
    with Case.open(path, PASSPHRASE) as case:
        assert case.conn.execute("SELECT COUNT(*) FROM custody").fetchone()[0] == 2
    new_case(tmp_path, "fresh.evault").close()
    assert main(["items", str(tmp_path / "fresh.evault")]) == 0


@pytest.mark.slow
def test_every_command_that_opens_a_rolled_back_case_says_so_first_and_exits_1(
    tmp_path, corpus, monkeypatch, capsys
):
    """Every command that opens a case, reading or acting (each act is logged as ever)."""
    path = _rolled_back_case(tmp_path)
    monkeypatch.setenv("EVIDENCE_VAULT_PASSPHRASE", PASSPHRASE)
    photo = next(corpus.rglob("*.jpg"))
    commands = [
        ["items", path], ["log", path], ["anchors", path], ["verify", path],
        ["import", path, photo], ["note", path, "still working on it"],
        ["add-investigator", path, "--name", "Ivan"],
        ["export", path, tmp_path / "out"], ["report", path, tmp_path / "r.pdf"],
    ]  # fmt: skip
    _says_rollback_first_and_exits_1(commands, capsys)
    assert (tmp_path / "out").is_dir() and (tmp_path / "r.pdf").is_file()
    with Case.open(path, PASSPHRASE) as case:  # the acts were logged on the copy in hand
        assert case.conn.execute("SELECT COUNT(*) FROM custody").fetchone()[0] > 5


def test_verify_package_refuses_a_package_of_a_log_this_computer_saw_otherwise(
    tmp_path, investigator: Case
):
    """A package made from a rolled-back copy that was then written on: its log holds
    another entry at the head this computer witnessed. verify-package says so, exit 1."""
    from vault.cli.main import main
    from vault.package.verify import verify_package

    path = investigator.path
    investigator.close()
    shutil.copy(path, tmp_path / "before.evault")
    with Case.open(path, SENDER_PASSPHRASE) as sender:
        export(sender, tmp_path / "first")
    assert verify_package(tmp_path / "first").ok
    shutil.copy(tmp_path / "before.evault", path)
    with Case.open(path, SENDER_PASSPHRASE) as sender:
        add_note(sender, "a history told differently")
        export(sender, tmp_path / "second")
    result = verify_package(tmp_path / "second")
    assert not result.ok
    assert any("ROLLED BACK OR REWRITTEN" in str(f) for f in result.findings)
    assert ("No log is one this computer saw rolled back or rewritten", False) in result.checks
    assert main(["verify-package", str(tmp_path / "second")]) == 1
    assert verify_package(tmp_path / "first").ok  # the older package is not a finding


def test_a_log_with_its_tail_cut_off_is_reported_on_open_and_by_verify(tmp_path):
    """Issue 11's tamper list: entries removed from the end of the log (with their rows) by
    someone holding the passphrase. The chain that is left verifies on its own; only the
    witness can tell, and it does, with both heads."""
    from tests.helpers.case import edit_rows

    path = tmp_path / "case.evault"
    new_case(tmp_path).close()
    _add_note(path, "a note that will be cut away")
    _add_note(path, "and another")
    edit_rows(path, "DELETE FROM notes WHERE seq >= 2")
    edit_rows(path, "DELETE FROM custody WHERE seq >= 2")
    with Case.open(path, PASSPHRASE) as case:
        finding = case.witness_finding
        assert finding is not None and "reach seq 2" in finding.reason
        assert "now holds seq 1" in finding.reason
        report = verify_case(case)
    assert report.chain.findings == []  # what is left is a sound chain...
    assert not report.ok and report.findings[0] is report.rolled_back  # ...cut short
    out = run_cli("verify", path)
    assert out.returncode == 1 and "ROLLED BACK OR REWRITTEN" in out.stderr.splitlines()[0]
