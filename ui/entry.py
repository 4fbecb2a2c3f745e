"""The `evidence-vault` entry point: no argument opens the desktop app, anything else is the
command line. It lives outside `vault/` so that the core never reaches for Qt.

`evidence-vault --smoke-test` starts the desktop app, prints what it shows and quits (see
`ui.app.main`); the one-folder build is checked with it.
"""

from __future__ import annotations

import sys

SMOKE_TEST = "--smoke-test"


def main(argv: list[str] | None = None) -> int:
    """Start the desktop app when there is no argument, else run the CLI."""
    # In the frozen app the metadata worker is this same executable started by multiprocessing
    # ("spawn"); this turns such a start into the worker. Elsewhere it does nothing, so the
    # 10 ms of importing multiprocessing is paid only there (issue 17: start-up).
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv == [SMOKE_TEST]:
        from ui.app import main as run_app

        return run_app([], smoke_test=bool(argv))
    from vault.cli.early import unlock_early

    unlock_early(argv)  # first: the key derives on the other core while the rest loads
    from vault.cli.main import main as run_cli

    return run_cli(argv)
