"""Evidence packages end to end: export, verify-package, receive, and every tamper refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers.package import (
    PACKAGE_PASSPHRASE,
    PASSPHRASE,
    UK_NOTE,
    copy_bag,
    rehash,
)
from tests.helpers.tamper import tamper
from vault.case.handle import Case
from vault.case.identity import Signer
from vault.cli.main import main
from vault.custody.verify import verify_case
from vault.errors import Cancelled, PackageRefused
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items, thumbnail
from vault.evidence.notes import add_note
from vault.package.age import DecryptFailed
from vault.package.export import export
from vault.package.model import safe_name
from vault.package.receive import receive
from vault.package.verify import verify_package


@pytest.fixture
def package(investigator: Case, tmp_path: Path) -> Path:
    export(investigator, tmp_path / "pkg", recipient_label="Mykola")
    return tmp_path / "pkg"


def reasons(path: Path, passphrase: str | None = None) -> str:
    result = verify_package(path, passphrase=passphrase)
    assert not result.ok
    return " | ".join(str(f) for f in result.findings)


def test_custody_runs_from_first_hands_to_last_across_two_packages(investigator, tmp_path):
    first = [i.id for i in list_items(investigator.conn)][:2]
    export(investigator, tmp_path / "p1.zip.age", item_ids=first, recipient_label="Mykola",
           encrypt_passphrase=PACKAGE_PASSPHRASE)  # fmt: skip
    with Case.create(tmp_path / "mykola.evault", PASSPHRASE, title="Prosecution") as lawyer:
        received = receive(lawyer, tmp_path / "p1.zip.age", passphrase=PACKAGE_PASSPHRASE)
        assert (received.items, received.notes) == (2, 1)
        add_note(lawyer, "Prosecutor's note", about=first[0])
        assert verify_case(lawyer).ok
        export(lawyer, tmp_path / "p2.zip", recipient_label="Defence expert")
    expert = verify_package(tmp_path / "p2.zip")
    assert expert.ok, expert.findings
    assert [title for _id, title, _n in expert.custody] == ["Балаклія", "Prosecution"]
    assert expert.items == 2 and expert.notes == 2
    assert main(["verify-package", str(tmp_path / "p2.zip")]) == 0


def test_received_item_keeps_its_id_lineage_and_note(investigator, tmp_path, package):
    with Case.create(tmp_path / "b.evault", PASSPHRASE, title="B") as lawyer:
        receive(lawyer, package)
        theirs = [(i.id, i.sha256) for i in list_items(investigator.conn)]
        assert [(i.id, i.sha256) for i in list_items(lawyer.conn)] == theirs  # in their order
        kept = lawyer.conn.execute("SELECT count(*) FROM lineage").fetchone()[0]
        assert kept == len((package / "data/custody.jsonl").read_text().splitlines())
        tamper(
            lawyer,
            "UPDATE lineage SET line = replace(line, '\"seq\":1,', '\"seq\":9,')",
            passphrase=PASSPHRASE,
        )
        assert not verify_case(lawyer).ok  # kept sender chains are re-verified


def test_withheld_items_keep_the_log_verifiable(investigator, tmp_path):
    one = list_items(investigator.conn)[0].id
    result = export(investigator, tmp_path / "one", item_ids=[one])
    assert result.withheld >= 2 and verify_package(tmp_path / "one").ok
    lines = [json.loads(x) for x in (tmp_path / "one/data/custody.jsonl").read_text().splitlines()]
    assert sum("content" not in x for x in lines) == result.withheld


def test_cancelled_export_leaves_no_package(investigator, tmp_path):
    with pytest.raises(Cancelled):
        export(investigator, tmp_path / "out.zip", cancelled=lambda: True)
    assert list(tmp_path.glob("*out.zip*")) == []


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("original", "is not the file its custody records"),
        ("case_json", "description of"),
        ("custody", "content was changed after signing"),
        ("removed", "is missing"),
        ("extra", "is not an item of this package"),
        ("reordered", "out of order"),
        ("withheld_hash", "entry hash does not match"),
        ("other_key", "signature does not verify"),
        ("package_id", "package id differs"),
    ],
)
def test_tampered_package_is_refused_with_its_own_reason(package, tmp_path, tamper, reason):
    bag = copy_bag(package, tmp_path / "tampered")
    _TAMPERS[tamper](bag)
    rehash(bag)
    assert reason in reasons(bag)
    assert main(["verify-package", str(bag)]) == 1


def _flip_original(bag: Path) -> None:
    path = next((bag / "data/originals").rglob("*.*"))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))


def _edit_case_json(bag: Path) -> None:
    doc = json.loads((bag / "data/case.json").read_text())
    doc["items"][0]["description"] = {"title": "Something else"}
    (bag / "data/case.json").write_text(json.dumps(doc, ensure_ascii=False))


def _lines(bag: Path) -> list[dict]:
    return [json.loads(x) for x in (bag / "data/custody.jsonl").read_text().splitlines()]


def _write_lines(bag: Path, lines: list[dict]) -> None:
    text = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    (bag / "data/custody.jsonl").write_text(text)


def _edit_custody(bag: Path) -> None:
    lines = _lines(bag)
    lines[1]["content"]["details"]["source"] = "forged"
    _write_lines(bag, lines)


def _reorder(bag: Path) -> None:
    lines = _lines(bag)
    lines[1], lines[2] = lines[2], lines[1]
    _write_lines(bag, lines)


def _withheld_hash(bag: Path) -> None:
    lines = _lines(bag)
    del lines[2]["content"]
    lines[2]["content_hash"] = "00" * 32
    _write_lines(bag, lines)


def _other_key(bag: Path) -> None:
    lines = _lines(bag)
    lines[1]["sig"] = (
        Signer.generate("Mallory", "x", "").sign(bytes.fromhex(lines[1]["entry_hash"])).hex()
    )
    _write_lines(bag, lines)


def _package_id(bag: Path) -> None:
    info = (bag / "bag-info.txt").read_text()
    (bag / "bag-info.txt").write_text(
        info.replace("External-Identifier: ", "External-Identifier: 0")
    )


_TAMPERS = {
    "original": _flip_original,
    "case_json": _edit_case_json,
    "custody": _edit_custody,
    "removed": lambda bag: shutil.rmtree(next((bag / "data/originals").iterdir())),
    "extra": lambda bag: (bag / "data/originals/extra.jpg").write_bytes(b"x"),
    "reordered": _reorder,
    "withheld_hash": _withheld_hash,
    "other_key": _other_key,
    "package_id": _package_id,
}


def test_tampered_bytes_without_rehash_fail_the_bag_check(package, tmp_path):
    bag = copy_bag(package, tmp_path / "t")
    _flip_original(bag)
    assert "does not match its sha256 checksum" in reasons(bag)


def test_truncated_zip_is_refused(investigator, tmp_path):
    export(investigator, tmp_path / "p.zip")
    data = (tmp_path / "p.zip").read_bytes()
    (tmp_path / "cut.zip").write_bytes(data[: len(data) * 2 // 3])
    assert "truncated" in reasons(tmp_path / "cut.zip")


def test_wrong_age_passphrase_is_refused(investigator, tmp_path):
    export(investigator, tmp_path / "p.zip.age", encrypt_passphrase=PACKAGE_PASSPHRASE)
    with pytest.raises(DecryptFailed, match="passphrase"):
        verify_package(tmp_path / "p.zip.age", passphrase="not the passphrase")
    assert verify_package(tmp_path / "p.zip.age", passphrase=PACKAGE_PASSPHRASE).ok


def test_refused_package_imports_nothing(package, tmp_path):
    bag = copy_bag(package, tmp_path / "t")
    _flip_original(bag)
    rehash(bag)
    with Case.create(tmp_path / "b.evault", PASSPHRASE, title="B") as lawyer:
        with pytest.raises(PackageRefused) as refused:
            receive(lawyer, bag)
        assert refused.value.findings
        assert list_items(lawyer.conn) == []


HOSTILE = ["50%off.jpg", "line\nbreak.jpg", "..hidden.jpg", "Фото свідка.jpg", "ж" * 120 + ".jpg"]


def test_hostile_names_export_to_safe_paths_and_keep_true_names(tmp_path, corpus):
    source = tmp_path / "in"
    source.mkdir()
    photo = next((corpus / "camera").iterdir()).read_bytes()
    for n, name in enumerate(HOSTILE):
        (source / name).write_bytes(photo + bytes([n]))
    with Case.create(tmp_path / "h.evault", PASSPHRASE, title="H") as case:
        import_paths(case, [source])
        export(case, tmp_path / "pkg")
    doc = json.loads((tmp_path / "pkg/data/case.json").read_text())
    assert sorted(i["original_name"] for i in doc["items"]) == sorted(HOSTILE)
    for item in doc["items"]:
        name = item["path"].rsplit("/", 1)[1]
        assert not set(name) & set("/%\r\n\x00") and not name.startswith(".")
        assert len(name.encode()) <= 200 and name.endswith(".jpg")
        assert (tmp_path / "pkg" / item["path"]).is_file()
    assert verify_package(tmp_path / "pkg").ok


def test_safe_name_defuses_traversal():
    assert safe_name("../../etc/passwd") == "_.._etc_passwd"
    assert safe_name("..") == "_"


def test_uk_note_survives_the_round_trip(package):
    doc = json.loads((package / "data/case.json").read_text())
    assert [n["text"] for n in doc["notes"]] == [UK_NOTE]


def test_items_received_from_an_encrypted_package_get_fresh_metadata_and_thumbnails(
    investigator,
    tmp_path,
):
    sent = {i.id: i for i in list_items(investigator.conn)}
    export(investigator, tmp_path / "p.zip.age", encrypt_passphrase=PACKAGE_PASSPHRASE)
    lawyer = Case.create(
        tmp_path / "mykola.evault", PASSPHRASE, title="Prosecution", investigator="M"
    )
    receive(lawyer, tmp_path / "p.zip.age", passphrase=PACKAGE_PASSPHRASE)
    for item in list_items(lawyer.conn):
        assert item.metadata == sent[item.id].metadata
        assert item.warnings == sent[item.id].warnings
        assert thumbnail(lawyer.conn, item.id) == thumbnail(investigator.conn, item.id)
    lawyer.close()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("pytest")) == [
        "mykola.evault", "olena.evault", "p.zip.age"]  # fmt: skip


def test_log_keys_include_the_senders_of_received_chains(investigator, tmp_path):
    from vault.cli.case import write_keys

    export(investigator, tmp_path / "p.zip")
    lawyer = Case.create(
        tmp_path / "mykola.evault", PASSPHRASE, title="Prosecution", investigator="M"
    )
    receive(lawyer, tmp_path / "p.zip")
    write_keys(lawyer, tmp_path / "keys")
    lawyer.close()
    written = sorted(p.stem for p in (tmp_path / "keys").iterdir())
    assert written == sorted([investigator.signer.fingerprint, lawyer.signer.fingerprint])


def test_a_package_from_a_case_with_an_investigator_who_never_acted_verifies(
    investigator, tmp_path
):
    investigator.add_identity("Mykola", role="prosecutor")
    export(investigator, tmp_path / "pkg")
    assert verify_package(tmp_path / "pkg").ok
