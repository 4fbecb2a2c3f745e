"""Tampers done behind the app's back.

Packages (issue 9 §2), by someone holding no key: edit a valid package, then re-make only the
BagIt manifests and Payload-Oxum. Shared by verify-package's tests and the test that follows
data/VERIFY.md by hand on the same packages.

Case files, as someone holding its passphrase could with any SQLCipher tool: the app's own
connection refuses every write outside `Case.act`, so tamper tests open a connection of their
own, beside it, exactly as an attacker would."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from tests.helpers.case import PASSPHRASE
from tests.helpers.package import copy_bag, rehash, set_info
from vault.case.casefile import key_pragma
from vault.case.handle import Case
from vault.case.identity import Signer
from vault.custody.entry import Entry, sign_entry
from vault.evidence.items import list_items
from vault.evidence.notes import describe_item, note_digest
from vault.package.export import export


@contextmanager
def tampering(case: Case | Path, passphrase: str = PASSPHRASE) -> Iterator[sqlcipher.Connection]:
    """A raw connection to the case's file (autocommit), closed at the end of the block."""
    path = case.path if isinstance(case, Case) else case
    conn = sqlcipher.connect(str(path), isolation_level=None)
    try:
        conn.execute(key_pragma(passphrase))
        yield conn
    finally:
        conn.close()


def forge_entry(
    conn: sqlcipher.Connection,
    case: Case,
    signer: Signer,
    action: str,
    *,
    subject: str | None = None,
    digest: str | None = None,
    details: dict[str, Any] | None = None,
) -> Entry:
    """Append a well-formed entry signed by `signer`, whoever that is, at the chain's head."""
    head = conn.execute("SELECT seq, entry_hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
    after = (head[0], bytes(head[1])) if head else None
    entry, text = sign_entry(case.id, signer, after, action, subject, digest, details)
    conn.execute(
        "INSERT INTO custody (seq, prev, content_hash, entry_hash, actor, sig, content, action,"
        " subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (entry.seq, entry.prev, entry.content_hash, entry.entry_hash, entry.actor, entry.sig,
         text, action, subject),
    )  # fmt: skip
    return entry


def forge_note(
    conn: sqlcipher.Connection, case: Case, signer: Signer, note_id: str, about: str, text: str
) -> Entry:
    """A note on `about` slipped into the case file, its `note.add` signed by `signer`."""
    entry = forge_entry(conn, case, signer, "note.add", subject=note_id,
                        digest=note_digest(text), details={"about": about})  # fmt: skip
    conn.execute("INSERT INTO notes (id, about, text, supersedes, seq) VALUES (?, ?, ?, NULL, ?)",
                 (note_id, about, text, entry.seq))  # fmt: skip
    return entry


def tamper(
    case: Case | Path, sql: str, params: tuple = (), *, passphrase: str = PASSPHRASE
) -> None:
    """Run one SQL statement on the case's file behind the app's back."""
    with tampering(case, passphrase) as conn:
        conn.execute(sql, params)


def described_package(case: Case, folder: Path) -> Path:
    """A whole-case package whose first item was described twice (so a rollback shows)."""
    first = list_items(case.conn)[0].id
    describe_item(case, first, {"title": "Cell 2, east wall", "location": "Balakliia"})
    export(case, folder / "pkg", recipient_label="Mykola")
    return folder / "pkg"


def rebag(bag: Path) -> None:
    """What anyone can do: make Payload-Oxum and every manifest match the files again."""
    files = [p for p in (bag / "data").rglob("*") if p.is_file()]
    set_info(bag, "Payload-Oxum", f"{sum(p.stat().st_size for p in files)}.{len(files)}")
    rehash(bag)


def case_json(bag: Path, edit: Callable[[dict], None]) -> None:
    path = bag / "data/case.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def log_lines(bag: Path) -> list[str]:
    return (bag / "data/custody.jsonl").read_text(encoding="utf-8").splitlines()


def _write_lines(bag: Path, lines: list[str]) -> None:
    (bag / "data/custody.jsonl").write_text("".join(x + "\n" for x in lines), encoding="utf-8")


def _edit_line(bag: Path, pick: Callable[[dict], bool], edit: Callable[[str], str]) -> None:
    _write_lines(bag, [edit(x) if pick(json.loads(x)) else x for x in log_lines(bag)])


def _action(line: dict) -> str | None:
    return line.get("content", {}).get("action")


