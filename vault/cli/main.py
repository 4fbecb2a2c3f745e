"""The `evidence-vault` command (DESIGN §6): the same core functions the desktop app calls.

Exit codes: 0 success or valid, 1 verification failed (findings printed), 2 usage error or
cannot open (wrong passphrase, not a case file).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vault.case.handle import Case
from vault.case.unlock import open_with_retries
from vault.errors import InvalidInput, VaultError
from vault.i18n import _

PASSPHRASE_ENV = "EVIDENCE_VAULT_PASSPHRASE"
Handler = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Handler]] = {}


def command(
    name: str, configure: Callable[[argparse.ArgumentParser], None]
) -> Callable[[Handler], Handler]:
    """Register a subcommand: `configure` adds its arguments, the function runs it."""

    def register(handler: Handler) -> Handler:
        COMMANDS[name] = (configure, handler)
        return handler

    return register


def read_passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    """--passphrase-file, then $EVIDENCE_VAULT_PASSPHRASE, then a prompt on the terminal."""
    if getattr(args, "passphrase_file", None):
        try:
            return Path(args.passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as err:
            message = _("Cannot read the passphrase file: {e}").format(e=err.strerror)
            raise InvalidInput(message) from None
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        raise InvalidInput(
            _("No passphrase: use --passphrase-file or set {env}.").format(env=PASSPHRASE_ENV)
        )
    passphrase = getpass.getpass(_("Passphrase: "))
    if confirm and getpass.getpass(_("Passphrase again: ")) != passphrase:
        raise InvalidInput(_("The two passphrases differ."))
    return passphrase


PROMPT_TRIES = 3


def open_case(args: argparse.Namespace) -> Case:
    """Open the case. At a terminal prompt a wrong passphrase may be typed again, up to
    PROMPT_TRIES times, each further try slowed by the core's UnlockThrottle."""
    prompted = not getattr(args, "passphrase_file", None) and not os.environ.get(PASSPHRASE_ENV)
    case = open_with_retries(
        args.case, lambda: read_passphrase(args), PROMPT_TRIES if prompted else 1,
        getattr(args, "actor", None), on_wrong=_tell_wrong_passphrase,
    )  # fmt: skip
    if case.witness_finding:  # DESIGN §8: said on every open, before anything else
        print(f"evidence-vault: error: {case.witness_finding}", file=sys.stderr, flush=True)
    return case


def _tell_wrong_passphrase(err: VaultError, delay: float) -> None:
    wait = _("You can try again in {s} seconds.").format(s=-(-int(delay * 1000) // 1000))
    print(f"evidence-vault: {err}" + (" " + wait if delay else ""), file=sys.stderr, flush=True)


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _case_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("case", type=Path, help=_("the case file (.evault)"))
    parser.add_argument("--actor", help=_("act as this investigator (name or fingerprint)"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evidence-vault",
        description=_("Evidence Vault: encrypted case files with a signed chain of custody."),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (configure, _handler) in COMMANDS.items():
        p = sub.add_parser(name)
        configure(p)
        p.add_argument("--passphrase-file", metavar="FILE", help=_("read the passphrase from FILE"))
    return parser


def _load_commands() -> None:
    # Each module registers its own subcommands; importing them is what wires them in.
    import vault.cli.anchors
    import vault.cli.case
    import vault.cli.package
    import vault.cli.report  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    """Run the command line (the desktop app is started by the entry point, not here)."""
    argv = sys.argv[1:] if argv is None else argv
    _load_commands()
    args = build_parser().parse_args(argv)
    if not args.command:
        build_parser().print_help()
        return 2
    try:
        return COMMANDS[args.command][1](args)
    except VaultError as err:
        print(f"evidence-vault: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print(_("evidence-vault: interrupted; nothing half-done was kept."), file=sys.stderr)
        return 130
