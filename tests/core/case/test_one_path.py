"""One path for every act: each public write function of the core appends exactly one signed
entry (an import: one per file) in the transaction that writes its rows, and changes nothing
else; nothing can write to a case outside `Case.act`, and the app's reader cannot write."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from tests.helpers.case import PASSPHRASE, ROOT, new_case, reopen
from vault.case.certificate import issue_certificate
from vault.case.handle import Case
from vault.case.schema import SCHEMA_VERSION
from vault.case.view import CaseReader
from vault.custody.entry import read_entries
from vault.custody.verify import record_verification, verify_case
from vault.errors import VaultError
from vault.evidence.derive import derive_item
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.evidence.notes import add_note, amend_note, describe_item
from vault.package.export import export
from vault.package.receive import receive
from vault.provenance.check import recheck
from vault.report.generate import generate_report

Dump = dict[str, Counter]
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_PASSPHRASE = "schema fixture passphrase"  # tools/make_schema_fixture.py


def dump(case: Case) -> Dump:
    """Every row of every table, as a multiset per table."""
    tables = [r[0] for r in case.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: Counter(case.conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}


def one_act(
    case: Case, do: Callable[[], Any], action: str, owns: set[str] = frozenset(), entries: int = 1
) -> Any:
    """Run `do`; check it appended `entries` entries of `action` and, apart from them, only
    added rows to the tables the act owns (`owns`), changing and removing nothing."""
    before = dump(case)
    result = do()
    after = dump(case)
    for table in after:
        removed = before.get(table, Counter()) - after[table]
        assert not removed, f"{action} changed or removed rows of {table}"
        added = after[table] - before.get(table, Counter())
        if table not in owns | {"custody"}:
            assert not added, f"{action} wrote to {table}, which it does not own"
    new = [r for r in after["custody"] - before["custody"]]
    assert len(new) == entries, f"{action} appended {len(new)} entries, not {entries}"
    assert {r[7] for r in new} <= {action}  # the custody table's action column
    return result


@pytest.fixture
def case(tmp_path: Path) -> Case:
    opened = new_case(tmp_path)
    yield opened
    opened.close()


def test_every_public_write_function_appends_exactly_one_entry_and_nothing_else(
    case: Case, tmp_path: Path, corpus: Path
) -> None:
    assert [e.action for e in read_entries(case.conn)] == ["case.create"]
    assert {t: sum(c.values()) for t, c in dump(case).items() if c} == {
        "case_info": 1, "identities": 1, "custody": 1,
    }  # fmt: skip
    one_act(case, lambda: case.add_identity("Mykola", role="prosecutor"), "identity.add",
            {"identities"})  # fmt: skip
    photos = sorted((corpus / "camera").iterdir())[:2]
    imported = one_act(case, lambda: import_paths(case, photos, source="SD card"),
                       "item.import", {"blobs", "chunks", "items", "thumbnails"},
                       entries=2).imported  # fmt: skip
    first = imported[0].id
    # A file with Content Credentials: its import appends item.import, then item.provenance.
    (c2pa_item,) = [i.id for i in import_paths(case, [corpus / "c2pa" / "CA.jpg"]).imported]
    note = one_act(case, lambda: add_note(case, "Свідок", about=first), "note.add", {"notes"})
    one_act(case, lambda: amend_note(case, note.id, "Свідок бачив"), "note.amend", {"notes"})
    one_act(case, lambda: describe_item(case, first, {"title": "Cell 2"}), "item.describe")
    one_act(case, lambda: derive_item(case, first, b"a working copy", name="copy.txt",
                                      operation={"op": "extract", "member": "copy.txt"}),
            "item.derive", {"blobs", "chunks", "items", "thumbnails"})  # fmt: skip
    one_act(case, lambda: recheck(case, c2pa_item), "item.provenance")
    report = one_act(case, lambda: verify_case(case), "case.verify", entries=0)
    one_act(case, lambda: record_verification(case, report), "case.verify")
    one_act(case, lambda: export(case, tmp_path / "pkg"), "package.export")
    one_act(case, lambda: issue_certificate(case), "identity.certificate", {"report_keys"})
    one_act(case, lambda: generate_report(case, tmp_path / "r.pdf", language="uk"),
            "report.generate")  # fmt: skip
    with Case.create(tmp_path / "b.evault", PASSPHRASE, title="B") as lawyer:
        one_act(lawyer, lambda: receive(lawyer, tmp_path / "pkg"), "package.import",
                {"blobs", "chunks", "items", "thumbnails", "notes", "lineage",
                 "lineage_keys"})  # fmt: skip
        again = one_act(lawyer, lambda: receive(lawyer, tmp_path / "pkg"), "package.import",
                        entries=0)  # fmt: skip
        assert again.nothing_new
        assert verify_case(lawyer).ok
    assert verify_case(case).ok


def test_the_rows_of_an_act_carry_its_entry(case: Case, corpus: Path) -> None:
    (item,) = import_paths(case, [corpus / "camera" / "Canon_40D.jpg"]).imported
    note = add_note(case, "Свідок", about=item.id)
    by_seq = {e.seq: e for e in read_entries(case.conn)}
    (stored,) = list_items(case.conn)
    assert by_seq[stored.entered_seq].content["subject"] == item.id
    assert by_seq[note.seq].content["subject"] == note.id


def test_a_write_outside_an_act_is_refused_and_changes_nothing(case: Case) -> None:
    before = dump(case)
    for sql in (
        "INSERT INTO custody SELECT seq + 1, prev, content_hash, entry_hash, actor, sig,"
        " content, action, subject FROM custody",
        "UPDATE case_info SET title = 'Another place'",
        "DELETE FROM identities",
        "CREATE TABLE smuggled (x)",
        "PRAGMA user_version = 99",
    ):
        with pytest.raises(sqlcipher.DatabaseError, match="not authorized"):
            case.conn.execute(sql)
    assert dump(case) == before and case.file.schema_version == SCHEMA_VERSION


def test_a_write_compiled_inside_an_act_cannot_be_replayed_after_it(case: Case) -> None:
    sql = "UPDATE case_info SET number = ?"
    with case.act("item.describe", details={"number": "7"}) as act:
        act.conn.execute(sql, ("7",))  # compiled and cached while the act was open
    with pytest.raises(sqlcipher.DatabaseError, match="not authorized"):
        case.conn.execute(sql, ("8",))
    assert case.conn.execute("SELECT number FROM case_info").fetchone() == ("7",)


def test_another_thread_cannot_write_while_an_act_is_open(case: Case) -> None:
    refused: list[BaseException] = []

    def intrude() -> None:
        try:
            case.conn.execute("UPDATE case_info SET title = 'Another place'")
        except sqlcipher.DatabaseError as err:
            refused.append(err)

    with case.act("item.describe", details={}):
        thread = threading.Thread(target=intrude)
        thread.start()
        thread.join()
    assert refused and "not authorized" in str(refused[0])


def test_an_act_appends_exactly_one_entry(case: Case) -> None:
    with case.act("item.access", details={"purpose": "look"}) as act:
        entry = act.log()
        with pytest.raises(RuntimeError, match="exactly one entry"):
            act.log()
    with case.act("item.access", details={"purpose": "again"}):
        pass  # the entry is appended when the block ends
    assert [e.action for e in read_entries(case.conn)][-2:] == ["item.access"] * 2
    assert entry.seq == 1


def test_an_act_that_fails_leaves_no_rows_and_no_entry(case: Case) -> None:
    before = dump(case)
    with pytest.raises(ValueError), case.act("identity.add", details={}) as act:
        act.conn.execute("UPDATE case_info SET title = 'half done'")
        act.log()
        raise ValueError("interrupted")
    assert dump(case) == before


def test_an_abandoned_act_leaves_no_rows_and_no_entry(case: Case) -> None:
    before = dump(case)
    with case.act("package.import", details={}) as act:
        act.conn.execute("UPDATE case_info SET title = 'half done'")
        act.abandon()
        with pytest.raises(RuntimeError):
            act.log()
    assert dump(case) == before


def test_acts_do_not_nest(case: Case) -> None:
    with (
        case.act("item.access", details={}),
        pytest.raises(RuntimeError, match="nest"),
        case.act("item.access", details={}),
    ):
        pass
    assert [e.action for e in read_entries(case.conn)] == ["case.create", "item.access"]


def test_an_entry_cannot_be_appended_once_its_act_is_over(case: Case) -> None:
    with case.act("item.access", details={}) as act:
        pass
    with pytest.raises(RuntimeError):
        act.log()
    assert len(list(read_entries(case.conn))) == 2


def test_the_reader_the_app_uses_has_no_way_to_write(case: Case, corpus: Path) -> None:
    import_paths(case, [corpus / "camera" / "Canon_40D.jpg"])
    reader = CaseReader(case)
    public = {name for name in dir(reader) if not name.startswith("_")}
    assert public == {
        "info", "witness_finding", "actor", "items", "tags", "description", "thumbnail",
        "original", "stream", "playback", "events", "notes", "log_entries", "actor_names",
        "subject_labels", "last_verification", "sensitive_ids", "provenance", "hands", "history",
        "described_by", "note_authors", "kept_events", "anchors", "report_certificate", "lister",
        "item", "copy_names", "own_connection", "info_signed", "pending_signatures",
        "check_signatures", "shown_notes",
    }  # fmt: skip
    before = dump(case)
    (item,) = reader.items()
    reader.tags(item.id), reader.description(item.id), reader.thumbnail(item.id)
    b"".join(reader.original(item.id)), reader.events(item.id), reader.notes()
    reader.stream(item.id).read_at(0, 1 << 20)
    playback = reader.playback(item.id)  # a connection of its own, read-only
    playback.read_at(0, 1 << 20)
    playback.close()
    own = reader.own_connection()  # the list's background count: it reads, refuses writes
    assert own.execute("SELECT count(*) FROM items").fetchone() == (1,)
    with pytest.raises(sqlcipher.OperationalError, match=r"readonly|query_only"):
        own.execute("DELETE FROM items")
    own.close()
    reader.sensitive_ids(), reader.pending_signatures, reader.check_signatures(10)
    reader.log_entries(), reader.actor_names(), reader.subject_labels([item])
    reader.last_verification(), reader.provenance()
    reader.hands(), reader.history(item.id), reader.described_by(item.id)
    reader.note_authors(reader.notes()), reader.shown_notes(reader.notes()), reader.kept_events()
    reader.anchors(), reader.report_certificate()  # None: reading never self-issues one
    assert dump(case) == before


def test_the_app_never_touches_the_case_connection() -> None:
    """ui/ reads through `CaseReader` and writes through the core's act functions only."""
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("conn", "file", "act"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert not offenders


# Every `.act(` in the core, by module and function, and the test above that covers it.
ACT_SITES = {
    ("vault/case/handle.py", "start"): "case.create",
    ("vault/case/handle.py", "_migrate"): "case.migrate (test below)",
    ("vault/case/handle.py", "add_identity"): "identity.add",
    ("vault/evidence/ingest.py", "import_file"): "item.import",
    ("vault/evidence/notes.py", "_write_note"): "note.add, note.amend",
    ("vault/evidence/notes.py", "describe_item"): "item.describe",
    ("vault/evidence/derive.py", "_store"): "item.derive",
    ("vault/custody/verify.py", "record_verification"): "case.verify",
    ("vault/package/export.py", "_close"): "package.export",
    ("vault/package/receive.py", "_import"): "package.import",
    ("vault/report/generate.py", "_publish"): "report.generate",
    ("vault/case/certificate.py", "_record"): "identity.certificate",
    ("vault/custody/anchors.py", "timestamp_case"): "anchor.timestamp",
    ("vault/provenance/record.py", "record_provenance"): "item.provenance",
}


def test_every_act_of_the_core_is_covered_by_the_one_entry_test() -> None:
    found = set()
    for path in sorted((ROOT / "vault").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "act"
                ):
                    found.add((path.relative_to(ROOT).as_posix(), func.name))
    assert found == set(ACT_SITES), "a new act: add it to the one-entry test above"


def test_only_the_one_path_inserts_custody_entries() -> None:
    for path in sorted((ROOT / "vault").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.relative_to(ROOT).as_posix() != "vault/case/handle.py":
            assert "INSERT INTO custody" not in text, path
            assert "sign_entry" not in text or path.name == "entry.py", path


def test_only_one_function_writes_an_items_row() -> None:
    """vault/evidence/rows.py writes an item's row and its thumbnail's together."""
    for path in sorted((ROOT / "vault").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() != "vault/evidence/rows.py":
            assert "INSERT INTO items" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_opening_an_older_case_migrates_it_as_one_signed_act(tmp_path: Path, version: int) -> None:
    path = shutil.copy(FIXTURES / f"case-v{version}.evault", tmp_path / "old.evault")
    with Case.open(path, FIXTURE_PASSPHRASE) as case:
        entries = list(read_entries(case.conn))
        migrate = entries[-1]
        assert [e.action for e in entries].count("case.migrate") == 1
        assert migrate.action == "case.migrate" and migrate.actor == case.signer.fingerprint
        assert migrate.details == {
            "from": version, "to": SCHEMA_VERSION, "app_version": migrate.details["app_version"],
        }  # fmt: skip
        assert case.file.schema_version == SCHEMA_VERSION
        assert verify_case(case).ok
    with Case.open(path, FIXTURE_PASSPHRASE) as again:  # migrated once, never again
        assert [e.action for e in read_entries(again.conn)].count("case.migrate") == 1


def test_an_older_case_opened_as_another_investigator_is_migrated_under_their_key(
    tmp_path: Path,
) -> None:
    path = shutil.copy(FIXTURES / "case-v1.evault", tmp_path / "old.evault")
    with Case.open(path, FIXTURE_PASSPHRASE) as case:
        creator = case.signer.fingerprint
    shutil.copy(FIXTURES / "case-v1.evault", path)
    with Case.open(path, FIXTURE_PASSPHRASE, actor=creator) as case:
        assert list(read_entries(case.conn))[-1].actor == creator


@pytest.fixture
def read_only_disk(tmp_path: Path) -> Callable[[list[Path]], Path]:
    """A real file system (tmpfs) holding copies of the given files, remounted read-only."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(mount)], check=True)

    def holding(files: list[Path]) -> Path:
        for f in files:
            shutil.copy(f, mount / f.name)
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        return mount

    yield holding
    subprocess.run(["umount", "-l", str(mount)], check=True)


def test_an_older_case_on_read_only_storage_says_it_needs_upgrading_and_is_unchanged(
    read_only_disk: Callable[[list[Path]], Path],
) -> None:
    disk = read_only_disk([FIXTURES / "case-v1.evault"])
    before = (disk / "case-v1.evault").read_bytes()
    with pytest.raises(VaultError, match="must be upgraded"):
        Case.open(disk / "case-v1.evault", FIXTURE_PASSPHRASE)
    assert (disk / "case-v1.evault").read_bytes() == before


def test_a_current_case_on_read_only_storage_reads_and_refuses_acts_clearly(
    case: Case, read_only_disk: Callable[[list[Path]], Path]
) -> None:
    case.close()
    disk = read_only_disk([case.path])
    with Case.open(disk / case.path.name, PASSPHRASE) as on_disk:
        assert CaseReader(on_disk).log_entries()[0].action == "case.create"
        with pytest.raises(VaultError, match="read-only: nothing could be recorded"):
            add_note(on_disk, "cannot be written")


def test_a_current_case_opens_without_a_migration_entry(case: Case) -> None:
    reopened = reopen(case)
    try:
        assert [e.action for e in read_entries(reopened.conn)] == ["case.create"]
    finally:
        reopened.close()
