"""Each command loads only what it uses (issue 17): `--help` and `items` must not pay for
the PDF, image, EXIF and time-stamp libraries at start-up. Checked by what a fresh
interpreter has imported after running the command (sys.modules), not by a stopwatch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.case import PASSPHRASE, ROOT, new_case

# What only some commands need: reports, images and EXIF, RFC 3161 tokens, X.509.
HEAVY = ("reportlab", "PIL", "exifread", "rfc3161_client", "cryptography.x509")
# What a command that never opens a case needs none of.
CASE_ONLY = ("sqlcipher3", "cryptography", "portalocker", "rfc8785")
# Standard-library modules that cost milliseconds each and only some work needs: shipped
# files (read through importlib.resources only when a translation or font is), temporary
# files, hashing, archives, dates.
STDLIB_ON_DEMAND = ("importlib.resources", "tempfile", "hashlib", "zipfile", "sqlite3", "uuid",
                    "datetime", "ctypes", "subprocess", "multiprocessing")  # fmt: skip
# What listing items shows comes from the signed log and the rows it signed: it needs none of
# the metadata and media readers, the provenance readers, the custody-hands walk (--json),
# PEM and SSH key formats, thread pools and logging, random tokens.
NOT_FOR_LISTING = ("av", "pymediainfo", "c2pa", "vault.evidence.metadata", "vault.provenance.c2pa",
                   "vault.custody.hands", "cryptography.hazmat.primitives.serialization",
                   "concurrent.futures", "logging", "decimal", "secrets")  # fmt: skip
# The command line and the core that opening a case loads: while they load, the key
# derivation (by design the slowest part of `items`) is already running on the other core.
CORE = ("argparse", "vault.cli.main", "sqlcipher3", "vault.case.handle", "vault.custody.entry",
        "vault.evidence.items")  # fmt: skip
# Of the app's own modules, `--help` needs the command line and the few it names.
HELP_CORE = {"vault", "vault.assets", "vault.errors", "vault.i18n", "vault.text",
             "vault.evidence", "vault.evidence.fields"}  # fmt: skip


def _loaded_after(*argv: str) -> set[str]:
    """The modules a fresh interpreter holds after `evidence-vault ARGV`."""
    return set(_in_child("print(json.dumps(sorted(sys.modules)))\n", *argv))


def _in_child(after: str, *argv: str, before: str = "", passphrase_env: bool = True) -> Any:
    """Run `evidence-vault ARGV` (its entry point) in a fresh interpreter between the code
    `before` and `after` (which prints one JSON value, returned)."""
    code = (
        "import contextlib, io, json, sys\n" + before + "from ui.entry import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(sys.argv[1:])\n"
        "    except SystemExit:\n"
        "        pass\n" + after
    )
    # Under `make test` coverage follows subprocesses and would start in this one too,
    # loading its own modules (datetime, multiprocessing...) before the command runs.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_PROCESS")}
    env.pop("EVIDENCE_VAULT_PASSPHRASE", None)
    if passphrase_env:
        env["EVIDENCE_VAULT_PASSPHRASE"] = PASSPHRASE
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                          cwd=ROOT, env=env, check=True, timeout=120)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def _among(loaded: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in loaded if any(m == n or m.startswith(n + ".") for n in names))


def test_help_loads_no_heavy_library_and_opens_no_case() -> None:
    loaded = _loaded_after("--help")
    assert "vault.cli.case" in loaded, "every command's options were built"
    assert _among(loaded, HEAVY + CASE_ONLY) == []


def test_help_loads_only_the_command_line_and_no_costly_standard_module() -> None:
    loaded = _loaded_after("--help")
    own = {m for m in loaded if m == "vault" or m.startswith("vault.")}
    assert own - HELP_CORE == {m for m in own if m.startswith("vault.cli")}
    assert _among(loaded, STDLIB_ON_DEMAND) == []


def _listing_loads(folder: Path, *options: str) -> set[str]:
    with new_case(folder):
        pass
    return _loaded_after("items", *options, str(folder / "case.evault"))


def test_listing_items_loads_only_what_it_shows(tmp_path: Path) -> None:
    loaded = _listing_loads(tmp_path)
    assert "vault.evidence.items" in loaded, "the items were listed"
    assert _among(loaded, HEAVY + NOT_FOR_LISTING) == []


def test_listing_items_as_json_loads_the_hands_it_shows(tmp_path: Path) -> None:
    """The same check sees what `--json` adds: each item's custody hands; checking the
    lineages they walk starts no metadata worker and no process pool."""
    loaded = _listing_loads(tmp_path, "--json")
    assert "vault.custody.hands" in _among(loaded, NOT_FOR_LISTING)
    assert _among(loaded, (*HEAVY, "multiprocessing", "vault.evidence.probe")) == []


def _loaded_once_the_key_is_ready(*argv: str) -> list[str]:
    """The modules `evidence-vault ARGV` imported after the open had the case's key."""
    at_key = (
        "import vault.case.header as header\n"
        "derive, at_key = header.derive_key, set()\n"
        "def derive_key(*args):\n"
        "    key = derive(*args)\n"
        "    at_key.update(sys.modules)\n"
        "    return key\n"
        "header.derive_key = derive_key\n"
    )
    printed = "print(json.dumps(sorted(set(sys.modules) - at_key)))\n"
    loaded: list[str] = _in_child(printed, *argv, before=at_key)
    return loaded


