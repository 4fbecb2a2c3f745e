"""The `report` subcommand: a court-ready PDF of the whole case or chosen items."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from vault.cli.main import _case_arg, command, open_case, output_path, read_secret_file, say
from vault.i18n import LANGUAGES, _

if TYPE_CHECKING:
    from vault.custody.tsa import Tsa


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
    stamp = p.add_mutually_exclusive_group()
    stamp.add_argument(
        "--tsa",
        metavar="NAME_OR_URL",
        help=_("time-stamp the signature with this service (default: the first configured)"),
    )
    stamp.add_argument(
        "--no-timestamp",
        action="store_true",
        help=_("sign without a time-stamp (PAdES B-B) even when a service is configured"),
    )


def _service(args: argparse.Namespace) -> Tsa | None:
    """The time-stamping service for a B-T signature (see `report_tsa`)."""
    from vault.custody.tsa import report_tsa

    return report_tsa(args.tsa, timestamp=not args.no_timestamp)


@command("report", _report_args, _("write a signed PDF report of the case or chosen items"))
def report(args: argparse.Namespace) -> int:
    from vault.report.generate import generate_report

    service = _service(args)
    with open_case(args) as case:
        result = generate_report(
            case, output_path(args.out), language=args.lang, item_ids=args.items, tsa=service
        )
    say(_("Report {id}: {path}, {pages} pages").format(
        id=result.report_id, path=result.path, pages=result.pages))  # fmt: skip
    say(f"SHA-256 {result.sha256}  (report.generate, seq {result.seq})")
    say(_("Signed {level} with certificate SHA-256 {sha}").format(
        level=result.signature, sha=result.certificate))  # fmt: skip
    if result.verified:
        return 0
    for finding in result.findings:
        say(f"{finding.level}: {finding}")
    say(_("NOT VERIFIED: the report says so on its cover."))
    return 1


def _certificate_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument(
        "--import",
        dest="pkcs12",
        type=Path,
        metavar="FILE.p12",
        help=_("record your organisation's ECDSA P-256 certificate from a PKCS#12 file"),
    )
    p.add_argument("--p12-passphrase-file", type=Path, metavar="F")


@command(
    "certificate",
    _certificate_args,
    _("show (or issue, or import) the certificate that signs your reports"),
)
def certificate(args: argparse.Namespace) -> int:
    from vault.case.certificate import import_certificate, read_pkcs12, report_key

    with open_case(args) as case:
        if args.pkcs12 is not None:
            secret = (
                read_secret_file(args.p12_passphrase_file) if args.p12_passphrase_file else None
            )
            key = import_certificate(case, read_pkcs12(args.pkcs12), secret)
        else:
            key = report_key(case)
    subject = key.certificate.subject.rfc4514_string()
    say(_("Report certificate: {subject}").format(subject=subject))
    say(f"SHA-256 {key.sha256}  (identity.certificate, seq {key.seq})")
    print(key.pem, end="")
    return 0
