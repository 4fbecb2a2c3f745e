"""The `report` subcommand: a court-ready PDF of the whole case or chosen items."""

from __future__ import annotations

import argparse
from pathlib import Path

from vault.cli.main import _case_arg, command, open_case, output_path, say
from vault.i18n import LANGUAGES, _


def _report_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("out", type=Path, metavar="OUT.pdf")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help=_("the report's language"))
    p.add_argument(
        "--item",
        action="append",
        dest="items",
        metavar="ID",
        help=_("report only this item (repeat for more); default every item"),
    )


@command("report", _report_args, _("write a signed PDF report of the case or chosen items"))
def report(args: argparse.Namespace) -> int:
    from vault.report.generate import generate_report

    with open_case(args) as case:
        result = generate_report(
            case, output_path(args.out), language=args.lang, item_ids=args.items
        )
    say(_("Report {id}: {path}, {pages} pages").format(
        id=result.report_id, path=result.path, pages=result.pages))  # fmt: skip
    say(f"SHA-256 {result.sha256}  (report.generate, seq {result.seq})")
    if result.verified:
        return 0
    for finding in result.findings:
        say(f"{finding.level}: {finding}")
    say(_("NOT VERIFIED: the report says so on its cover."))
    return 1
