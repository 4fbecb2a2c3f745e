"""What a package's closing `package.export` entry signs, and the check that the package is
exactly that (docs/PACKAGE-SIGNING.md).

The entry cannot hash the files that name it: `data/custody.jsonl` ends with the entry's own
line, `bag-info.txt` carries its entry_hash, and the BagIt manifests list both. So it signs
  - `files_sha256`: the SHA-256 of the tag file `signed-files-sha256.txt`, which lists, in
    `sha256sum` form sorted by path, every other file of the bag: originals, case.json,
    VERIFY.md, keys, lineage logs, anything else, and bagit.txt. (A digest of the list, not
    the list: a later package carries this entry in its log, and the list names originals.)
  - `custody_before`: the SHA-256 of `data/custody.jsonl` up to (not including) its last
    line, which must then be this entry exactly as `to_jsonl` writes it, and a line break;
  - `withheld`: the seqs of the package's own chain shipped as hashes only;
  - `bag_info`: every bag-info.txt field except the three derived from the bag itself
    (Payload-Oxum, checked against the payload; Vault-Custody-Head and -Length, checked
    against the chain).
A package whose export entry has no `files_sha256` is of the older form: it still verifies,
with a warning naming what no signature covers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vault.custody.entry import Entry, Finding, to_jsonl
from vault.custody.logchain import notable
from vault.i18n import _
from vault.package.bagit import BagCheck
from vault.package.read import ORIGINALS, ScannedBag

CUSTODY = "data/custody.jsonl"
CASE_JSON = "data/case.json"
FILE_LIST = "signed-files-sha256.txt"
DERIVED_INFO = ("Payload-Oxum", "Vault-Custody-Head", "Vault-Custody-Length")
MANIFEST = re.compile(r"(tag)?manifest-\w+\.txt")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def not_in_file_list(name: str) -> bool:
    """The files the export entry cannot hash (they name or list the entry itself)."""
    return name in (CUSTODY, "bag-info.txt", FILE_LIST) or bool(MANIFEST.fullmatch(name))


def file_list_text(files: dict[str, str]) -> bytes:
    """signed-files-sha256.txt: `<sha256>  <path>` lines sorted by path (`sha256sum -c` reads
    it). Paths written here never hold a line break or backslash (see model.safe_name)."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(files.items())).encode()


def parse_file_list(data: bytes) -> dict[str, str] | None:
    """path -> SHA-256, or None when the list is not in the form file_list_text writes."""
    files = {}
    text = data.decode("utf-8", "replace")
    if text and not text.endswith("\n"):
        return None
    # Lines end at LF only: U+2028 or U+0085 may stand inside a file name.
    for line in text.split("\n")[:-1]:
        digest, sep, path = line.partition("  ")
        if not sep or len(digest) != 64 or path in files:
            return None
        files[path] = digest
    return files


def export_details(
    file_list: bytes, custody_before: str, withheld: set[int], bag_info: dict[str, str]
) -> dict[str, Any]:
    """The keys the export entry adds to DESIGN §5's package/items/recipient/encrypted;
    `custody_before` is the SHA-256 (hex) of the log's bytes before that entry (hashed as
    they stream by: a long log is never held whole)."""
    return {
        "files_sha256": sha256_hex(file_list),
        "custody_before": custody_before,
        "withheld": sorted(withheld),
        "bag_info": bag_info,
    }


@dataclass(frozen=True)
class LogTail:
    """What the closing export entry signs of data/custody.jsonl's bytes, taken as they are
    read (they are never held whole: vault.custody.logchain's `tail`)."""

    ends_with_break: bool
    before_sha256: str  # of the bytes before the last line
    last_line: bytes  # without its line break


def check_signed_files(
    scanned: ScannedBag, bag: BagCheck, entries: Sequence[Entry], tail: LogTail
) -> list[Finding]:
    """Every file, the custody log's bytes, the withheld entries and bag-info.txt are what
    the closing export entry signed; for an older package, a warning of what is unsigned."""
    closing = entries[-1] if entries else None
    if closing is None or closing.action != "package.export":
        return []  # reported by the closing-entry check
    details = closing.details
    if "files_sha256" not in details:
        return _older_form(scanned)
    seq = closing.seq
    listed = scanned.files.get(FILE_LIST)
    files = parse_file_list(listed.data or b"") if listed is not None else None
    if listed is None or listed.digests.get("sha256") != details["files_sha256"] or files is None:
        return [Finding(seq, _("{name} is missing or is not the file list the export entry "
                               "signed").format(name=FILE_LIST))]  # fmt: skip
    return [
        Finding(seq, reason)
        for reason in [
            *_file_problems(scanned, files),
            *_custody_problems(tail, closing),
            *_withheld_problems(entries, details.get("withheld")),
            *_bag_info_problems(bag, details.get("bag_info")),
        ]
    ]


def _file_problems(scanned: ScannedBag, files: dict[str, str]) -> list[str]:
    problems = []
    for name, found in sorted(scanned.files.items()):
        if not_in_file_list(name):
            continue
        signed = files.get(name)
        if signed is None:
            problems.append(_("{p!r} is not in the export entry's signed file list").format(p=name))
        elif found.digests.get("sha256") != signed:
            problems.append(_("{p!r} differs from the file the export entry signed").format(p=name))
    for name in sorted(set(files) - set(scanned.files)):
        problems.append(_("{p!r} is signed by the export entry but missing").format(p=name))
    return problems


def _custody_problems(tail: LogTail, closing: Entry) -> list[str]:
    if not tail.ends_with_break:
        return [_("data/custody.jsonl does not end with a line break")]
    problems = []
    if tail.before_sha256 != closing.details.get("custody_before"):
        problems.append(_("data/custody.jsonl before the export entry is not what it signed"))
    if tail.last_line != to_jsonl(closing).encode("utf-8"):
        problems.append(_("the export entry's line in data/custody.jsonl was rewritten"))
    return problems


def _withheld_problems(entries: Sequence[Entry], signed: Any) -> list[str]:
    shipped = sorted(e.seq for e in notable(entries) if e.content is None)
    if shipped == signed:
        return []
    return [_("entries {seqs} are withheld, but the export entry signed {signed}").format(
        seqs=shipped, signed=signed)]  # fmt: skip


def _bag_info_problems(bag: BagCheck, signed: Any) -> list[str]:
    if not isinstance(signed, dict):
        return [_("the export entry's bag-info fields are malformed")]
    problems = []
    for label, values in sorted(bag.info.items()):
        expected = [signed[label]] if label in signed else None
        if label in DERIVED_INFO and len(values) == 1:
            continue  # checked against the payload and the chain
        if values != expected:
            problems.append(_("bag-info.txt field {label!r} is not the signed value").format(
                label=label))  # fmt: skip
    for label in sorted(set(signed) | set(DERIVED_INFO)):
        if label not in bag.info:
            problems.append(_("bag-info.txt lacks the field {label!r}").format(label=label))
    return problems


def _older_form(scanned: ScannedBag) -> list[Finding]:
    """The older form signs only the logs, keys and originals (checked elsewhere)."""
    covered = ("data/lineage/", "data/keys/", ORIGINALS)
    unsigned = sorted(
        n
        for n in scanned.files
        if not MANIFEST.fullmatch(n) and n != CUSTODY and not n.startswith(covered)
    )
    return [
        Finding(None, _(
            "an older package form: its export entry signs no file list, so {files} are "
            "covered by no signature (only what the log records is checked)"
        ).format(files=", ".join(unsigned)), "warning")
    ]  # fmt: skip
