"""Custody entries in plain words (issue 12 §2): each action as a sentence a court clerk
reads without help ("Imported from SD card 1", "Exported to package 7c1f… for Advocate
Petrenko"), and its details as labelled fields, never as raw structures. Codes that the log
stores (methods, results, languages) are translated, so one report never mixes languages.
Evidence strings stay plain text: the caller escapes everything returned here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vault.custody.entry import Entry
from vault.custody.packed import PackedArray
from vault.report.formatting import N_, Words

# fingerprint -> a person's name as some chain's signed entries introduced them
Names = Callable[[str], str]
Field = tuple[str, str]

_CODES = {
    "copy": N_("copied from a file"),
    "package": N_("received in a package"),
    "passed": N_("passed"),
    "failed": N_("failed"),
    "en": N_("English"),
    "uk": N_("Ukrainian"),
    "trusted": N_("trusted"),
    "valid": N_("valid"),
    "invalid": N_("invalid"),
    "unverifiable": N_("unverifiable"),
    "investigator": N_("investigator"),  # the app's default role, stored in English
    "self-issued": N_("self-issued"),
    "pkcs12": N_("imported from PKCS#12"),
}


def code(value: Any, w: Words) -> str:
    """A value the log stores as a code, in the report's language; other values as they are."""
    text = "" if value is None else str(value)
    return w(_CODES[text]) if text in _CODES else text


def short(value: Any, n: int = 8) -> str:
    """An id or hash shortened for a sentence or table cell; the full form is elsewhere."""
    text = "" if value is None else str(value)
    return text if len(text) <= n + 1 else text[:n] + "…"


def _count(value: Any) -> int:
    return len(value) if isinstance(value, list | PackedArray) else 0


def _yes(value: Any, w: Words) -> str:
    return w("yes") if value is True else w("no")


