"""Ctrl+C in the terminal ends the desktop app cleanly: the app runs as a user starts it
(a separate process, offscreen or under xvfb-run), gets SIGINT once its event loop runs,
and exits with the shell's code for "interrupted" (130) and no traceback."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

# The app as `main.py` starts it, plus one line on stdout once the event loop runs, so
# the test knows when a user's Ctrl+C would reach a running window.
LAUNCH = """
import os
import ui.app
from PySide6.QtCore import QTimer
build = ui.app.build_main_window
def announced(*args, **kwargs):
    window = build(*args, **kwargs)
    QTimer.singleShot(0, lambda: print("running", os.getpid(), flush=True))
    return window
ui.app.build_main_window = announced
raise SystemExit(ui.app.main([]))
"""


def run_and_interrupt(
    command: list[str], env: dict[str, str], *, app_only: bool = False
) -> tuple[int, str]:
    """Start `command`, wait for the app's event loop, send SIGINT to the whole process
    group as a terminal's Ctrl+C does (or, `app_only`, to the app as `kill -INT` does)."""
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        word, pid = proc.stdout.readline().split()
        assert word == "running"
        if app_only:
            os.kill(int(pid), signal.SIGINT)
        else:
            os.killpg(proc.pid, signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode, err


def test_ctrl_c_ends_the_offscreen_app_without_a_traceback(isolated_settings):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}  # HOME is the isolated one
    code, err = run_and_interrupt([sys.executable, "-c", LAUNCH], env)
    assert code == 128 + signal.SIGINT, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def x11_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("DISPLAY", None)
    return env


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_sigint_ends_the_app_on_a_real_x_screen_under_xvfb_run(isolated_settings):
    command = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable, "-c", LAUNCH]
    code, err = run_and_interrupt(command, x11_env(), app_only=True)
    assert code == 128 + signal.SIGINT, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed")
def test_ctrl_c_ends_the_app_that_make_run_starts_without_a_display(isolated_settings):
    """`make run` with no display: Ctrl+C reaches the app and its wrapper, not the X server."""
    command = [sys.executable, "-m", "tools.xvfb_app", "--", sys.executable, "-c", LAUNCH]
    code, err = run_and_interrupt(command, x11_env())
    assert code == 128 + signal.SIGINT, err
    assert "Traceback" not in err and "X11 connection broke" not in err
