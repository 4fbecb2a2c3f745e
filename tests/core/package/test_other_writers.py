"""Packages in forms DESIGN.md and RFC 8493 allow that this app's exporter never writes:
another tool's order of case.json's items and notes, manifests parted by tabs, folded
bag-info values, PEM files of another writer, names kept with a backslash. They verify and
are received; a circle of amendments, which no log can sign in order, and a key file of no
one the logs introduce are refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.core.package.test_hostile_package_claims import resign
from tests.helpers.package import PASSPHRASE, UK_NOTE, olena_case, rehash
from vault.case.handle import Case
from vault.case.identity import Signer, public_key_pem
from vault.evidence.notes import amend_note, list_notes
from vault.package.export import export
from vault.package.model import amending_order
from vault.package.receive import receive
from vault.package.verify import verify_package


def rewritten(folder: Path, corpus: Path, edit: Callable[[dict], None]) -> Path:
    """Olena's package (her note amended once), its case.json rewritten by `edit` and
    signed again by her, as another tool of hers would write it."""
    with olena_case(folder, corpus) as olena:
        (note,) = list_notes(olena.conn)
        amend_note(olena, note.id, "Свідок: утримували 47 днів.")
        export(olena, folder / "pkg")
        signer = olena.signer
    bag = folder / "pkg"
    doc = json.loads((bag / "data/case.json").read_text(encoding="utf-8"))
    edit(doc)
    (bag / "data/case.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    resign(bag, signer, lambda _entries: None)
    return bag


def received_notes(folder: Path, bag: Path) -> list[tuple[str, str | None]]:
    with Case.create(folder / "l.evault", PASSPHRASE, title="Defence") as lawyer:
        receive(lawyer, bag)
        return [(n.text, n.supersedes) for n in list_notes(lawyer.conn)]


def test_items_in_another_order_verify(tmp_path: Path, corpus: Path) -> None:
    bag = rewritten(tmp_path, corpus, lambda doc: doc["items"].reverse())
    assert verify_package(bag).ok


def test_an_amendment_listed_before_the_note_it_amends_is_received(
    tmp_path: Path, corpus: Path
) -> None:
    bag = rewritten(tmp_path, corpus, lambda doc: doc["notes"].reverse())
    assert verify_package(bag).ok
    (first, amends_none), (amended, amends) = received_notes(tmp_path, bag)
    assert (first, amends_none) == (UK_NOTE, None)
    assert amended.endswith("47 днів.") and amends is not None


def test_the_same_item_listed_twice_is_refused(tmp_path: Path, corpus: Path) -> None:
    bag = rewritten(tmp_path, corpus, lambda doc: doc["items"].append(doc["items"][0]))
    reasons = [f.reason for f in verify_package(bag).findings]
    assert "the items in the package are not the ones the export entry lists" in reasons


def test_notes_amending_each_other_in_a_circle_have_no_order() -> None:
    a, b = {"id": "a", "supersedes": "b"}, {"id": "b", "supersedes": "a"}
    assert amending_order([a, b]) is None
    assert amending_order([{"id": "c", "supersedes": "c"}]) is None
    later, first = {"id": "2", "supersedes": "1"}, {"id": "1", "supersedes": None}
    assert amending_order([later, first]) == [first, later]


def bag_of(folder: Path, corpus: Path) -> tuple[Path, Signer]:
    """Olena's package as her own exporter wrote it, and her key to sign it again."""
    with olena_case(folder, corpus) as olena:
        export(olena, folder / "pkg")
        return folder / "pkg", olena.signer


def test_manifests_parted_by_tabs_verify(tmp_path: Path, corpus: Path) -> None:
    """RFC 8493 §2.1.3: one or more blanks between a checksum and its path."""
    bag, _signer = bag_of(tmp_path, corpus)
    rehash(bag, blank="\t")
    assert "\t" in (bag / "manifest-sha256.txt").read_text(encoding="utf-8")
    assert verify_package(bag).ok


def test_a_bag_info_value_begun_on_its_next_line_verifies(tmp_path: Path, corpus: Path) -> None:
    """RFC 8493 §2.2.2 lets a long value continue on indented lines, the first one too."""
    bag, _signer = bag_of(tmp_path, corpus)
    info = bag / "bag-info.txt"
    text = info.read_text(encoding="utf-8")
    info.write_text(text.replace("Vault-Custody-Head: ", "Vault-Custody-Head:\n   "), "utf-8")
    rehash(bag, payload=False)
    assert verify_package(bag).ok


def test_key_files_another_pem_writer_made_verify(tmp_path: Path, corpus: Path) -> None:
    """The same keys with CRLF line endings and no final newline: what a PEM reader reads."""
    bag, signer = bag_of(tmp_path, corpus)
    for pem in (bag / "data/keys").iterdir():
        pem.write_bytes(pem.read_bytes().replace(b"\n", b"\r\n").rstrip())
    resign(bag, signer, lambda _entries: None)
    assert verify_package(bag).ok


def test_a_key_file_of_no_one_the_logs_introduce_is_refused(tmp_path: Path, corpus: Path) -> None:
    """Named in capitals, it would replace Olena's on a disk that ignores case."""
    bag, signer = bag_of(tmp_path, corpus)
    (real,) = (bag / "data/keys").iterdir()
    shouting = real.with_name(real.stem.upper() + ".pem")
    shouting.write_bytes(public_key_pem(Signer.generate("Mallory", "", "").identity.public_key))
    resign(bag, signer, lambda _entries: None)
    reasons = [f.reason for f in verify_package(bag).findings]
    assert f"data/keys/{shouting.name} is the key file of no one the logs introduce" in reasons


def test_a_name_kept_with_its_backslash_verifies(tmp_path: Path, corpus: Path) -> None:
    """DESIGN §5 makes a name safe by replacing '/', '%', CR, LF and NUL only: another
    tool may keep a backslash (a plain character in a folder package)."""
    bag, signer = bag_of(tmp_path, corpus)
    doc = json.loads((bag / "data/case.json").read_text(encoding="utf-8"))
    item = doc["items"][0]
    old = bag / item["path"]
    item["path"] = f"data/originals/{item['id']}/back\\slash.jpg"
    old.rename(bag / item["path"])
    (bag / "data/case.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    resign(bag, signer, lambda _entries: None)
    assert verify_package(bag).ok
