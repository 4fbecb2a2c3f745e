"""Secrets: a marker in the passphrase, note text, file content and file names never shows
up in logs, user-facing messages, temp files, Qt settings or the raw case file; and no
process of the app (the CLI, its metadata worker, the desktop app) touches the network.

Every flow runs in real subprocesses with TMPDIR, HOME and the XDG dirs pointed at fresh
folders. A `sitecustomize` on PYTHONPATH makes every Python process of the app (including
the spawned metadata worker) log at DEBUG to a file and record socket audit events.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.case import ROOT

PASS = "PASS-MARKER-7f3a correct horse"
NOTE = "NOTE-MARKER-b81c the witness was held 46 days"
CONTENT = b"CONTENT-MARKER-5d2e"
NAME = "NAME-MARKER-9e04.jpg"
SECRET_MARKERS = ("PASS-MARKER", "NOTE-MARKER", "CONTENT-MARKER")
ALL_MARKERS = (*SECRET_MARKERS, "NAME-MARKER")
NETWORK_EVENTS = (
    "socket.connect", "socket.connect_ex", "socket.sendto", "socket.sendmsg", "socket.bind",
    "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
    "socket.gethostbyaddr", "socket.getnameinfo",
)  # fmt: skip

SITECUSTOMIZE = f"""
import logging, os, socket, sys
_out = os.environ["EV_PROBE_DIR"]
logging.basicConfig(level=logging.DEBUG, force=True,
                    filename=os.path.join(_out, f"log-{{os.getpid()}}.txt"))
def _hook(event, args):
    if event in {NETWORK_EVENTS!r}:
        if args and isinstance(args[0], socket.socket) and args[0].family == socket.AF_UNIX:
            return
        with open(os.path.join(_out, f"net-{{os.getpid()}}.txt"), "a") as f:
            f.write(f"{{event}} {{args[1:]!r}}\\n")
