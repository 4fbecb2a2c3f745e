"""The `evidence-vault` entry point: no argument opens the desktop app, anything else is the
command line. It lives outside `vault/` so that the core never reaches for Qt."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Start the desktop app when there is no argument, else run the CLI."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        from ui.app import main as run_app

        return run_app([])
    from vault.cli.main import main as run_cli

    return run_cli(argv)
