"""What differs between Linux, macOS and Windows lives in `vault.platform` only: the case
file's writer lock (through portalocker), the metadata worker's memory cap, peak memory."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.case import PASSPHRASE, ROOT, new_case
from vault import platform
from vault.case.handle import Case
from vault.errors import CaseInUse

POSIX_ONLY = {"fcntl", "resource", "msvcrt", "termios", "pwd", "grp"}
# Every Python file that ships or runs on a user's or developer's machine.
CODE = ("vault", "ui", "bench", "tools", "main.py")


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_platform_module_imports_system_specific_modules() -> None:
    files = [
        p for c in CODE for p in ([ROOT / c] if c.endswith(".py") else (ROOT / c).rglob("*.py"))
    ]
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_modules(path) & POSIX_ONLY)
        for path in files
        if path != ROOT / "vault" / "platform.py" and _imported_modules(path) & POSIX_ONLY
    }
    assert not offenders, f"move these calls into vault/platform.py: {offenders}"


def test_a_case_open_here_is_refused_to_a_second_opener(tmp_path: Path) -> None:
    with new_case(tmp_path), pytest.raises(CaseInUse, match="open in another window"):
        Case.open(tmp_path / "case.evault", PASSPHRASE)
    Case.open(tmp_path / "case.evault", PASSPHRASE).close()  # closing released the lock


def test_the_lock_leaves_no_file_beside_the_case(tmp_path: Path) -> None:
    new_case(tmp_path).close()
    lock = platform.try_lock(tmp_path / "case.evault")
    assert lock is not None and platform.try_lock(tmp_path / "case.evault") is None
    lock.release()
    lock.release()  # twice is harmless
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.evault"]


def _in_child(code: str) -> str:
    # A fresh interpreter: a memory cap cannot be lifted again, and peaks only ever grow.
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux enforces RLIMIT_AS")
def test_the_metadata_worker_memory_cap_is_enforced_on_linux() -> None:
    code = (
        "from vault import platform\n"
        "assert platform.limit_memory(512 * 2**20)\n"
        "try:\n    bytearray(1024 * 2**20)\nexcept MemoryError:\n    print('refused')\n"
    )
    assert _in_child(code) == "refused"


def test_peak_memory_is_counted_in_mebibytes() -> None:
    # A grandchild holds 200 MiB; counted in the wrong unit the figure would be 1024 times off.
    # (A process's own peak starts at its parent's size on Linux, so only children are exact.)
    hold = "bytearray(b'x') * (200 * 2**20)"  # every page written, so resident
    code = (
        "import subprocess, sys\n"
        "from vault import platform\n"
        f"subprocess.run([sys.executable, '-c', {hold!r}], check=True)\n"
        "print(platform.peak_rss_mib(children=True), platform.peak_rss_mib())\n"
    )
    children, own = map(float, _in_child(code).split())
    assert 200 < children < 800 and 5 < own < 8000


@pytest.mark.parametrize("one_syncfs", [True, False], ids=["syncfs", "fsync each"])
def test_a_written_folder_is_flushed_to_disk_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_syncfs: bool
) -> None:
    """flush_tree syncs the whole file system at once on Linux, and otherwise (or when
    libc lacks syncfs) each file and folder in turn; both leave every file as written."""
    if not one_syncfs:
        monkeypatch.setattr(platform, "_syncfs", lambda folder: False)
    (tmp_path / "data" / "originals").mkdir(parents=True)
    (tmp_path / "data" / "originals" / "a.jpg").write_bytes(b"\xff\xd8 photo")
    (tmp_path / "bagit.txt").write_text("BagIt-Version: 1.0\n")
    platform.flush_tree(tmp_path)
    assert (tmp_path / "data" / "originals" / "a.jpg").read_bytes() == b"\xff\xd8 photo"


def test_flushing_a_folder_that_is_gone_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        platform.flush_tree(tmp_path / "gone")
