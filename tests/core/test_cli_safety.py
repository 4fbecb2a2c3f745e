"""The command line is exact and safe (issue 9 §6): any path works, every passphrase source
works for packages, unreadable or read-only files and missing folders are plain messages,
evidence strings cannot drive the terminal, exports are private, --help is complete.

Permission tests run the CLI as another user (`nobody`, via setpriv) when the tests run as
root, because root reads and writes whatever it likes."""

from __future__ import annotations

import json
import os
import pty
import pwd
import select
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.case import PASSPHRASE, ROOT, new_case, run_cli
from vault.case.handle import Case
from vault.case.unlock import UnlockThrottle, open_with_retries
from vault.cli.main import COMMANDS, _load_commands, json_safe
from vault.errors import NotACaseFile, WeakPassphrase
from vault.evidence.ingest import import_paths
from vault.package.export import export
from vault.text import shown, stripped

PACKAGE_PASSPHRASE = "package passphrase 2026"
HOSTILE = "IMG\x1b[2J\x1b]0;owned\x07\u202egpj.exe\u0085\x9b31m"


def test_help_lists_every_subcommand_with_a_summary_and_version_exists():
    _load_commands()
    shown_help = run_cli("--help", passphrase=None)
    assert shown_help.returncode == 0
    for name, (_configure, _handler, summary) in COMMANDS.items():
        assert summary, f"{name} has no one-line summary"
        assert name in shown_help.stdout
        assert summary.split()[0] in shown_help.stdout
    version = run_cli("--version", passphrase=None)
    assert version.returncode == 0 and version.stdout.startswith("evidence-vault 0.")


# --- paths -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["with space.evault", "справа Ізюм.evault", "a#b.evault", "a?b.evault",
             "a%41b%2.evault", "a&b=c.evault", "#?%&=.evault"],
)  # fmt: skip
def test_any_case_path_names_exactly_that_file(tmp_path, name):
    folder = tmp_path / "cases"
    folder.mkdir()
    (tmp_path / "photo.txt").write_bytes(b"evidence")
    assert run_cli("init", folder / name, "--title", "Paths").returncode == 0
    done = run_cli("import", folder / name, tmp_path / "photo.txt")
    assert done.returncode == 0, done.stderr
    assert [p.name for p in folder.iterdir()] == [name]  # no database beside it
    with Case.open(folder / name, PASSPHRASE) as case:
        assert case.conn.execute("SELECT count(*) FROM items").fetchone()[0] == 1


# --- not a case file, empty passphrases ----------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "said"),
    [(b"just some notes\n" * 300, "notes.evault", "it is a text file"),
     (b"age-encryption.org/v1\n-> scrypt x 18\n", "p.zip.age", "encrypted package"),
     (os.urandom(4096 * 3 + 100), "cut.evault", "not a whole number of 4096-byte pages")],
)  # fmt: skip
def test_a_file_that_is_not_a_case_says_so_before_any_passphrase(tmp_path, content, name, said):
    path = tmp_path / name
    path.write_bytes(content)
    done = run_cli("verify", path, passphrase=None)  # no passphrase given: none is asked for
    assert done.returncode == 2
    assert said in done.stderr and "not right" not in done.stderr
    throttle = UnlockThrottle(free_attempts=0)
    with pytest.raises(NotACaseFile):
        open_with_retries(path, lambda: PASSPHRASE, tries=3, throttle=throttle)
    assert throttle.failures == 0  # no retry delay started
    assert path.read_bytes() == content


def test_an_empty_passphrase_file_says_the_passphrase_is_empty(tmp_path):
    new_case(tmp_path).close()
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    done = run_cli("verify", tmp_path / "case.evault", "--passphrase-file", empty, passphrase=None)
    assert done.returncode == 2 and "passphrase is empty" in done.stderr, done.stderr


# --- encrypted packages: file, environment, terminal ---------------------------------------


@pytest.fixture(scope="module")
def sealed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sealed")
    (folder / "photo.txt").write_bytes(b"evidence in a sealed package")
    with new_case(folder) as case:
        import_paths(case, [folder / "photo.txt"])
        export(case, folder / "p.zip.age", encrypt_passphrase=PACKAGE_PASSPHRASE)
    return folder / "p.zip.age"