@pytest.mark.parametrize("options", [(), ("--json",)])
def test_listing_loads_everything_it_needs_while_the_key_derives(
    tmp_path: Path, options: tuple[str, ...]
) -> None:
    """Once the key is ready, the rest of `items` is the critical path: a module first
    imported then would be waited for, where it could have loaded beside the derivation."""
    with new_case(tmp_path):
        pass
    assert _loaded_once_the_key_is_ready("items", *options, str(tmp_path / "case.evault")) == []


def _threads_started(*argv: str, passphrase_env: bool = True) -> dict[str, list[str]]:
    """Each thread `evidence-vault ARGV` started, with the modules of CORE already loaded
    when it started (a trace function sees each thread's first call)."""
    at_start = (
        "import threading\n"
        "seen = {}\n"
        "def first_call(frame, event, arg):\n"
        f"    seen.setdefault(threading.current_thread().name, [m for m in {CORE!r}"
        " if m in sys.modules])\n"
        "threading.settrace(first_call)\n"
    )
    printed = "print(json.dumps(seen))\n"
    started: dict[str, list[str]] = _in_child(
        printed, *argv, before=at_start, passphrase_env=passphrase_env
    )
    return started


def test_the_key_derives_while_the_core_loads(tmp_path: Path) -> None:
    """`items` starts the key derivation in a thread before it imports the command line and
    the core, which load on this core meanwhile."""
    with new_case(tmp_path):
        pass
    assert _threads_started("items", str(tmp_path / "case.evault")) == {"case-key-derivation": []}


def test_the_key_derives_early_with_a_passphrase_file_too(tmp_path: Path) -> None:
    with new_case(tmp_path):
        pass
    (tmp_path / "secret").write_text(PASSPHRASE + "\n", encoding="utf-8")
    started = _threads_started("items", str(tmp_path / "case.evault"), "--passphrase-file",
                               str(tmp_path / "secret"), passphrase_env=False)  # fmt: skip
    assert started == {"case-key-derivation": []}


def test_nothing_derives_early_for_what_is_not_a_case_file(tmp_path: Path) -> None:
    """`verify-package PACKAGE` names a package, not a case: no key is derived for it."""
    (tmp_path / "package.zip").write_bytes(b"PK\x03\x04" + bytes(4092))
    assert _threads_started("verify-package", str(tmp_path / "package.zip")) == {}


@pytest.mark.skipif(sys.platform == "win32", reason="Windows locks through portalocker")
def test_opening_a_case_reads_no_package_metadata(tmp_path: Path) -> None:
    """The case lock is flock() itself: portalocker would read its own package metadata
    (importlib.metadata, email) on every start."""
    with new_case(tmp_path):
        pass
    loaded = _loaded_after("items", str(tmp_path / "case.evault"))
    assert _among(loaded, ("portalocker", "importlib.metadata", "email")) == []


def test_the_check_sees_a_heavy_library_a_command_loads(tmp_path: Path) -> None:
    """The same check on `verify`, which loads the trusted time-stamping roots (X.509
    certificates): it does see them."""
    with new_case(tmp_path):
        pass
    loaded = _loaded_after("verify", str(tmp_path / "case.evault"))
    assert "cryptography.x509" in _among(loaded, HEAVY)
