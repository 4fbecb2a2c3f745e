"""Subcommands on one case: init, import, items, note, describe, log, verify, keys."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vault.cli.main import (
    _case_arg,
    command,
    json_safe,
    open_case,
    print_json_array,
    read_passphrase,
    say,
    say_lines,
)
from vault.errors import CaseReadOnly
from vault.evidence.fields import DESCRIPTIVE_FIELDS
from vault.i18n import _

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vault.case.handle import Case
    from vault.custody.hands import Hands
    from vault.evidence.items import Item


def _init_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("case", type=Path)
    p.add_argument("--title", required=True)
    p.add_argument("--number", default="")
    p.add_argument("--organization", default="")
    p.add_argument("--investigator", default="")
    p.add_argument("--role", default="investigator")


@command("init", _init_args, _("create a new encrypted case file"))
def init(args: argparse.Namespace) -> int:
    from vault.case.handle import Case

    passphrase = read_passphrase(args, confirm=True)
    with Case.create(
        args.case, passphrase, title=args.title, number=args.number,
        organization=args.organization, investigator=args.investigator, role=args.role,
    ) as case:  # fmt: skip
        say(_("Created case {id}").format(id=case.id))
        say(_("Your key fingerprint: {fp}").format(fp=case.signer.fingerprint))
    return 0


def _investigator_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("--name", required=True)
    p.add_argument("--role", default="investigator")
    p.add_argument("--organization", default="")


@command("add-investigator", _investigator_args,
         _("add an investigator with a new key, vouched for by you"))  # fmt: skip
def add_investigator(args: argparse.Namespace) -> int:
    with open_case(args) as case:
        identity = case.add_identity(args.name, role=args.role, organization=args.organization)
    say(
        _("Added {name}; key fingerprint: {fp}").format(name=identity.name, fp=identity.fingerprint)
    )
    return 0


def _import_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR")
    p.add_argument("--source", default="", help=_("where the files came from (e.g. SD card)"))


@command("import", _import_args, _("import files and folders as evidence items"))
def import_(args: argparse.Namespace) -> int:
    from vault.evidence.ingest import import_paths

    with open_case(args) as case:
        result = import_paths(case, args.paths, source=args.source, on_file=_announce)
    for item in result.imported:
        mark = _(" (duplicate content, stored once)") if item.duplicate else ""
        say(f"{item.sha256}  {item.id}  {item.original_name}{mark}")
    for name, warning in result.warnings:
        say(_("warning: {name}: {w}").format(name=name, w=warning), err=True)
    for path, reason in result.failed:
        say(_("not imported: {path}: {reason}").format(path=path, reason=reason), err=True)
    summary = _("{n} imported, {d} duplicates, {f} failed")
    counts = {"n": len(result.imported), "d": result.duplicates, "f": len(result.failed)}
    say(summary.format(**counts), err=True)
    return 1 if result.failed else 0


def _announce(name: str) -> None:
    say(_("importing {name}").format(name=name), err=True)


def _items_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("--json", action="store_true")


@command("items", _items_args, _("list the evidence items"))
def items(args: argparse.Namespace) -> int:
    _load_listing(args.json)
    with open_case(args) as case:
        show_items(case, as_json=args.json)
    return 0


def _load_listing(as_json: bool) -> None:
    """Import what listing runs now, while the key derives on the other core (started by
    vault.cli.early): once `open_case` has the key, every import is on the critical path."""
    import importlib

    wanted = ["vault.evidence.items"]
    if as_json:  # each item's custody hands (through kept lineages) and provenance too
        wanted += ["vault.custody.hands", "vault.package.model", "vault.provenance.record"]
    for name in wanted:
        importlib.import_module(name)


def show_items(case: Case, as_json: bool = False) -> None:
    """Print the items a batch at a time as each is read and checked against its signed
    record: nothing of the listing is held whole, so memory stays flat however many items
    the case holds (issue 17). The same text as one print of the whole list."""
    import json  # loaded already, by the listing

    from vault.evidence.items import iter_item_batches  # loaded already by `items`

    batches = iter_item_batches(case.conn, json.loads)  # no item is held past its batch
    if as_json:
        print_json_array(_json_batches(case, _hands(case), batches))
        return
    for batch in batches:
        say_lines(line for item in batch for line in _item_lines(item))


def _json_batches(
    case: Case, hands: Hands, batches: Iterator[list[Item]]
) -> Iterator[list[dict[str, Any]]]:
    """Each batch of items as `items --json` shows them (README, JSON output)."""
    from vault.provenance.record import provenance_of

    for batch in batches:
        ids = [item.id for item in batch]
        provenance, told = provenance_of(case.conn, ids), hands.histories(ids)
        yield [{**item.to_json(), "provenance": provenance.get(item.id, []),
                "hands": hands.moves_json(item.id, told[item.id])} for item in batch]  # fmt: skip


def _item_lines(item: Item) -> Iterator[str]:
    yield (f"{item.id}  {item.sha256[:16]}  {item.size:>12}  {item.mime:<24}"
           f" {item.original_name!r}")  # fmt: skip
    for problem in item.problems:  # a row that disagrees with the signed log
        yield "  " + _("NOT AS SIGNED: {problem}").format(problem=problem)
    if item.unsigned:  # an older case file: its metadata was never signed
        yield "  " + _("UNVERIFIED: recorded by an older version, its metadata was never "
                       "signed; verify recomputes it from the original")  # fmt: skip


def _hands(case: Case) -> Hands:
    from vault.custody.hands import Hands  # only --json shows them

    return Hands(case.conn, case.id)


def _note_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("text")
    p.add_argument("--item", help=_("the item the note is about"))
    p.add_argument("--amend", metavar="NOTE_ID", help=_("supersede this note"))


@command("note", _note_args, _("add a note, or amend one"))
def note(args: argparse.Namespace) -> int:
    from vault.evidence.notes import add_note, amend_note

    with open_case(args) as case:
        if args.amend:
            written = amend_note(case, args.amend, args.text)
        else:
            written = add_note(case, args.text, about=args.item)
    say(written.id)
    return 0


def _describe_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("item")
    for name in DESCRIPTIVE_FIELDS:
        p.add_argument("--" + name.replace("_", "-"), dest=name)


@command("describe", _describe_args, _("describe an item (title, location, ...)"))
def describe(args: argparse.Namespace) -> int:
    from vault.evidence.notes import describe_item

    with open_case(args) as case:
        entry = describe_item(case, args.item, {k: getattr(args, k) for k in DESCRIPTIVE_FIELDS})
    say(entry.seq)
    return 0


def _log_args(p: argparse.ArgumentParser) -> None:
    _case_arg(p)
    p.add_argument("--json", action="store_true", help=_("the custody.jsonl form, one per line"))
    p.add_argument("--keys", type=Path, metavar="DIR", help=_("write every actor's key as PEM"))


@command("log", _log_args, _("print the custody log"))
def log(args: argparse.Namespace) -> int:
    from vault.custody.entry import read_entries, to_jsonl

    with open_case(args) as case:
        entries = list(read_entries(case.conn))
        if args.keys:
            write_keys(case, args.keys)
    for entry in entries:
        if args.json:
            print(json_safe(to_jsonl(entry)))
        else:
            c = entry.content or {}
            say(f"{entry.seq:>6}  {c.get('at', '')}  {entry.actor[:12]}"
                f"  {c.get('action', '?'):<16} "
                f"{c.get('subject') or ''}  {entry.entry_hash.hex()[:16]}")  # fmt: skip
    return 0


def write_keys(case: Case, folder: Path) -> None:
    """<fingerprint>.pem for every actor, received chains' included, for openssl."""
    from vault.case.identity import public_key_pem

    folder.mkdir(parents=True, exist_ok=True)
    for fp, key in case.actor_keys().items():
        (folder / f"{fp}.pem").write_bytes(public_key_pem(key))


@command("verify", _case_arg, _("verify the case: custody log, signatures, originals"))
def verify(args: argparse.Namespace) -> int:
    from vault.custody.verify import record_verification, verify_case

    with open_case(args) as case:
        report = verify_case(case)
        try:
            record_verification(case, report)
        except CaseReadOnly:
            say(_("The case file is read-only: it was verified, but no case.verify entry "
                  "could be recorded."), err=True)  # fmt: skip
    for finding in report.findings:
        say(f"{finding.level}: {finding}")
    say(_("Trusted time:"))
    for line in report.anchors.lines():
        say("  " + line)
    checked = _("{e} entries, {i} items, {n} notes checked").format(
        e=report.chain.length, i=report.items_checked, n=report.notes_checked)  # fmt: skip
    if report.ok:
        say(_("VERIFIED: {checked}; custody head {head}").format(
            checked=checked, head=report.chain.head.hex()))  # fmt: skip
        return 0
    say(_("NOT VERIFIED: {checked}").format(checked=checked))
    return 1
