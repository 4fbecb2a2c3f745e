"""Subcommands for evidence packages: export, verify-package, receive (DESIGN §5, §6)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vault.cli.main import _case_arg, command, open_case
from vault.errors import InvalidInput, PackageRefused
from vault.i18n import _
from vault.package.export import export
from vault.package.receive import receive
from vault.package.verify import PackageVerification, verify_package


def _secret(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as err:
        raise InvalidInput(
            _("Cannot read the passphrase file: {e}").format(e=err.strerror)
        ) from None


def _export_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("out", type=Path, help=_("a folder, NAME.zip or NAME.zip.age"))
    p.add_argument("--item", action="append", dest="items", metavar="ID")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--encrypt-passphrase-file", type=Path, metavar="F")
    how.add_argument("--recipient", action="append", dest="recipients", metavar="AGE_KEY")
    p.add_argument("--recipient-label", default="", metavar="TEXT")


@command("export", _export_args)
def export_(args: argparse.Namespace) -> int:
    with open_case(args) as case:
        result = export(case, args.out, args.items, args.recipient_label,
                        _secret(args.encrypt_passphrase_file), args.recipients)  # fmt: skip
    print(_("Exported package {id}: {i} items, {n} notes, {w} entries withheld").format(
        id=result.package_id, i=result.items, n=result.notes, w=result.withheld))  # fmt: skip
    print(_("Custody head: {head}").format(head=result.head))
    print(_("Read this fingerprint to the recipient: {fp}").format(fp=result.sender))
    return 0


def _verify_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("package", type=Path)


def print_verification(v: PackageVerification) -> None:
    """Every check with ✓/✗, every finding, and who sent the package."""
    for check, passed in v.checks:
        print(f"{'✓' if passed else '✗'} {check}")
    for finding in v.findings:
        print(f"{finding.level}: {finding}")
    if v.is_package:
        print(_("Case: {title} ({id})").format(title=v.case_title, id=v.case_id))
        print(_("Sender: {name}, fingerprint {fp}").format(name=v.sender_name, fp=v.sender))
        print(_("{i} items, {n} notes").format(i=v.items, n=v.notes))
        for case_id, title, length in v.custody:
            print(_("  custody: case {id} {title!r}, {n} entries").format(
                id=case_id, title=title, n=length))  # fmt: skip


@command("verify-package", _verify_args)
def verify_package_(args: argparse.Namespace) -> int:
    result = verify_package(args.package, _secret(args.passphrase_file))
    print_verification(result)
    if result.is_package:
        print(_("Trusted time:"))
        for line in result.anchors.lines():
            print("  " + line)
    if result.ok:
        print(_("VALID: confirm the sender's fingerprint by phone."))
        return 0
    if result.is_bag and not result.is_package:
        print(_("REFUSED: a valid BagIt bag, but not an evidence package."))
    else:
        print(_("REFUSED: the package did not verify."))
    return 1


def _receive_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("package", type=Path)
    p.add_argument("--package-passphrase-file", type=Path, metavar="F")


@command("receive", _receive_args)
def receive_(args: argparse.Namespace) -> int:
    with open_case(args) as case:
        try:
            result = receive(case, args.package, _secret(args.package_passphrase_file))
        except PackageRefused as refused:
            for finding in refused.findings:
                print(f"{finding.level}: {finding}", file=sys.stderr)
            raise
    print_verification(result.verification)
    if result.nothing_new:
        print(_("Nothing new: this case already holds every item, note and log of this "
                "package. Nothing was recorded."))  # fmt: skip
        return 0
    if not result.items and not result.notes:
        print(_("No new items or notes; the sender's newer log is kept and linked "
                "(custody entry {seq}).").format(seq=result.seq))  # fmt: skip
    else:
        print(_("Imported {i} items and {n} notes (custody entry {seq}).").format(
            i=result.items, n=result.notes, seq=result.seq))  # fmt: skip
    if result.already:
        print(_("{n} items or notes of the package were already in this case.").format(
            n=result.already))  # fmt: skip
    return 0
