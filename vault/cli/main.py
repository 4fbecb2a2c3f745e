"""The `evidence-vault` command (DESIGN §6): the same core functions the desktop app calls.

Exit codes: 0 success or valid, 1 verification failed (findings printed), 2 usage error or
cannot open (wrong passphrase, not a case file, unreadable file, missing folder).

Everything printed goes through `say()` / `print_json()`: strings from evidence pass the one
sanitizer (`vault.text`), so control characters and escape sequences are shown, never acted on.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import vault
from vault.cli.early import PASSPHRASE_ENV as PASSPHRASE_ENV
from vault.cli.early import read_secret_file as read_secret_file
from vault.errors import InvalidInput, VaultError
from vault.i18n import _, ngettext
from vault.text import shown, unsafe

if TYPE_CHECKING:  # each command loads the core it uses when it runs (issue 17: start-up)
    from vault.case.handle import Case

Handler = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Handler, str]] = {}


def command(
    name: str, configure: Callable[[argparse.ArgumentParser], None], summary: str = ""
) -> Callable[[Handler], Handler]:
    """Register a subcommand: `configure` adds its arguments, the function runs it, and
    `summary` is its one line in `evidence-vault --help`."""

    def register(handler: Handler) -> Handler:
        COMMANDS[name] = (configure, handler, summary)
        return handler

    return register


def say(line: object = "", err: bool = False) -> None:
    """Print one line for a person: unsafe characters (from evidence) shown escaped."""
    print(shown(line), file=sys.stderr if err else sys.stdout, flush=err)


def read_passphrase(args: argparse.Namespace, confirm: bool = False) -> str:
    """--passphrase-file, then $EVIDENCE_VAULT_PASSPHRASE, then a prompt on the terminal."""
    if getattr(args, "passphrase_file", None):
        return read_secret_file(args.passphrase_file)
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    return prompt_passphrase(_("Passphrase: "), confirm)


def prompt_passphrase(prompt: str, confirm: bool = False) -> str:
    """Ask at the terminal (twice when `confirm`); an empty answer is refused."""
    if not sys.stdin.isatty():
        raise InvalidInput(
            _("No passphrase: use --passphrase-file or set {env}.").format(env=PASSPHRASE_ENV)
        )
    passphrase = getpass.getpass(prompt)
    if not passphrase:
        raise InvalidInput(_("The passphrase is empty."))
    if confirm and getpass.getpass(_("Passphrase again: ")) != passphrase:
        raise InvalidInput(_("The two passphrases differ."))
    return passphrase


PROMPT_TRIES = 3


def open_case(args: argparse.Namespace) -> Case:
    """Open the case. At a terminal prompt a wrong passphrase may be typed again, up to
    PROMPT_TRIES times, each further try slowed by the core's UnlockThrottle."""
    from vault.case.header import check_case_file, derive_soon

    check_case_file(args.case)  # not a case file: say so before asking for a passphrase
    prompted = not getattr(args, "passphrase_file", None) and not os.environ.get(PASSPHRASE_ENV)
    ask = lambda: read_passphrase(args)  # noqa: E731
    if not prompted:  # known now: the key derives on the other core while the core loads
        passphrase = read_passphrase(args)
        derive_soon(passphrase, args.case)
        ask = lambda: passphrase  # noqa: E731
    from vault.case.unlock import open_with_retries

    case = open_with_retries(
        args.case, ask, tries=PROMPT_TRIES if prompted else 1,
        actor=getattr(args, "actor", None), on_wrong=_tell_wrong_passphrase,
    )  # fmt: skip
    if case.witness_finding:  # DESIGN §8: said on every open, before anything else
        say(f"evidence-vault: error: {case.witness_finding}", err=True)
        args.rolled_back = True  # and the command exits 1, whatever else it does
    return case


