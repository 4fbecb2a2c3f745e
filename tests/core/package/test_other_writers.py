"""Packages in forms DESIGN.md allows that this app's exporter never writes: another
tool's order of case.json's items and notes. They verify and are received; only a circle
of amendments, which no log can sign in order, is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.core.package.test_hostile_package_claims import resign
from tests.helpers.package import PASSPHRASE, UK_NOTE, olena_case
from vault.case.handle import Case
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