def test_verify_package_reads_the_passphrase_from_a_file(sealed, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(PACKAGE_PASSPHRASE + "\n")
    done = run_cli("verify-package", sealed, "--passphrase-file", secret, passphrase=None)
    assert done.returncode == 0 and "VALID" in done.stdout, done.stdout + done.stderr


def test_verify_package_reads_the_passphrase_from_the_environment(sealed):
    done = run_cli("verify-package", sealed, passphrase=PACKAGE_PASSPHRASE)
    assert done.returncode == 0 and "VALID" in done.stdout, done.stdout + done.stderr


def at_a_terminal(argv: list[str], answer: str) -> tuple[int, str]:
    """Run `argv` with a terminal of its own, type `answer` at the prompt; (code, output)."""
    env = {k: v for k, v in os.environ.items() if k != "EVIDENCE_VAULT_PASSPHRASE"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: its terminal is the pty
        os.chdir(ROOT)
        os.execve(argv[0], argv, env)
    output, answered = b"", False
    while True:
        ready, _w, _x = select.select([fd], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
        if not answered and b"passphrase:" in output.lower():
            os.write(fd, answer.encode() + b"\n")
            answered = True
    _pid, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def test_verify_package_asks_for_the_passphrase_at_a_terminal(sealed):
    code, output = at_a_terminal(
        [sys.executable, "-m", "vault", "verify-package", str(sealed)], PACKAGE_PASSPHRASE
    )
    assert code == 0 and "VALID" in output, output


def test_a_short_package_passphrase_is_refused(tmp_path):
    with new_case(tmp_path) as case, pytest.raises(WeakPassphrase):
        export(case, tmp_path / "p.zip.age", encrypt_passphrase="short")
    short = tmp_path / "short.txt"
    short.write_text("eleven char")
    done = run_cli("export", tmp_path / "case.evault", tmp_path / "q.zip.age",
                   "--encrypt-passphrase-file", short)  # fmt: skip
    assert done.returncode == 2 and "at least 12 characters" in done.stderr
    assert not list(tmp_path.glob("*.zip.age")) and not list(tmp_path.glob(".*partial*"))


# --- missing folders, private outputs -------------------------------------------------------


def test_a_missing_output_folder_exits_2_with_a_message(tmp_path):
    new_case(tmp_path).close()
    for args in (("export", tmp_path / "case.evault", tmp_path / "gone" / "p.zip"),
                 ("report", tmp_path / "case.evault", tmp_path / "gone" / "r.pdf")):  # fmt: skip
        done = run_cli(*args)
        assert done.returncode == 2, done.stderr
        assert "There is no folder" in done.stderr and "Traceback" not in done.stderr


def test_packages_and_reports_are_readable_by_their_owner_only(tmp_path):
    (tmp_path / "photo.txt").write_bytes(b"evidence")
    old = os.umask(0o022)  # a common default that would make them world-readable
    try:
        with new_case(tmp_path) as case:
            import_paths(case, [tmp_path / "photo.txt"])
            export(case, tmp_path / "folder-package")
            export(case, tmp_path / "p.zip")
            export(case, tmp_path / "p.zip.age", encrypt_passphrase=PACKAGE_PASSPHRASE)
        assert run_cli("report", tmp_path / "case.evault", tmp_path / "r.pdf").returncode == 0
    finally:
        os.umask(old)
    for path in [tmp_path / "p.zip", tmp_path / "p.zip.age", tmp_path / "r.pdf",
                 *(tmp_path / "folder-package").rglob("*")]:  # fmt: skip
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    assert stat.S_IMODE((tmp_path / "folder-package").stat().st_mode) == 0o700


# --- evidence strings on the terminal -------------------------------------------------------


def test_the_one_rule_escapes_for_terminals_and_drops_for_labels():
    assert shown(HOSTILE) == ("IMG\\u001b[2J\\u001b]0;owned\\u0007\\u202egpj.exe\\u0085\\u009b31m")
    assert stripped(HOSTILE) == "IMG[2J]0;ownedgpj.exe31m"
    assert shown("Свідок: утримували 46 днів.") == "Свідок: утримували 46 днів."
    text = json_safe(json.dumps({"name": HOSTILE + "\U000f0001"}, ensure_ascii=False))
    assert json.loads(text) == {"name": HOSTILE + "\U000f0001"}
    assert all(ch.isprintable() for ch in text)


def test_hostile_names_and_fields_are_shown_escaped_on_the_terminal(tmp_path):
    card = tmp_path / "card"
    card.mkdir()
    (card / (HOSTILE + ".jpg")).write_bytes(b"not really a photo")
    case_path = tmp_path / "case.evault"
    assert run_cli("init", case_path, "--title", "Case " + HOSTILE).returncode == 0
    outputs = [
        run_cli("import", case_path, card),
        run_cli("items", case_path),
        run_cli("items", case_path, "--json"),
        run_cli("log", case_path, "--json"),
    ]
    assert run_cli("export", case_path, tmp_path / "p.zip").returncode == 0
    outputs.append(run_cli("verify-package", tmp_path / "p.zip"))
    for done in outputs:
        assert done.returncode == 0, done.stderr
        for text in (done.stdout, done.stderr):
            assert not any(ch in text for ch in "\x1b\x07\x85\x9b\u202e"), text
    assert "\\u001b[2J" in outputs[0].stdout  # the name is there, visibly escaped
    assert "Case IMG\\u001b[2J" in outputs[-1].stdout
    assert json.loads(outputs[2].stdout)[0]["original_name"] == HOSTILE + ".jpg"


# --- permissions: as another user, since root ignores them ---------------------------------


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder the other user owns, outside pytest's root-only temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="ev-perm-", dir="/tmp"))
    os.chmod(folder, 0o755)
    yield folder
    subprocess.run(["chmod", "-R", "u+rwx", folder], check=False)
    shutil.rmtree(folder, ignore_errors=True)


def other_user() -> tuple[list[str], int, int]:
    """(command prefix, uid, gid) to run as someone permissions apply to."""
    if os.geteuid() != 0:
        return [], os.getuid(), os.getgid()
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is needed to drop root for a permission test")
    nobody = pwd.getpwnam("nobody")
    prefix = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}",
              "--clear-groups"]  # fmt: skip
    return prefix, nobody.pw_uid, nobody.pw_gid


def run_as_other(folder: Path, *args: object) -> subprocess.CompletedProcess:
    prefix, _uid, _gid = other_user()
    home = folder / "home"  # the other user's own, like the isolated one every test gets
    # Unmeasured: the other user cannot write coverage's data files, which belong to root.
    inherited = {k: v for k, v in os.environ.items() if k != "COVERAGE_PROCESS_CONFIG"}
    env = {**inherited, "EVIDENCE_VAULT_PASSPHRASE": PASSPHRASE, "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local"),
           "XDG_CACHE_HOME": str(home / ".cache"), "PYTHONDONTWRITEBYTECODE": "1"}  # fmt: skip
    argv = [*prefix, sys.executable, "-m", "vault", *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


def give(path: Path) -> None:
    _prefix, uid, gid = other_user()
    (path / "home").mkdir(exist_ok=True)
    for p in [path, *path.rglob("*")]:
        os.chown(p, uid, gid)


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_a_read_only_case_verifies_without_writing(shared_folder, read_only):
    new_case(shared_folder).close()
    case_path = shared_folder / "case.evault"
    give(shared_folder)
    (case_path if read_only == "file" else shared_folder).chmod(0o555)
    before = case_path.read_bytes()
    done = run_as_other(shared_folder, "verify", case_path)
    assert done.returncode == 0, done.stderr
    assert "VERIFIED" in done.stdout
    assert "no case.verify entry could be recorded" in done.stderr
    assert case_path.read_bytes() == before
    shared_folder.chmod(0o755)


def test_an_unreadable_case_exits_2_with_a_message(shared_folder):
    new_case(shared_folder).close()
    case_path = shared_folder / "case.evault"
    give(shared_folder)
    case_path.chmod(0o000)
    done = run_as_other(shared_folder, "verify", case_path)
    assert done.returncode == 2
    assert "Cannot read the case file" in done.stderr and "Traceback" not in done.stderr


def test_an_unreadable_subfolder_is_a_named_failure_of_the_import(shared_folder):
    new_case(shared_folder).close()
    card = shared_folder / "card"
    (card / "locked").mkdir(parents=True)
    (card / "open.txt").write_bytes(b"readable")
    (card / "locked" / "hidden.txt").write_bytes(b"behind a locked door")
    give(shared_folder)
    (card / "locked").chmod(0o000)
    done = run_as_other(shared_folder, "import", shared_folder / "case.evault", card)
    assert done.returncode == 1, done.stderr
    assert f"not imported: {card / 'locked'}: folder not readable" in done.stderr
    assert "1 imported, 0 duplicates, 1 failed" in done.stderr