def _tell_wrong_passphrase(err: VaultError, delay: float) -> None:
    seconds = -(-int(delay * 1000) // 1000)
    wait = ngettext(
        "You can try again in {n} second.", "You can try again in {n} seconds.", seconds
    ).format(n=seconds)
    say(f"evidence-vault: {err}" + (" " + wait if delay else ""), err=True)


_UNSAFE_IN_JSON = re.compile(r"[^\x20-\x7e\n]")


def json_safe(text: str) -> str:
    """JSON text with every unsafe character written as a JSON escape: still valid JSON
    that parses to the same values, but nothing a terminal would act on."""

    def escape(match: re.Match[str]) -> str:
        ch = match.group()
        return json.dumps(ch)[1:-1] if unsafe(ch) else ch

    return _UNSAFE_IN_JSON.sub(escape, text)


def print_json(value: Any) -> None:
    sys.stdout.write(json_safe(json.dumps(value, ensure_ascii=False, indent=2)) + "\n")


def print_json_array(batches: Iterable[list[Any]]) -> None:
    """`print_json(list)` written a batch at a time, byte for byte the same text: a long
    listing is never held whole, as values or as text (issue 17). Each element is the
    array's one level deeper, so its own indented text with every line indented once more
    (a JSON string never holds a raw line break: json.dumps escapes it)."""
    opened = False
    for batch in batches:
        parts = []
        for value in batch:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            parts.append((",\n  " if opened else "[\n  ") + text)
            opened = True
        sys.stdout.write(json_safe("".join(parts)))
    sys.stdout.write("\n]\n" if opened else "[]\n")


def say_lines(lines: Iterable[object]) -> None:
    """`say()` each line to stdout in one write (a batch of a long listing)."""
    sys.stdout.write("".join(shown(line) + "\n" for line in lines))


def output_path(path: Path) -> Path:
    """Refuse, before any work, an output whose folder does not exist."""
    folder = Path(path).absolute().parent
    if not folder.is_dir():
        raise InvalidInput(_("There is no folder {path}: create it first.").format(path=folder))
    return Path(path)


def _case_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("case", type=Path, help=_("the case file (.evault)"))
    parser.add_argument("--actor", help=_("act as this investigator (name or fingerprint)"))


def add_list_remove(
    parser: argparse.ArgumentParser, dest: str, *, add: str, listing: str, remove: str
) -> argparse.ArgumentParser:
    """The `add NAME …`, `list [--json]` and `remove NAME` subcommands of one of the user's
    named lists (time-stamping services, trust lists), with their help texts; returns the
    `add` parser for the arguments that follow NAME."""
    sub = parser.add_subparsers(dest=dest, metavar="add|list|remove", required=True)
    adding = sub.add_parser("add", help=add)
    adding.add_argument("name")
    sub.add_parser("list", help=listing).add_argument("--json", action="store_true")
    sub.add_parser("remove", help=remove).add_argument("name")
    return adding


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command's name and summary, and of the options of the `chosen`
    command only: building all of them (argparse looks its catalogue up on disk for each
    message) was a third of a short command's start-up (issue 17)."""
    parser = argparse.ArgumentParser(
        prog="evidence-vault",
        description=_("Evidence Vault: encrypted case files with a signed chain of custody. "
                      "With no command, the desktop app starts."),
    )  # fmt: skip
    parser.add_argument("--version", action="version", version=f"%(prog)s {vault.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title=_("commands"))
    for name, (configure, _handler, summary) in COMMANDS.items():
        p = sub.add_parser(name, help=summary, description=summary)
        if name == chosen:
            configure(p)
            p.add_argument(
                "--passphrase-file", metavar="FILE", help=_("read the passphrase from FILE")
            )
    return parser


def _chosen(argv: list[str]) -> str | None:
    """The command named first on the line (before it only the top-level options)."""
    return next((a for a in argv if not a.startswith("-")), None)


def _load_commands() -> None:
    # Each module registers its own subcommands; importing them is what wires them in.
    import vault.cli.anchors
    import vault.cli.case
    import vault.cli.derive
    import vault.cli.package
    import vault.cli.provenance
    import vault.cli.report  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    """Run the command line (the desktop app is started by the entry point, not here)."""
    argv = sys.argv[1:] if argv is None else argv
    _load_commands()
    args = build_parser(_chosen(argv)).parse_args(argv)
    if not args.command:
        build_parser().print_help()
        return 2
    try:
        code = COMMANDS[args.command][1](args)
    except VaultError as err:
        say(f"evidence-vault: {err}", err=True)
        return err.exit_code
    except OSError as err:  # a file or folder the command needs: say which, no traceback
        where = f" ({err.filename})" if err.filename else ""
        say(f"evidence-vault: {err.strerror or err}{where}", err=True)
        return 2
    except KeyboardInterrupt:
        say(_("evidence-vault: interrupted; nothing half-done was kept."), err=True)
        return 130
    return _with_rollback(args, code)


def _with_rollback(args: argparse.Namespace, code: int) -> int:
    """DESIGN §8, §12: a command on a case found rolled back or rewritten exits 1 (the
    finding was said first). It still does its work, as the app does under its banner: a
    copy restored on purpose stays usable, and every act on it is logged as ever."""
    if not getattr(args, "rolled_back", False) or code != 0:
        return code
    say(_("evidence-vault: exit status 1: this case file was rolled back or rewritten "
          "(see the first message)."), err=True)  # fmt: skip
    return 1
