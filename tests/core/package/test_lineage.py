"""Lineage cannot be poisoned (issue 9 §3).

A kept chain is found by the case id AND head that a signed package.import names, and kept
under its case id AND its creator's key: a stranger's self-signed log claiming someone's
case id is refused when nothing links to it, and never stands in for the real one.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from tests.core.package.test_hostile_package_claims import rebag, resign
from tests.helpers.package import (
    PASSPHRASE,
    camera_files,
    kept_entries,
    olena_case,
    received_case,
)
from tests.helpers.tamper import tamper, tampering
from vault.case import handle
from vault.case.handle import Case
from vault.cli.main import main
from vault.custody.entry import read_entries
from vault.custody.verify import verify_case
from vault.errors import InvalidInput, PackageRefused
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.package.export import export
from vault.package.model import kept_keys
from vault.package.receive import receive
from vault.package.verify import verify_package


@contextmanager
def stranger_claiming(
    case_id: str, path: Path, photos: list[Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Case]:
    """Mallory's own case, made under a case id she chose (someone else's), signed by her,
    on a computer of her own (her own witness folder: this one never saw her case)."""
    with monkeypatch.context() as computer:
        computer.setenv("XDG_DATA_HOME", str(path.parent / "mallory-data"))
        with monkeypatch.context() as patch:
            patch.setattr(handle.uuid, "uuid4", lambda: uuid.UUID(case_id))
            mallory = Case.create(path, PASSPHRASE, title="Балаклія", investigator="Mallory")
        with mallory:
            import_paths(mallory, photos)
            yield mallory


def petros_package(folder: Path, corpus: Path) -> Path:
    """Petro's genuine package (one camera photo of his own case) at folder/petro."""
    with Case.create(folder / "petro.evault", PASSPHRASE, title="Izium", investigator="P") as petro:
        import_paths(petro, camera_files(corpus, 5)[4:])
        export(petro, folder / "petro")
    return folder / "petro"