def _roll_back_description(bag: Path) -> None:
    """Withhold the latest item.describe in transit (hashes stay: the chain still links) and
    put the older description back into case.json."""
    lines = [json.loads(x) for x in log_lines(bag)]
    describes = [x for x in lines if _action(x) == "item.describe"]
    older, latest = describes[-2]["content"], describes[-1]
    del latest["content"]
    _write_lines(bag, [json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in lines])

    def older_description(doc: dict) -> None:
        for item in doc["items"]:
            if item["id"] == older["subject"]:
                item["description"] = older["details"]

    case_json(bag, older_description)


def _forge_report(bag: Path) -> None:
    (bag / "data/report.pdf").write_bytes(b"%PDF-1.7\n% a forged report\n")


def _verify_md_fingerprint(bag: Path) -> None:
    path = bag / "data/VERIFY.md"
    text = path.read_text(encoding="utf-8")
    sender = json.loads(log_lines(bag)[-1])["actor"]
    path.write_text(text.replace(sender, "ab" * 32), encoding="utf-8")


def _bag_info(label: str, value: str) -> Callable[[Path], None]:
    return lambda bag: set_info(bag, label, value)


def _add_info_field(bag: Path) -> None:
    with open(bag / "bag-info.txt", "a", encoding="utf-8") as f:
        f.write("Internal-Sender-Description: sent by the defence\n")


def _remove_note(bag: Path) -> None:
    case_json(bag, lambda doc: doc.update(notes=[]))


def _rename_identity(bag: Path) -> None:
    case_json(bag, lambda doc: doc["identities"][0].update(name="Mallory", role="judge"))


def _forge_metadata(bag: Path) -> None:
    case_json(bag, lambda doc: doc["items"][0].update(metadata={"gps": "50.0, 36.0"}))


def _repeat_key(bag: Path) -> None:
    """A second "content" key: a reader keeping the first and one keeping the last differ."""
    _edit_line(bag, lambda x: x["seq"] == 1,
               lambda s: s[:-1] + ',"content":{"action":"item.access"}}')  # fmt: skip


def _unknown_key(bag: Path) -> None:
    _edit_line(bag, lambda x: x["seq"] == 1, lambda s: s[:-1] + ',"note":"trust me"}')


def _repeat_key_in_case_json(bag: Path) -> None:
    path = bag / "data/case.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"format":', '"package": "forged",\n "format":', 1))


def _rewrite_export_line(bag: Path) -> None:
    lines = log_lines(bag)
    lines[-1] = json.dumps(json.loads(lines[-1]), ensure_ascii=True)
    _write_lines(bag, lines)


# name -> (tamper, a phrase verify-package's findings must hold)
TAMPERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "forged-report": (_forge_report, "'data/report.pdf' is not in the export entry's signed"),
    "extra-payload": (
        lambda bag: (bag / "data/notes.txt").write_text("extra"),
        "'data/notes.txt' is not in the export entry's signed file list",
    ),
    "verify-md-fingerprint": (
        _verify_md_fingerprint,
        "'data/VERIFY.md' differs from the file the export entry signed",
    ),
    "contact-name": (_bag_info("Contact-Name", "Mallory"), "'Contact-Name' is not the signed"),
    "source-organization": (
        _bag_info("Source-Organization", "Defence"),
        "'Source-Organization' is not the signed value",
    ),
    "case-title": (_bag_info("Vault-Case-Title", "Other"), "'Vault-Case-Title' is not the"),
    "case-id": (
        _bag_info("Vault-Case-Id", "00000000-0000-4000-8000-000000000000"),
        "'Vault-Case-Id' is not the signed value",
    ),
    "bagging-date": (_bag_info("Bagging-Date", "2020-01-01"), "'Bagging-Date' is not the"),
    "bag-info-added-field": (_add_info_field, "'Internal-Sender-Description' is not the signed"),
    "renamed-identity": (
        _rename_identity,
        "'data/case.json' differs from the file the export entry signed",
    ),
    "forged-metadata": (_forge_metadata, "'data/case.json' differs from the file"),
    "note-removed": (_remove_note, "but case.json does not hold it"),
    "withheld-in-transit": (_roll_back_description, "but the export entry signed []"),
    "repeated-key-in-log": (_repeat_key, "repeats the key 'content'"),
    "unknown-key-in-log": (_unknown_key, "has an unknown field 'note'"),
    "repeated-key-in-case-json": (_repeat_key_in_case_json, "case.json repeats the key 'package'"),
    "export-line-rewritten": (_rewrite_export_line, "export entry's line in data/custody.jsonl"),
    "file-list-removed": (
        lambda bag: (bag / "signed-files-sha256.txt").unlink(),
        "signed-files-sha256.txt is missing or is not the file list the export entry signed",
    ),
}


def tampered(package: Path, name: str) -> Path:
    bag = copy_bag(package, package.parent / name)
    TAMPERS[name][0](bag)
    rebag(bag)
    return bag