def _import(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    source = d.get("source")
    said = (
        w("Imported from {source}").format(source=source)
        if source
        else w("Imported (source not stated)")
    )
    fields = [(w("File"), str(d.get("original_name", ""))), (w("Method"), code(d.get("method"), w))]
    if isinstance(d.get("size"), int):
        fields.append((w("Size"), w.size(d["size"])))
    return said, fields


def _describe(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    return w("Described the item"), [(description_label(k, w), str(v)) for k, v in d.items()]


def _note(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    about = w("Wrote a note on the item") if d.get("about") else w("Wrote a note on the case")
    return about, []


def _amend(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    return w("Amended note {id}").format(id=short(d.get("supersedes"))), []


def _export(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    package, recipient = short(d.get("package")), d.get("recipient")
    said = (
        w("Exported to package {package} for {recipient}").format(
            package=package, recipient=recipient
        )
        if recipient
        else w("Exported to package {package}").format(package=package)
    )
    fields = [
        (w("Items in the package"), str(_count(d.get("items")))),
        (w("Encrypted"), _yes(d.get("encrypted"), w)),
    ]
    return said, fields


def _receive(d: dict[str, Any], names: Names, w: Words) -> tuple[str, list[Field]]:
    sender = d.get("sender")
    said = w("Received package {package} from {sender}").format(
        package=short(d.get("package")), sender=names(str(sender)) if sender else "?"
    )
    return said, [
        (w("Package verification"), code(d.get("verification"), w)),
        (w("Items"), str(_count(d.get("items")))),
        (w("Notes"), str(_count(d.get("notes")))),
        (w("Sender's case"), short(d.get("source_case"))),
    ]


def _report(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    said = w("Made report {report} in {language}").format(
        report=short(d.get("report")), language=code(d.get("language"), w)
    )
    fields = [(w("Exhibits"), str(_count(d.get("items"))))]
    if isinstance(d.get("pages"), int):
        fields.append((w("Pages"), str(d["pages"])))
    if d.get("verification"):
        fields.append((w("Verification"), code(d.get("verification"), w)))
    return said, fields


def _verify(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    said = w("Verified the case: {result}").format(result=code(d.get("result"), w))
    fields = [
        (label, str(d[key]))
        for key, label in (("entries", w("Entries checked")), ("items", w("Items checked")),
                           ("findings", w("Problems found")))
        if isinstance(d.get(key), int)
    ]  # fmt: skip
    return said, fields


def _create(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    fields = [(w("Title"), str(d.get("title", "")))]
    fields += [(w("Case number"), str(d["number"]))] if d.get("number") else []
    fields += [(w("Organization"), str(d["organization"]))] if d.get("organization") else []
    return w("Created the case; investigator {name}").format(name=d.get("name", "")), fields


def _identity(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    said = w("Added {name} to the case").format(name=d.get("name", ""))
    fields = [(w("Role"), code(d.get("role", ""), w))]
    fields += [(w("Organization"), str(d["organization"]))] if d.get("organization") else []
    return said, fields


def _certificate(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    return w("Recorded a report-signing certificate"), [
        (w("Certificate SHA-256"), short(d.get("sha256"), 16)),
        (w("Origin"), code(d.get("source"), w)),
    ]


def _access(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    return w("Opened the item"), [(w("Purpose"), str(d.get("purpose", "")))]


def _derive(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    operation = d.get("operation")
    op = operation.get("op") if isinstance(operation, dict) else operation
    return w("Made a working copy of item {parent}").format(parent=short(d.get("parent"))), [
        (w("Operation"), str(op or ""))
    ]


def _transfer(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    said = w("Handed over from {giver} to {taker}").format(
        giver=d.get("from", ""), taker=d.get("to", "")
    )
    return said, [
        (w("Method"), str(d.get("method", ""))),
        (w("Purpose"), str(d.get("purpose", ""))),
    ]


def _anchor(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    said = w("Time-stamped the log up to entry {seq}").format(seq=d.get("head_seq", "?"))
    return said, [
        (w("Time-stamping service"), str(d.get("tsa", ""))),
        (w("Time"), str(d.get("gen_time", ""))),
    ]


def _provenance(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    said = w("Checked the capture signature ({kind}): {state}").format(
        kind=d.get("kind", ""), state=code(d.get("state"), w)
    )
    return said, [(w("Signer"), str(d.get("signer", "")))] if d.get("signer") else []


def _migrate(d: dict[str, Any], _n: Names, w: Words) -> tuple[str, list[Field]]:
    said = w("Upgraded the case file from version {old} to {new}").format(
        old=d.get("from", "?"), new=d.get("to", "?")
    )
    return said, []


_SAY: dict[str, Callable[[dict[str, Any], Names, Words], tuple[str, list[Field]]]] = {
    "item.import": _import,
    "item.describe": _describe,
    "note.add": _note,
    "note.amend": _amend,
    "package.export": _export,
    "package.import": _receive,
    "report.generate": _report,
    "case.verify": _verify,
    "case.create": _create,
    "identity.add": _identity,
    "identity.certificate": _certificate,
    "item.access": _access,
    "item.derive": _derive,
    "custody.transfer": _transfer,
    "anchor.timestamp": _anchor,
    "item.provenance": _provenance,
    "case.migrate": _migrate,
}


def in_words(entry: Entry, names: Names, w: Words) -> tuple[str, list[Field]]:
    """(the act as a sentence, its details as (label, value) pairs). An action this app does
    not know is named by its code, with its plain (non-nested) details."""
    action = entry.action or ""
    say = _SAY.get(action)
    if say is not None:
        return say(entry.details, names, w)
    plain = [
        (str(k), str(v))
        for k, v in entry.details.items()
        if isinstance(v, str | int | bool) and not isinstance(v, dict)
    ]
    return w("Recorded {action}").format(action=action), plain


_DESCRIPTION_LABELS = {
    "title": N_("Title"),
    "description": N_("Description"),
    "location": N_("Location"),
    "captured_by": N_("Captured by"),
    "sensitive": N_("Sensitive"),
}


def description_label(key: str, w: Words) -> str:
    """A description field's label; a field this app does not know keeps its own name."""
    return w(_DESCRIPTION_LABELS[key]) if key in _DESCRIPTION_LABELS else key
