"""Wrong and hostile keys: wrong passphrases change nothing, repeated failures are slowed
(vault.case.unlock, shared by the CLI and the desktop app), and rogue keys fail verification."""

from __future__ import annotations

import hashlib
import os
import select
import subprocess
import sys
import time

import pytest

from tests.helpers.case import PASSPHRASE, ROOT, new_case, run_cli
from tests.helpers.tamper import forge_entry, tamper, tampering
from vault.case.handle import Case
from vault.case.identity import Signer
from vault.case.unlock import UnlockThrottle, open_with_retries
from vault.custody.verify import verify_case
from vault.errors import NotACaseFile, WrongPassphrase
from vault.evidence.notes import add_note

HOSTILE_PASSPHRASES = [
    "correct horse battery stapl", "Correct horse battery staple", PASSPHRASE + " ",
    "'; DROP TABLE custody; --", "x' ; PRAGMA rekey = 'y", "пароль пароль пароль", "🔑" * 40,
    "a" * 10_000, "\t\n\r" * 5, "correct horse battery staple\x00",
]  # fmt: skip


def fingerprint_of_file(path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture
def case_path(tmp_path):
    case = new_case(tmp_path)
    add_note(case, "a note so the file has more than the first page")
    case.close()
    return case.path


def test_many_wrong_passphrases_leave_the_case_file_byte_identical(case_path):
    before = fingerprint_of_file(case_path)
    for attempt in HOSTILE_PASSPHRASES * 2:
        with pytest.raises((WrongPassphrase, NotACaseFile)):
            Case.open(case_path, attempt)
    for attempt in HOSTILE_PASSPHRASES[:3]:
        done = run_cli("verify", case_path, passphrase=attempt)
        assert done.returncode == 2 and "not right" in done.stderr
    assert fingerprint_of_file(case_path) == before
    assert [p.name for p in case_path.parent.iterdir()] == [case_path.name]  # no journal
    with Case.open(case_path, PASSPHRASE) as case:
        assert verify_case(case).ok


def test_the_throttle_lets_the_first_failures_through_then_doubles_to_a_cap():
    throttle = UnlockThrottle(free_attempts=3, base_delay=2.0, max_delay=10.0)
    assert [throttle.failed() for _ in range(7)] == [0, 0, 0, 2.0, 4.0, 8.0, 10.0]
    assert 9.0 < throttle.remaining() <= 10.0
    throttle.succeeded()
    assert throttle.remaining() == 0 and throttle.failed() == 0


def test_repeated_wrong_passphrases_are_slowed_and_the_right_one_still_opens(case_path):
    answers = iter(["wrong one, first try", "wrong one, second try", PASSPHRASE])
    heard: list[float] = []
    throttle = UnlockThrottle(free_attempts=1, base_delay=0.6)
    started = time.monotonic()
    case = open_with_retries(case_path, lambda: next(answers), tries=3, throttle=throttle,
                             on_wrong=lambda err, delay: heard.append(delay))  # fmt: skip
    case.close()
    assert heard == [0.0, 0.6]
    assert time.monotonic() - started >= 0.6  # the third try really waited
    assert throttle.failures == 0  # success resets


def test_the_last_wrong_try_is_reported_and_nothing_is_written(case_path):
    before = fingerprint_of_file(case_path)
    with pytest.raises(WrongPassphrase):
        open_with_retries(case_path, lambda: "never right, never right", tries=2,
                          throttle=UnlockThrottle(base_delay=0.01))  # fmt: skip
    assert fingerprint_of_file(case_path) == before


def prompt_session(args: list[str], typed: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run the CLI on a real terminal (a pty), typing a line at each passphrase prompt."""
    master, slave = os.openpty()
    env = {k: v for k, v in os.environ.items() if k != "EVIDENCE_VAULT_PASSPHRASE"}
    proc = subprocess.Popen([sys.executable, "-m", "vault", *args], stdin=slave, stdout=slave,
                            stderr=slave, env=env, cwd=ROOT, start_new_session=True,
                            preexec_fn=lambda: __import__("fcntl").ioctl(
                                0, __import__("termios").TIOCSCTTY, 0))  # fmt: skip
    os.close(slave)
    output, pending, deadline = b"", list(typed), time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        try:
            chunk = os.read(master, 4096) if ready else b""
        except OSError:  # EIO: the program has exited and closed the terminal
            break
        if ready and not chunk:
            break
        output += chunk
        if pending and output.count(b"Passphrase:") > len(typed) - len(pending):
            os.write(master, pending.pop(0).encode() + b"\n")
        if not ready and proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(timeout=10), output.decode(errors="replace")


def test_the_cli_prompt_slows_repeated_wrong_passphrases(case_path):
    started = time.monotonic()
    code, out = prompt_session(
        ["verify", str(case_path)], ["wrong first", "wrong second", PASSPHRASE]
    )
    assert code == 0, out
    assert out.count("not right") == 2 and "try again in 1 second." in out
    assert "VERIFIED" in out and time.monotonic() - started >= 1.0


def test_the_cli_prompt_gives_up_after_three_wrong_tries(case_path):
    before = fingerprint_of_file(case_path)
    code, out = prompt_session(["items", str(case_path)], ["no", "nope", "still not"])
    assert code == 2, out
    assert out.count("not right") == 3
    assert fingerprint_of_file(case_path) == before


def rogue_identity_add(case: Case, rogue: Signer) -> None:
    """A rogue key vouching for itself, written into the key table and the chain."""
    details = {"name": "Rogue", "role": "investigator", "organization": "",
               "public_key": rogue.identity.public_key.hex()}  # fmt: skip
    with tampering(case) as conn:
        conn.execute("BEGIN")
        forge_entry(conn, case, rogue, "identity.add", details=details)
        conn.execute(
            "INSERT INTO identities VALUES (?, 'Rogue', 'investigator', '', ?, ?)",
            (rogue.fingerprint, rogue.identity.public_key, rogue.private_bytes()),
        )
        conn.execute("COMMIT")


def errors_of(case: Case) -> list[tuple[int | None, str]]:
    return [(f.seq, f.reason) for f in verify_case(case).findings if f.level == "error"]


def test_a_rogue_identity_add_appended_with_its_own_key_fails_verification(tmp_path):
    case = new_case(tmp_path)
    rogue = Signer.generate("Rogue", "investigator", "")
    rogue_identity_add(case, rogue)
    case.close()
    with Case.open(case.path, PASSPHRASE, actor="Rogue") as as_rogue:
        add_note(as_rogue, "written under the rogue key")
        found = errors_of(as_rogue)
    assert (1, "signed by a key that was never introduced") in found
    assert (2, "signed by a key that was never introduced") in found
    assert any(seq is None and "Rogue" in reason for seq, reason in found)


def test_a_rogue_identity_add_spliced_into_the_middle_of_the_chain_fails(tmp_path):
    case = new_case(tmp_path)
    for n in range(3):
        add_note(case, f"note {n}")
    rogue = Signer.generate("Rogue", "investigator", "")
    rogue_identity_add(case, rogue)  # seq 4, moved to seq 2 below with its link re-made
    with tampering(case) as conn:
        prev = conn.execute("SELECT entry_hash FROM custody WHERE seq = 1").fetchone()[0]
        conn.execute("UPDATE custody SET seq = -1 WHERE seq = 4")
        for seq in (3, 2):
            conn.execute("UPDATE custody SET seq = seq + 1 WHERE seq = ?", (seq,))
        conn.execute("UPDATE custody SET seq = 2, prev = ? WHERE seq = -1", (prev,))
    found = errors_of(case)
    assert (2, "signed by a key that was never introduced") in found
    assert not verify_case(case).ok
    case.close()


def test_a_public_key_swapped_in_the_key_table_fails_verification(tmp_path):
    case = new_case(tmp_path)
    mykola = case.add_identity("Mykola", role="prosecutor")
    rogue = Signer.generate("Rogue", "x", "")
    tamper(case, "UPDATE identities SET public_key = ? WHERE fingerprint = ?",
                      (rogue.identity.public_key, mykola.fingerprint))  # fmt: skip
    assert errors_of(case) == [
        (None, f"identity Mykola ({mykola.fingerprint[:16]}) was not introduced by the custody log")
    ]
    case.close()


def test_a_private_key_swapped_in_the_key_table_signs_as_a_stranger(tmp_path):
    case = new_case(tmp_path)
    rogue = Signer.generate("Rogue", "x", "")
    tamper(case, "UPDATE identities SET private_key = ?", (rogue.private_bytes(),))
    case.close()
    with Case.open(case.path, PASSPHRASE) as reopened:
        add_note(reopened, "signed with the swapped-in key")
        assert (1, "signed by a key that was never introduced") in errors_of(reopened)
