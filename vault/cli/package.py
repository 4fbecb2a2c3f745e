"""Subcommands for evidence packages: export, verify-package, receive (DESIGN §5, §6)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from vault.cli.main import (
    PASSPHRASE_ENV,
    _case_arg,
    command,
    open_case,
    output_path,
    prompt_passphrase,
    read_secret_file,
    say,
)
from vault.errors import InvalidInput, PackageRefused
from vault.i18n import _

if TYPE_CHECKING:
    from vault.package.verify import PackageVerification


def _package_secret(path: Path, secret_file: str | Path | None, env: bool = True) -> str | None:
    """An encrypted package's passphrase (or age identity): from the file given, else
    $EVIDENCE_VAULT_PASSPHRASE (when `env`: not for receive, where it holds the case's),
    else asked at the terminal. A plain package needs none."""
    from vault.package.read import package_kind

    if package_kind(path) != "age":
        return None
    if secret_file:
        return read_secret_file(secret_file)
    if env and os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    return prompt_passphrase(_("Package passphrase: "))


def _export_secret(path: Path | None) -> str | None:
    """A new package's passphrase follows the case passphrase rule (12 characters or more)."""
    from vault.case.casefile import check_passphrase

    if path is None:
        return None
    secret = read_secret_file(path)
    check_passphrase(secret)
    return secret


def _export_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("out", type=Path, help=_("a folder, NAME.zip or NAME.zip.age"))
    p.add_argument("--item", action="append", dest="items", metavar="ID")
    p.add_argument("--copies-only", action="store_true",
                   help=_("share working copies only: the chosen items' derived copies, "
                          "their originals withheld"))  # fmt: skip
    how = p.add_mutually_exclusive_group()
    how.add_argument("--encrypt-passphrase-file", type=Path, metavar="F")
    how.add_argument("--recipient", action="append", dest="recipients", metavar="AGE_KEY")
    p.add_argument("--recipient-label", default="", metavar="TEXT")


@command("export", _export_args, _("export items as a BagIt package (folder, .zip, .zip.age)"))
def export_(args: argparse.Namespace) -> int:
    from vault.evidence.derive import working_copies
    from vault.evidence.items import list_items
    from vault.package.export import export

    secret = _export_secret(args.encrypt_passphrase_file)
    with open_case(args) as case:
        items = args.items
        if args.copies_only:
            items = working_copies(list_items(case.conn), args.items)
            if not items:
                raise InvalidInput(_("There are no working copies to share."))
        result = export(
            case, output_path(args.out), item_ids=items,
            recipient_label=args.recipient_label, encrypt_passphrase=secret,
            age_recipients=args.recipients,
        )  # fmt: skip
    say(_("Exported package {id}: {i} items, {n} notes, {w} entries withheld").format(
        id=result.package_id, i=result.items, n=result.notes, w=result.withheld))  # fmt: skip
    say(_("Custody head: {head}").format(head=result.head))
    say(_("Read this fingerprint to the recipient: {fp}").format(fp=result.sender))
    return 0


def _verify_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("package", type=Path)


def print_verification(v: PackageVerification) -> None:
    """Every check with ✓/✗, every finding, and who sent the package."""
    for check, passed in v.checks:
        say(f"{'✓' if passed else '✗'} {check}")
    for finding in v.findings:
        say(f"{finding.level}: {finding}")
    if v.is_package:
        say(_("Case: {title} ({id})").format(title=v.case_title, id=v.case_id))
        # Who sent it comes from the entry that introduced the sender's key, never case.json.
        say(_("Sender: {name} ({role}, {organization}), fingerprint {fp}").format(
            name=v.sender_name, role=v.sender_role or "-",
            organization=v.sender_organization or "-", fp=v.sender))  # fmt: skip
        say(_("{i} items, {n} notes").format(i=v.items, n=v.notes))
        for case_id, title, length in v.custody:
            say(_("  custody: case {id} {title!r}, {n} entries").format(
                id=case_id, title=title, n=length))  # fmt: skip
        print_copies(v)


def print_copies(v: PackageVerification) -> None:
    """Each working copy with its original's SHA-256 from the signed derive entry."""
    if not v.copies:
        return
    say(_("Working copies (the original's SHA-256 as the signed derive entry records it):"))
    for copy in v.copies:
        where = _("included") if copy.parent_included else _("withheld")
        say(_("  {name} ({id}): {op} of {parent}, SHA-256 {sha} (original {where})").format(
            name=copy.name, id=copy.id, op=copy.operation, parent=copy.parent,
            sha=copy.parent_sha256, where=where))  # fmt: skip


@command("verify-package", _verify_args,
         _("verify a package on its own, without any case file"))  # fmt: skip
def verify_package_(args: argparse.Namespace) -> int:
    from vault.package.age import key_derived_first

    secret = _package_secret(args.package, args.passphrase_file)
    with key_derived_first(args.package, secret):  # before the verifier loads (memory)
        from vault.package.verify import verify_package

        result = verify_package(args.package, passphrase=secret)
    print_verification(result)
    if result.is_package:
        say(_("Trusted time:"))
        for line in result.anchors.lines():
            say("  " + line)
        for case_id, summary in result.earlier_anchors.items():  # anchors travel on (§8)
            say(_("Trusted time of an earlier holder, case {id}:").format(id=case_id))
            for line in summary.lines():
                say("  " + line)
        _print_provenance(args.package, secret, result)
    if result.ok:
        say(_("VALID: confirm the sender's fingerprint by phone."))
        return 0
    if result.is_bag and not result.is_package:
        say(_("REFUSED: a valid BagIt bag, but not an evidence package."))
    else:
        say(_("REFUSED: the package did not verify."))
    return 1


def _receive_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("package", type=Path)
    p.add_argument("--package-passphrase-file", type=Path, metavar="F")


@command("receive", _receive_args, _("verify a package and import it into the case"))
def receive_(args: argparse.Namespace) -> int:
    from vault.package.receive import receive

    with open_case(args) as case:
        secret = _package_secret(args.package, args.package_passphrase_file, env=False)
        try:
            result = receive(case, args.package, passphrase=secret)
        except PackageRefused as refused:
            for finding in refused.findings:
                say(f"{finding.level}: {finding}", err=True)
            raise
    print_verification(result.verification)
    if result.nothing_new:
        say(_("Nothing new: this case already holds every item, note and log of this "
                "package. Nothing was recorded."))  # fmt: skip
        return 0
    if not result.items and not result.notes:
        say(_("No new items or notes; the sender's newer log is kept and linked "
                "(custody entry {seq}).").format(seq=result.seq))  # fmt: skip
    else:
        say(_("Imported {i} items and {n} notes (custody entry {seq}).").format(
            i=result.items, n=result.notes, seq=result.seq))  # fmt: skip
    if result.already:
        say(_("{n} items or notes of the package were already in this case.").format(
            n=result.already))  # fmt: skip
    return 0


def _print_provenance(package: Path, secret: str | None, result: PackageVerification) -> None:
    """DESIGN §9: the provenance results the package carries, re-checked where it holds the
    original. Informational: they never decide whether the package verifies."""
    from vault.provenance.carried import carried_results, recheck_carried

    if result.contents is None:
        return
    carried = carried_results(result.contents.entries, result.contents.doc)
    if not carried:
        return
    if result.ok:  # a package that did not verify is not read again
        recheck_carried(package, secret, carried, result.contents.doc)
    say(_("Provenance from the capture device:"))
    for found in carried:
        say("  " + found.line())