sys.addaudithook(_hook)
"""


class Sandbox:
    """Fresh TMPDIR, HOME and XDG dirs, and a probe dir for logs and network events."""

    def __init__(self, base: Path) -> None:
        self.base = base
        for sub in ("tmp", "home/.config", "home/.cache", "home/.local/share", "probe", "site",
                    "inputs", "work"):  # fmt: skip
            (base / sub).mkdir(parents=True)
        (base / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE)
        self.outputs: list[tuple[list[str], str]] = []

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_VAULT", "XDG"))}
        home = self.base / "home"
        env.update(TMPDIR=str(self.base / "tmp"), HOME=str(home), EV_PROBE_DIR=str(
            self.base / "probe"), PYTHONPATH=os.pathsep.join([str(self.base / "site"), str(ROOT)]),
            XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"),
            XDG_DATA_HOME=str(home / ".local/share"), QT_QPA_PLATFORM="offscreen")  # fmt: skip
        return env

    def run(self, *args: object, code: str | None = None, ok: bool = True) -> str:
        argv = [sys.executable, "-c", code] if code else [sys.executable, "-m", "vault"]
        done = subprocess.run([*argv, *map(str, args)], capture_output=True, text=True,
                              env=self.env(), cwd=self.base / "work", timeout=300)  # fmt: skip
        shown = done.stdout + done.stderr
        assert (done.returncode == 0) == ok, shown
        self.outputs.append(([str(a) for a in args], shown))
        return shown

    def files_under(self, *subs: str) -> list[Path]:
        return [p for s in subs for p in (self.base / s).rglob("*") if p.is_file()]

    def network_events(self) -> list[str]:
        return [line for p in (self.base / "probe").glob("net-*.txt") for line in
                p.read_text().splitlines()]  # fmt: skip


def markers_in(data: bytes, markers: tuple[str, ...]) -> list[str]:
    return [m for m in markers if m.encode() in data or m.encode("utf-16-le") in data]


@pytest.fixture
def sandbox(tmp_path) -> Sandbox:
    box = Sandbox(tmp_path)
    inputs = tmp_path / "inputs"
    (inputs / "pass.txt").write_text(PASS + "\n")
    (inputs / "wrong.txt").write_text("PASS-MARKER-wrong guess\n")
    (inputs / "package-pass.txt").write_text(PASS + " for the package\n")
    card = inputs / "card"
    card.mkdir()
    (card / NAME).write_bytes(b"\xff\xd8\xff\xe0" + CONTENT * 50 + b"\xff\xd9")
    (card / "plain.txt").write_bytes(CONTENT + b" typed by the witness\n")
    return box


def run_cli_flow(box: Sandbox) -> Path:
    """init, import, note, items, log, verify, export (zip, zip.age), verify-package;
    a wrong passphrase; errors that could echo a secret."""
    pw = ("--passphrase-file", box.base / "inputs" / "pass.txt")
    case = box.base / "work" / "case.evault"
    box.run("init", case, "--title", "Secrets test", "--investigator", "Olena K.", *pw)
    box.run("import", case, box.base / "inputs" / "card", *pw)
    box.run("note", case, NOTE, *pw)
    box.run("note", case, NOTE, "--item", "no-such-item", *pw, ok=False)
    for args in (("items", case), ("items", case, "--json"), ("log", case),
                 ("log", case, "--json"), ("verify", case)):  # fmt: skip
        box.run(*args, *pw)
    box.run("verify", case, "--passphrase-file", box.base / "inputs" / "wrong.txt", ok=False)
    box.run("export", case, box.base / "work" / "out.zip", *pw)
    box.run("export", case, box.base / "work" / "out.zip.age", *pw,
            "--encrypt-passphrase-file", box.base / "inputs" / "package-pass.txt")  # fmt: skip
    box.run("verify-package", box.base / "work" / "out.zip")
    return case


def test_no_secret_reaches_logs_messages_temp_files_or_the_case_bytes(sandbox):
    case = run_cli_flow(sandbox)
    for args, shown in sandbox.outputs:
        assert not markers_in(shown.encode(), SECRET_MARKERS), (args, shown)
        if args[0] not in ("import", "items", "log", "verify-package"):  # these list names
            assert "NAME-MARKER" not in shown, (args, shown)
    logs = sandbox.files_under("probe")
    assert any(p.name.startswith("log-") for p in logs), "the logging capture did not run"
    for path in logs + sandbox.files_under("tmp", "home"):
        assert not markers_in(path.read_bytes(), ALL_MARKERS), path
    for path in [case, case.with_name("out.zip.age")]:
        assert not markers_in(path.read_bytes(), ALL_MARKERS), path
    leftovers = [p.name for p in case.parent.iterdir()]
    assert sorted(leftovers) == ["case.evault", "out.zip", "out.zip.age"]


def test_the_desktop_app_keeps_no_secret_in_its_settings(sandbox):
    case = run_cli_flow(sandbox)
    script = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from ui.main_window import MainWindow
from ui.settings import AppSettings
window = MainWindow(AppSettings(), retry_base_ms=0)
dialog = window.open_case(Path(sys.argv[1]))
dialog.passphrase.setText("PASS-MARKER-wrong in the dialog")
dialog.open_button.click()
dialog.passphrase.setText(sys.argv[2])
dialog.open_button.click()
app.processEvents()
assert window.session is not None, dialog.message.text()
window.settings.set_language("uk")
window.close()
app.processEvents()
"""
    sandbox.run(case, PASS, code=script)
    config = sandbox.files_under("home")
    assert config, "the desktop app wrote no settings: the scan would prove nothing"
    for path in config + sandbox.files_under("tmp", "probe"):
        assert not markers_in(path.read_bytes(), ALL_MARKERS), path


def test_no_process_of_the_app_touches_the_network(sandbox):
    run_cli_flow(sandbox)
    assert sandbox.network_events() == []


def test_the_network_probe_would_see_a_lookup(sandbox):
    """The control for the test above: the same harness does record a lookup."""
    sandbox.run(code="import socket; socket.getaddrinfo('localhost', 80)")
    assert any(e.startswith("socket.getaddrinfo") for e in sandbox.network_events())
