"""Two instances on one case: the second is told the case is in use (CLI and desktop
dialog); a holder killed mid-write leaves no stale lock, and the case opens and verifies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.case import PASSPHRASE, ROOT, new_case, run_cli
from vault.case.handle import Case
from vault.custody.verify import verify_case
from vault.evidence.items import list_items
from vault.evidence.notes import add_note

IN_USE = "This case is open in another window or program"

# Opens the case and imports the files named, announcing each progress step on stdout;
# slows down once the second file is being written so the test can kill it mid-write.
HOLDER = """
import sys, time
from vault.case.handle import Case
from vault.evidence.ingest import import_paths
case = Case.open(sys.argv[1], sys.argv[2])
print("open", flush=True)
names = []
def progress(done, total):
    print("wrote", done, flush=True)
    if len(names) > 1:
        time.sleep(0.05)
result = import_paths(case, sys.argv[3:], on_file=names.append, progress=progress)
print("done", flush=True)
sys.stdin.read()
"""


def start_holder(case_path: Path, *files: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(case_path), PASSPHRASE, *map(str, files)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout.readline().strip() == "open"
    return proc


def read_until(proc: subprocess.Popen, wanted: str) -> None:
    for line in proc.stdout:
        if line.startswith(wanted):
            return
    raise AssertionError(f"the holder ended before saying {wanted!r}")


@pytest.fixture
def case_path(tmp_path) -> Path:
    new_case(tmp_path).close()
    return tmp_path / "case.evault"


def test_a_second_cli_on_an_open_case_is_told_it_is_in_use(case_path):
    holder = start_holder(case_path)
    try:
        read_until(holder, "done")
        before = case_path.read_bytes()
        for args in (("note", case_path, "second writer"), ("verify", case_path)):
            done = run_cli(*args)
            assert done.returncode == 2, done.stdout + done.stderr
            assert IN_USE in done.stderr and "Traceback" not in done.stderr
        assert case_path.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()
    assert run_cli("verify", case_path).returncode == 0  # free again once the holder is gone


def test_two_imports_started_together_never_both_write(case_path, tmp_path):
    evidence = tmp_path / "photo.bin"
    evidence.write_bytes(os.urandom(30 << 20))
    env = dict(os.environ, EVIDENCE_VAULT_PASSPHRASE=PASSPHRASE)
    procs = [subprocess.Popen([sys.executable, "-m", "vault", "import", str(case_path),
                               str(evidence)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _err in results)
    assert codes == [0, 2], results
    assert any(IN_USE in err for _code, err in results)
    with Case.open(case_path, PASSPHRASE) as case:
        assert len(list_items(case.conn)) == 1 and verify_case(case).ok


def test_a_holder_killed_mid_write_leaves_no_stale_lock(case_path, tmp_path):
    first, second = tmp_path / "a.bin", tmp_path / "b.bin"
    first.write_bytes(os.urandom(2 << 20))
    second.write_bytes(os.urandom(40 << 20))
    holder = start_holder(case_path, first, second)
    for _ in range(2 + 12):  # the first file's two chunks, then 12 MiB of the second
        read_until(holder, "wrote")
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert Path(f"{case_path}-journal").exists(), "the kill did not land inside a write"
    started = time.monotonic()
    with Case.open(case_path, PASSPHRASE) as case:  # no waiting for, or breaking, a lock
        assert time.monotonic() - started < 5
        assert [i.original_name for i in list_items(case.conn)] == ["a.bin"]
        assert verify_case(case).ok
        add_note(case, "written after the crash")  # writing works too, and clears the journal
        assert verify_case(case).ok
    assert not Path(f"{case_path}-journal").exists()


def test_the_open_dialog_says_the_case_is_in_use(qtbot, case_path):
    from ui.dialogs.open_case_dialog import OpenCaseDialog

    holder = start_holder(case_path)
    try:
        dialog = OpenCaseDialog([], case_path, retry_base_ms=1000)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.passphrase.setText(PASSPHRASE)
        dialog.open_button.click()
        assert dialog.isVisible() and dialog.case is None
        assert dialog.message.text().startswith(IN_USE)
        assert dialog.failures == 0 and dialog.open_button.isEnabled()  # not a wrong guess
    finally:
        holder.kill()
        holder.wait()
    with qtbot.waitSignal(dialog.case_opened, timeout=10_000):
        dialog.open_button.click()
    dialog.case.close()
