"""Run a command (by default the desktop app) on a virtual screen, so that Ctrl+C in the
terminal ends the app cleanly: `python -m tools.xvfb_app [-- command...]` (`make run`
without a display).

Plain `xvfb-run` starts Xvfb in the terminal's process group, so Ctrl+C reaches the X
server too; it dies at once and the app loses its screen mid-shutdown ("The X11
connection broke"). Here Xvfb runs in its own session, out of Ctrl+C's reach; only the
app gets the signal, closes its case and exits, and then the server is stopped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence

SCREEN = "1280x800x24"
APP = [sys.executable, "main.py"]


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb on the first free display (it tells which through `-displayfd`)."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_fd,), start_new_session=True, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write_fd)
    with os.fdopen(read_fd) as answer:
        display = answer.readline().strip()
    if not display:
        server.wait()
        raise SystemExit("Xvfb did not start (is the xvfb package installed?)")
    return server, f":{display}"


def main(argv: Sequence[str]) -> int:
    command = list(argv[1:] if argv[:1] == ["--"] else argv) or APP
    server, display = start_xvfb()
    # Ctrl+C reaches this process as well as the app: let the app decide, then clean up.
    signal.signal(signal.SIGINT, lambda *_: None)
    try:
        return subprocess.call(command, env={**os.environ, "DISPLAY": display})
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
