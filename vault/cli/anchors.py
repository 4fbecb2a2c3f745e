"""Subcommands for trusted time (DESIGN §8, §12): tsa add/list/remove, timestamp, anchors.

Nothing here contacts a network unless the user runs `timestamp`, and then only the
configured service they named (or the first one configured)."""

from __future__ import annotations

import argparse
from pathlib import Path

from vault.cli.main import _case_arg, add_list_remove, command, open_case, print_json, say
from vault.i18n import _


def _tsa_args(p: argparse.ArgumentParser) -> None:
    add = add_list_remove(
        p,
        "tsa_command",
        add=_("add a time-stamping service you trust"),
        listing=_("list the configured services"),
        remove=_("forget a service"),
    )
    add.add_argument("url")
    add.add_argument("--ca", type=Path, required=True, metavar="FILE.pem",
                     help=_("the CA certificates you trust for this service"))  # fmt: skip


@command("tsa", _tsa_args, _("add, list or remove the time-stamping services (RFC 3161)"))
def tsa(args: argparse.Namespace) -> int:
    from vault.custody.tsa import add_tsa, list_tsas, read_ca_file, remove_tsa

    if args.tsa_command == "add":
        added = add_tsa(args.name, args.url, read_ca_file(args.ca))
        say(_("Added time-stamping service {name} ({url}).").format(name=added.name,
                                                                    url=added.url))  # fmt: skip
    elif args.tsa_command == "remove":
        remove_tsa(args.name)
        say(_("Removed time-stamping service {name}.").format(name=args.name))
    elif args.json:
        print_json([t.to_json() for t in list_tsas()])
    else:
        tsas = list_tsas()
        for t in tsas:
            say(f"{t.name}  {t.url}  " + "; ".join(t.to_json()["ca"]))  # type: ignore[arg-type]
        if not tsas:
            say(_("No time-stamping service is configured."))
    return 0


def _timestamp_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("--tsa", metavar="NAME_OR_URL", help=_("the service to ask (default: first)"))


@command("timestamp", _timestamp_args, _("time-stamp the custody head with a trusted service"))
def timestamp(args: argparse.Namespace) -> int:
    from vault.custody.anchors import timestamp_case
    from vault.custody.tsa import find_tsa

    service = find_tsa(args.tsa)
    with open_case(args) as case:
        entry = timestamp_case(case, service)
    d = entry.details
    say(_("Time-stamped entries 0–{head} at {time} by {tsa}; logged as seq {seq}.").format(
        head=d["head_seq"], time=d["gen_time"], tsa=d["tsa"], seq=entry.seq))  # fmt: skip
    return 0


def _anchors_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("--json", action="store_true")


@command("anchors", _anchors_args, _("list the case's time-stamp anchors and what they prove"))
def anchors(args: argparse.Namespace) -> int:
    from vault.custody.anchors import case_anchors

    with open_case(args) as case:
        summary = case_anchors(case)
        rolled_back = case.witness_finding
    if args.json:
        doc = summary.to_json()
        doc["rolled_back"] = str(rolled_back) if rolled_back else None
        print_json(doc)
    else:
        if rolled_back:
            say(f"error: {rolled_back}")
        for line in summary.lines():
            say(line)
        for finding in summary.findings:
            say(f"{finding.level}: {finding}")
    failed = rolled_back or any(f.level == "error" for f in summary.findings)
    return 1 if failed else 0
