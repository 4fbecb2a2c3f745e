"""Shared test set-up: offscreen Qt, isolated settings, no network, the shared fixtures.

Fixture names taken here: `corpus`, `vectors`, `isolated_settings` (autouse).
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.network import LOOPBACK_ALLOWED
from tests.helpers.tsa import LoopbackTsa

# Before any Qt import: without a display Qt would abort the whole process (SIGABRT).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EVIDENCE_VAULT_SHARED", ROOT.parent / "shared"))

# Calls that reach a peer address; AF_UNIX ones stay local (multiprocessing uses them).
_SOCKET_EVENTS = frozenset(
    {"socket.connect", "socket.connect_ex", "socket.sendto", "socket.sendmsg"}
)


def _refuse_network(event: str, args: tuple) -> None:
    """Audit hook: the app must never talk to a network, so any attempt fails the test.

    The one exception: an exact 127.0.0.1 address that a loopback time-stamping service
    started by a test has registered (tests/helpers/tsa.py), for that test's duration only."""
    if event in _SOCKET_EVENTS and args[0].family != socket.AF_UNIX:
        if event == "socket.connect" and args[1] in LOOPBACK_ALLOWED:
            return
        raise RuntimeError(f"network access refused in tests: {event} to {args[1]!r}")


# Audit hooks cannot be removed; the flag keeps a re-imported conftest from stacking them.
if not getattr(sys, "_evidence_vault_network_hook", False):
    sys.addaudithook(_refuse_network)
    sys._evidence_vault_network_hook = True


def _shared_dir(name: str) -> Path:
    path = SHARED / name
    if not path.is_dir():
        pytest.fail(f"{path} is missing: the shared test data must sit beside the repo")
    return path


@pytest.fixture(scope="session")
def corpus() -> Path:
    """../shared/corpus, read in place: never copy or write into it."""
    return _shared_dir("corpus")


@pytest.fixture(scope="session")
def vectors() -> Path:
    """../shared/vectors: packages from an independent implementation, read in place."""
    return _shared_dir("vectors")


@pytest.fixture(scope="module")
def tsa_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackTsa]:
    """A real RFC 3161 service on 127.0.0.1 (tests/helpers/tsa.py), one per test module that
    asks for it; its address alone passes the network hook, and only while it runs."""
    service = LoopbackTsa(tmp_path_factory.mktemp("tsa"))
    with service.running():
        yield service


@pytest.fixture(autouse=True)
def isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point HOME and the XDG dirs at a fresh folder so no test sees the user's own data."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        (home / sub).mkdir(parents=True)
        monkeypatch.setenv(var, str(home / sub))
    # A passphrase from the developer's shell must never leak into a test.
    monkeypatch.delenv("EVIDENCE_VAULT_PASSPHRASE", raising=False)
    return home
