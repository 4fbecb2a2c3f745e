"""Subcommands for provenance from the capture device (DESIGN §9, §12): `provenance` shows
(or re-checks) what each item's Content Credentials or ProofMode proof said, and `trust`
adds, lists or removes the certificate lists a C2PA signer may chain to."""

from __future__ import annotations

import argparse
from pathlib import Path

from vault.cli.main import _case_arg, add_list_remove, command, open_case, print_json, say
from vault.i18n import _


def _provenance_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("item", nargs="?", help=_("only this item"))
    p.add_argument("--json", action="store_true")
    again = _("check again with the trust lists of today (appends, never edits)")
    p.add_argument("--recheck", action="store_true", help=again)


@command("provenance", _provenance_args, _("show the items' Content Credentials and proofs"))
def provenance(args: argparse.Namespace) -> int:
    from vault.evidence.items import get_item, list_items
    from vault.provenance.check import recheck_items
    from vault.provenance.codes import describe
    from vault.provenance.record import provenance_by_item

    skipped: dict[str, str] = {}
    with open_case(args) as case:
        items = [get_item(case.conn, args.item)] if args.item else list_items(case.conn)
        if args.recheck:
            skipped = recheck_items(case, [args.item] if args.item else None).skipped
        found = provenance_by_item(case.conn)
    for item_id, why in skipped.items():
        say(f"warning: {item_id}: {why}", err=True)
    if args.json:
        print_json([{"item": i.id, "original_name": i.original_name,
                     "provenance": found.get(i.id, [])} for i in items])  # fmt: skip
        return 1 if skipped else 0
    shown_any = False
    for item in items:
        for result in found.get(item.id, [])[-1:]:  # the latest reading; --json has them all
            shown_any = True
            say(f"{item.id}  {item.original_name!r}")
            for line in describe(result):
                say("  " + line)
    if not shown_any:
        say(_("No item carries Content Credentials or a ProofMode proof."))
    return 1 if skipped else 0


def _trust_args(p: argparse.ArgumentParser) -> None:
    add = add_list_remove(
        p,
        "trust_command",
        add=_("add a list of root certificates you trust"),
        listing=_("list the shipped and added lists"),
        remove=_("forget a list you added"),
    )
    add.add_argument("pem", type=Path, metavar="FILE.pem")


@command("trust", _trust_args, _("add, list or remove the certificate lists for C2PA signers"))
def trust(args: argparse.Namespace) -> int:
    from vault.provenance.trust import add_trust_list, all_lists, remove_trust_list

    if args.trust_command == "add":
        added = add_trust_list(args.name, args.pem)
        message = _("Added certificate list {name} (SHA-256 {sha}).")
        say(message.format(name=added.name, sha=added.sha256))
    elif args.trust_command == "remove":
        remove_trust_list(args.name)
        say(_("Removed certificate list {name}.").format(name=args.name))
    elif args.json:
        print_json([t.to_json() for t in all_lists()])
    else:
        for t in all_lists():
            say(f"{t.name}  [{t.origin}]  {t.sha256}")
    return 0