def mallorys_empty_package(case_id: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Mallory's package of an empty case made under `case_id`, at folder/mallory."""
    with stranger_claiming(case_id, folder / "m.evault", [], monkeypatch) as mallory:
        export(mallory, folder / "mallory")
    return folder / "mallory"


def back_to_schema_2(conn: sqlcipher.Connection) -> None:
    """Rebuild the lineage table as schema 2 had it (kept chains keyed by case id only) and
    mark the file schema 2: no act of the app can do it, so it is done behind its back."""
    conn.execute("CREATE TABLE v2 (source_case TEXT NOT NULL, seq INTEGER NOT NULL,"
                 " line TEXT NOT NULL, PRIMARY KEY (source_case, seq))")  # fmt: skip
    conn.execute("INSERT INTO v2 SELECT source_case, seq, line FROM lineage")
    conn.execute("DROP TABLE lineage")
    conn.execute("ALTER TABLE v2 RENAME TO lineage")
    conn.execute("DROP TABLE report_keys")  # schema 4, unknown to a schema 2 file
    # schema 6's thumbnails table: schema 2 kept them in the items' rows
    conn.execute("UPDATE items SET thumbnail = (SELECT data FROM thumbnails WHERE item_id = id)")
    conn.execute("DROP TABLE thumbnails")
    conn.execute("PRAGMA user_version = 2")


def findings(bag: Path) -> str:
    result = verify_package(bag)
    assert not result.ok
    assert main(["verify-package", str(bag)]) == 1
    return " | ".join(str(f) for f in result.findings)


def test_a_strangers_lineage_added_to_a_genuine_package_is_refused(
    investigator: Case,
    lawyer: Case,
    tmp_path: Path,
    corpus: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: Petro's genuine package with Mallory's log for Olena's case id added passed,
    the log was kept as Olena's, and every later package from Olena was refused."""
    petro = petros_package(tmp_path, corpus)
    forged = mallorys_empty_package(investigator.id, tmp_path, monkeypatch) / "data/custody.jsonl"
    (petro / "data/lineage").mkdir()
    shutil.copy(forged, petro / f"data/lineage/{investigator.id}.jsonl")
    rebag(petro)
    assert "no package.import in the package's custody links to it" in findings(petro)
    with pytest.raises(PackageRefused):
        receive(lawyer, petro)
    assert kept_keys(lawyer.conn) == []
    export(investigator, tmp_path / "olena.zip")
    assert receive(lawyer, tmp_path / "olena.zip").items == 3


def test_a_strangers_case_claiming_a_known_case_id_never_stands_in_for_the_real_one(
    investigator: Case,
    lawyer: Case,
    tmp_path: Path,
    corpus: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mallory sends a signed package of her own case, made under Olena's case id. It is a
    valid package (her fingerprint is what the phone call checks); kept apart by its
    creator's key, it neither blocks Olena's genuine package nor vouches for her items."""
    photos = camera_files(corpus, 5)[3:]
    with stranger_claiming(investigator.id, tmp_path / "m.evault", photos, monkeypatch) as mallory:
        export(mallory, tmp_path / "mallory.zip")
        fake = mallory.signer.fingerprint
    assert receive(lawyer, tmp_path / "mallory.zip").items == 2
    export(investigator, tmp_path / "olena.zip")
    assert receive(lawyer, tmp_path / "olena.zip").items == 3
    real = investigator.signer.fingerprint
    assert set(kept_keys(lawyer.conn)) == {(investigator.id, fake), (investigator.id, real)}
    assert verify_case(lawyer).ok
    olenas = [i.id for i in list_items(investigator.conn)]
    export(lawyer, tmp_path / "onward", item_ids=olenas)
    onward = verify_package(tmp_path / "onward")
    assert onward.ok, onward.findings
    assert [title for _id, title, _n in onward.custody] == ["Балаклія", "Prosecution"]
    with pytest.raises(InvalidInput, match="two different logs"):
        export(lawyer, tmp_path / "everything")


def test_a_lineage_log_claiming_the_packages_own_case_is_refused(
    investigator: Case,
    tmp_path: Path,
) -> None:
    export(investigator, tmp_path / "pkg")
    (tmp_path / "pkg/data/lineage").mkdir()
    shutil.copy(
        tmp_path / "pkg/data/custody.jsonl", tmp_path / f"pkg/data/lineage/{investigator.id}.jsonl"
    )
    rebag(tmp_path / "pkg")
    assert "claims the package's own case" in findings(tmp_path / "pkg")


def test_an_items_trace_must_end_at_or_before_the_head_its_import_names(
    investigator: Case,
    lawyer: Case,
    tmp_path: Path,
    corpus: Path,
) -> None:
    """Mykola receives a photo from Olena; later she takes another and sends it too. A
    hostile Mykola re-signs his log so that the second photo's package.import names the
    first package's head: the photo's item.import lies after that head, so the claim that
    it came with the first package is refused."""
    first = list_items(investigator.conn)[0].id
    export(investigator, tmp_path / "p1", item_ids=[first])
    receive(lawyer, tmp_path / "p1")
    (later,) = import_paths(investigator, camera_files(corpus, 4)[3:]).imported
    export(investigator, tmp_path / "p2", item_ids=[later.id])
    receive(lawyer, tmp_path / "p2")
    export(lawyer, tmp_path / "onward")
    assert verify_package(tmp_path / "onward").ok

    def backdate(entries: list[dict]) -> None:
        imports = [e for e in entries if e.get("content", {}).get("action") == "package.import"]
        imports[1]["content"]["details"]["source_head"] = imports[0]["content"]["details"][
            "source_head"
        ]

    resign(tmp_path / "onward", lawyer.signer, backdate)
    assert "no entry of case" in findings(tmp_path / "onward")


def test_kept_chains_of_a_schema_2_case_are_keyed_by_their_creator_after_opening(
    investigator: Case,
    tmp_path: Path,
) -> None:
    """A case that received a package under schema 2 (kept chains keyed by case id only)
    opens, is migrated, and still verifies with its kept chain under (case id, creator)."""
    export(investigator, tmp_path / "p")
    sent = (tmp_path / "p/data/custody.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "old.evault"
    with Case.create(path, PASSPHRASE, title="Prosecution") as lawyer:
        receive(lawyer, tmp_path / "p")
    # Back to the schema-2 table, rows as schema 2 wrote them (no act of the app can do it).
    with tampering(path, PASSPHRASE) as conn:
        conn.execute("BEGIN")
        back_to_schema_2(conn)
        conn.execute("COMMIT")
    with Case.open(path, PASSPHRASE) as reopened:
        migrated = list(read_entries(reopened.conn))[-1]
        assert (migrated.action, migrated.details["from"]) == ("case.migrate", 2)
        kept = {key: kept_entries(reopened.conn, key) for key in kept_keys(reopened.conn)}
        assert list(kept) == [(investigator.id, investigator.signer.fingerprint)]
        assert [
            e.entry_hash.hex() for e in kept[investigator.id, investigator.signer.fingerprint]
        ] == [json.loads(line)["entry_hash"] for line in sent]
        assert verify_case(reopened).ok


def test_a_case_that_kept_a_strangers_log_before_this_fix_accepts_the_real_sender_after_opening(
    investigator: Case,
    lawyer: Case,
    tmp_path: Path,
    corpus: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under schema 2 the stranger's log, smuggled in beside a genuine package, was kept as
    Olena's case's log. Opened now, it is kept apart under its creator's key, flagged as
    vouching for nothing, and Olena's genuine package is received."""
    receive(lawyer, petros_package(tmp_path, corpus))
    mallory = mallorys_empty_package(investigator.id, tmp_path, monkeypatch)
    forged = (mallory / "data/custody.jsonl").read_text(encoding="utf-8").splitlines()
    lawyer.close()
    # The rows the schema-2 app kept, then that app's table (behind the app's back).
    with tampering(lawyer, PASSPHRASE) as conn:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO lineage VALUES (?, '', ?, ?)",
            [(investigator.id, json.loads(line)["seq"], line) for line in forged],
        )
        back_to_schema_2(conn)
        conn.execute("COMMIT")
    export(investigator, tmp_path / "olena.zip")
    with Case.open(tmp_path / "mykola.evault", PASSPHRASE) as reopened:
        assert receive(reopened, tmp_path / "olena.zip").items == 3
        result = verify_case(reopened)
        assert result.ok
        (warning,) = [f for f in result.findings if f.level == "warning"]
        assert "vouches for nothing" in str(warning) and investigator.id in str(warning)


def test_a_kept_line_withheld_as_null_content_travels_on_in_the_withheld_form(
    tmp_path: Path, corpus: Path
) -> None:
    """Another tool may write a withheld entry as `"content": null`; the app keeps it as
    received, and sends it on as DESIGN §5 writes a withheld entry, with no content key,
    which the recipient's own checker (VERIFY.md) reads."""
    lawyer, _ids = received_case(tmp_path, corpus)
    (seq, line) = lawyer.conn.execute(
        "SELECT seq, line FROM lineage WHERE line LIKE '%\"package.export\"%'"
    ).fetchone()
    entry = json.loads(line)
    nulled = json.dumps({**entry, "content": None}, separators=(",", ":"))
    tamper(lawyer, "UPDATE lineage SET line = ? WHERE seq = ?", (nulled, seq),
           passphrase=PASSPHRASE)  # fmt: skip
    export(lawyer, tmp_path / "on")
    lawyer.close()
    (shipped,) = (tmp_path / "on/data/lineage").iterdir()
    lines = [json.loads(text) for text in shipped.read_text(encoding="utf-8").splitlines()]
    assert "content" not in lines[entry["seq"]]
    assert lines[entry["seq"]]["entry_hash"] == entry["entry_hash"]
    assert verify_package(tmp_path / "on").ok


def test_a_colleague_added_who_never_signed_travels_on_to_third_hands(
    tmp_path: Path, corpus: Path
) -> None:
    """Olena adds a colleague who never acts; her package goes to the lawyer, and on from
    him to the court, who receives it: the colleague's key travels with her chain."""
    with olena_case(tmp_path, corpus) as olena:
        colleague = olena.add_identity("Taras", role="investigator")
        export(olena, tmp_path / "to-lawyer")
    with Case.create(tmp_path / "l.evault", PASSPHRASE, title="Defence") as lawyer:
        receive(lawyer, tmp_path / "to-lawyer")
        export(lawyer, tmp_path / "to-court")
    assert (tmp_path / f"to-court/data/keys/{colleague.fingerprint}.pem").is_file()
    with Case.create(tmp_path / "c.evault", PASSPHRASE, title="Court") as court:
        received = receive(court, tmp_path / "to-court")
        assert received.items == 3
        assert verify_case(court).ok


def test_a_package_with_key_files_for_its_actors_only_verifies(
    tmp_path: Path, corpus: Path
) -> None:
    """DESIGN §5 asks a key file for every actor of every chain: another tool may leave out
    a colleague introduced who never signed. A file shipped for them must still be theirs."""
    with olena_case(tmp_path, corpus) as olena:
        colleague = olena.add_identity("Taras", role="investigator")
        export(olena, tmp_path / "pkg")
        signer = olena.signer
    bag = tmp_path / "pkg"
    unused = bag / f"data/keys/{colleague.fingerprint}.pem"
    other_key = next(p for p in (bag / "data/keys").iterdir() if p != unused).read_bytes()
    unused.unlink()
    resign(bag, signer, lambda _entries: None)
    assert verify_package(bag).ok
    unused.write_bytes(other_key)
    resign(bag, signer, lambda _entries: None)
    assert "the key file of " + colleague.fingerprint[:16] in findings(bag)
