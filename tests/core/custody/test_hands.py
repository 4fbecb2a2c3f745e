"""Custody from the first hands (issue 12 §1): a received item keeps its whole history.

Olena imports, describes and notes a photo and exports a package for Advocate Petrenko; his
case receives it. His case must still show Olena as the one who imported, described and
noted it, with her times, before his own receipt."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers.package import (
    LAWYER,
    PASSPHRASE,
    UK_NOTE,
    court_case,
    kept_entries,
    received_case,
)
from tests.helpers.tamper import tamper
from vault.case.handle import Case, _identity_details
from vault.case.identity import Signer
from vault.case.view import CaseReader
from vault.cli.main import main
from vault.custody.entry import (
    Entry,
    canonical,
    entered_digests,
    read_entries,
    sign_entry,
    signed_line_content,
    to_jsonl,
)
from vault.custody.hands import Hands, concerned_items
from vault.custody.logchain import LoggedChain
from vault.custody.packed import PackedArray
from vault.custody.verify import verify_case
from vault.errors import VaultError
from vault.evidence.derive import derive_item
from vault.evidence.items import list_items, read_original
from vault.evidence.notes import add_note, describe_item, list_notes
from vault.package.model import (
    kept_keys,
    kept_lines,
    kept_log,
    verify_lineage,
)


@pytest.fixture
def received(tmp_path: Path, corpus: Path) -> Iterator[tuple[Case, list[str]]]:
    lawyer, ids = received_case(tmp_path, corpus)
    yield lawyer, ids
    lawyer.close()


def test_a_received_item_history_starts_with_the_investigators_own_acts(
    received: tuple[Case, list[str]],
) -> None:
    lawyer, ids = received
    add_note(lawyer, "Checked against the witness statement.", about=ids[0])
    hands = Hands(lawyer.conn, lawyer.id)
    events = hands.item(ids[0])
    story = [(e.actor_name, e.entry.action) for e in events]
    assert story == [
        ("Olena", "item.import"),
        ("Olena", "note.add"),
        ("Olena", "item.describe"),
        ("Olena", "package.export"),
        (LAWYER, "package.import"),
        (LAWYER, "note.add"),
    ]
    first, last = events[0].chain, events[-1].chain
    assert (first.hand, first.own, first.title) == (1, False, "Балаклія")
    assert (last.hand, last.own, last.case_id) == (2, True, lawyer.id)
    assert events[3].entry.details["recipient"] == LAWYER


def test_a_received_note_and_description_keep_their_author_and_time(
    received: tuple[Case, list[str]],
) -> None:
    lawyer, ids = received
    hands = Hands(lawyer.conn, lawyer.id)
    (note,) = [n for n in list_notes(lawyer.conn) if n.text == UK_NOTE]
    written = hands.note(note.id)
    assert written is not None and written.actor_name == "Olena"
    assert not written.chain.own
    (receipt,) = read_entries(lawyer.conn, "WHERE seq = ?", (note.seq,))
    assert receipt.action == "package.import"
    assert written.entry.at is not None and receipt.at is not None
    assert written.entry.at < receipt.at
    details, by = hands.description(ids[0])
    assert details == {"title": "Cell 2", "location": "Balakliia"}
    assert by is not None and by.actor_name == "Olena"


def test_people_and_their_keys_list_every_actor_of_every_chain(
    received: tuple[Case, list[str]],
) -> None:
    lawyer, _ids = received
    hands = Hands(lawyer.conn, lawyer.id)
    people = [(chain.case_id, person.name) for chain, person in hands.people()]
    olena_case = kept_keys(lawyer.conn)[0][0]
    assert people == [(olena_case, "Olena"), (lawyer.id, LAWYER)]


def test_items_json_lists_the_chain_of_hands(
    received: tuple[Case, list[str]], capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    lawyer, ids = received
    lawyer.close()
    monkeypatch.setenv("EVIDENCE_VAULT_PASSPHRASE", PASSPHRASE)
    assert main(["items", str(lawyer.path), "--json"]) == 0
    listed = {item["id"]: item for item in json.loads(capsys.readouterr().out)}
    hands = listed[ids[1]]["hands"]
    assert [(h["name"], h["action"]) for h in hands] == [
        ("Olena", "item.import"),
        ("Olena", "package.export"),
        (LAWYER, "package.import"),
    ]
    assert hands[0]["case"] != hands[2]["case"] == lawyer.id
    assert all(h["at"].endswith("Z") and len(h["actor"]) == 64 for h in hands)
    assert hands[2]["role"] == "advocate"


def test_a_case_of_its_own_has_one_hand(investigator: Case) -> None:
    hands = Hands(investigator.conn, investigator.id)
    assert not hands.received
    item_id = investigator.conn.execute("SELECT id FROM items LIMIT 1").fetchone()[0]
    assert [e.entry.action for e in hands.moves(item_id)] == ["item.import"]
    assert hands.description("no such item") == ({}, None)


def test_the_app_reads_an_items_hands_per_item_with_the_same_story(
    received: tuple[Case, list[str]],
) -> None:
    """The app asks about one item at a time and must not parse a big log whole to answer
    (issue 17 §4); what it answers is what a report, reading the whole log, says."""
    lawyer, ids = received
    add_note(lawyer, "Checked against the witness statement.", about=ids[0])
    describe_item(lawyer, ids[1], {"title": "Cell 3"})
    original = b"".join(read_original(lawyer.conn, ids[2]))
    derive_item(lawyer, ids[2], original, name="copy.jpg", operation={"op": "copy"})
    whole = Hands(lawyer.conn, lawyer.id)
    per_item = Hands(lawyer.conn, lawyer.id, per_item=True)

    def story(events: list) -> list[tuple[str, int, str | None, str]]:
        return [(e.chain.case_id, e.entry.seq, e.entry.action, e.actor_name) for e in events]

    for item in list_items(lawyer.conn):
        assert story(per_item.item(item.id)) == story(whole.item(item.id))
        assert per_item.description(item.id)[0] == whole.description(item.id)[0]
    for note in list_notes(lawyer.conn):
        assert story([per_item.note(note.id)]) == story([whole.note(note.id)])
    people = [(c.case_id, c.hand, p) for c, p in per_item.people()]
    assert people == [(c.case_id, c.hand, p) for c, p in whole.people()]
    assert per_item.description(ids[1])[0] == {"title": "Cell 3"}
    assert "item.derive" in [e.entry.action for e in per_item.item(ids[2])]  # its copy


def test_hands_hold_no_entry_about_one_item_only_its_place(
    received: tuple[Case, list[str]],
) -> None:
    """A report of a 20,000-item case held every parsed entry of every chain (issue 17);
    an entry about one item is now read again when that item is asked about."""
    lawyer, ids = received
    hands = Hands(lawyer.conn, lawyer.id)
    gc.collect()
    held = [obj for obj in gc.get_objects() if isinstance(obj, Entry)]
    assert all(len(concerned_items(entry)) > 1 for entry in held)  # a package's: once
    assert [e.entry.action for e in hands.item(ids[0])][:3] == [
        "item.import", "note.add", "item.describe"
    ]  # fmt: skip
    receipt = next(e for e in hands.item(ids[0]) if e.entry.action == "package.import").entry
    assert hands.own_entry(receipt.seq) is receipt  # every exhibit's entering entry: held
    (signed,) = read_entries(lawyer.conn, "WHERE seq = ?", (receipt.seq,))
    assert isinstance(receipt.details["items"], PackedArray)  # listing every item: packed
    assert receipt.details == signed.details and receipt.entry_hash == signed.entry_hash
    assert entered_digests(receipt) == entered_digests(signed) and len(entered_digests(signed))
    kept = list(hands.kept_events())
    assert [e.entry.seq for e in kept] == sorted(e.entry.seq for e in kept)
    assert {e.chain.hand for e in kept} == {1}


def test_an_entry_changed_after_it_was_first_read_stops_the_reader(
    received: tuple[Case, list[str]],
) -> None:
    """Read again, an entry must be the very text first read (and verified): a case file
    changed under a report is never shown as its custody."""
    lawyer, ids = received
    hands = Hands(lawyer.conn, lawyer.id)
    tamper(
        lawyer,
        "UPDATE lineage SET line = replace(line, '\"item.import\"', '\"item.import\" ')"
        " WHERE line LIKE ?",
        (f'%"subject":"{ids[0]}"%',),
        passphrase=PASSPHRASE,
    )
    with pytest.raises(VaultError, match="custody log changed while it was being read"):
        hands.item(ids[0])
    assert hands.item(ids[1])  # the others are still as first read
    own = Hands(lawyer.conn, lawyer.id)  # reads the changed line as it now is
    seq = own.own.log.entries([0])[0].seq
    changed = "UPDATE custody SET content = content || ' ' WHERE seq = ?"
    tamper(lawyer, changed, (seq,), passphrase=PASSPHRASE)
    with pytest.raises(VaultError, match="custody log changed while it was being read"):
        list(own.own.log)
    tamper(lawyer, "DELETE FROM custody WHERE seq = 1", passphrase=PASSPHRASE)
    with pytest.raises(VaultError, match="custody log changed while it was being read"):
        own.own.log.entry(1)


def test_a_kept_line_that_claims_another_seq_is_read_again_by_its_row(
    received: tuple[Case, list[str]],
) -> None:
    """A line is noted, and read again, by its row in the case file: a line edited to claim
    another line's seq is verify's finding, never a crash of the report or the app."""
    lawyer, ids = received
    (line,) = lawyer.conn.execute("SELECT line FROM lineage WHERE seq = 2").fetchone()
    assert line.startswith('{"seq":2,')
    tamper(lawyer, "UPDATE lineage SET line = ? WHERE seq = 2",
           ('{"seq":1,' + line.removeprefix('{"seq":2,'),), passphrase=PASSPHRASE)  # fmt: skip
    hands = Hands(lawyer.conn, lawyer.id)
    assert all(hands.item(item_id) for item_id in ids)
    assert len(list(hands.kept_events())) == len(kept_entries(lawyer.conn, kept_key(lawyer)))
    assert not verify_case(lawyer).ok


def test_the_first_hands_come_from_the_signed_log_not_its_index_columns(
    received: tuple[Case, list[str]],
) -> None:
    """A report reads which chains a receipt links to from the signed entries: a receipt
    whose unsigned `action` column was changed still shows the first hands (and verify
    reports the change)."""
    lawyer, ids = received
    tamper(lawyer, "UPDATE custody SET action = 'note.add' WHERE action = 'package.import'",
           passphrase=PASSPHRASE)  # fmt: skip
    hands = Hands(lawyer.conn, lawyer.id)
    assert hands.received
    assert [e.actor_name for e in hands.moves(ids[0])][:1] == ["Olena"]
    assert not verify_case(lawyer).ok


def test_a_kept_line_altered_in_the_case_file_lends_no_name(
    received: tuple[Case, list[str]],
) -> None:
    """A received item's name is the one its first hands signed: their `item.import` line,
    altered in the case file since it was received, lends none; the name the case recorded
    on receipt stays (verify names the line)."""
    lawyer, ids = received
    (name,) = [i.original_name for i in list_items(lawyer.conn) if i.id == ids[0]]
    tamper(lawyer, "UPDATE lineage SET line = replace(line, ?, 'Forged.jpg')", (name,),
           passphrase=PASSPHRASE)  # fmt: skip
    (item,) = [i for i in list_items(lawyer.conn) if i.id == ids[0]]
    assert item.original_name == name
    assert not verify_case(lawyer).ok


def test_a_kept_line_altered_in_the_case_file_names_no_author_in_the_app(
    received: tuple[Case, list[str]],
) -> None:
    """The first investigator's note and description, their kept lines altered in the case
    file since they were received: the app names no one as having written the note and
    shows none of the description (verify names the lines)."""
    lawyer, ids = received
    reader = CaseReader(lawyer)
    assert reader.description(ids[0])["title"] == "Cell 2"
    assert [e.actor_name for e in reader.note_authors(reader.notes()).values()] == ["Olena"]
    tamper(lawyer, "UPDATE lineage SET line = replace(line, '\"at\":\"20', '\"at\":\"19')"
                   " WHERE line LIKE '%note.add%' OR line LIKE '%item.describe%'",
           passphrase=PASSPHRASE)  # fmt: skip
    reader = CaseReader(lawyer)
    assert reader.note_authors(reader.notes()) == {}
    assert reader.description(ids[0]) == {} and reader.described_by(ids[0]) is None
    assert not verify_case(lawyer).ok


def test_a_note_is_credited_only_by_the_entry_whose_content_names_it(
    received: tuple[Case, list[str]],
) -> None:
    """The index column of one note's entry changed to name another note: the app credits
    neither note to the wrong entry, and each to its own, found where its row says it was
    written (verify names the changed index)."""
    lawyer, ids = received
    first = add_note(lawyer, "Checked against the witness statement.", about=ids[0])
    second = add_note(lawyer, "Second reading.", about=ids[0])
    tamper(lawyer, "UPDATE custody SET subject = ? WHERE subject = ?", (second.id, first.id),
           passphrase=PASSPHRASE)  # fmt: skip
    reader = CaseReader(lawyer)
    authors = reader.note_authors(reader.notes())
    assert all(event.entry.subject == note_id for note_id, event in authors.items())
    assert {first.id, second.id} <= authors.keys()
    shown, _authors = reader.shown_notes(reader.notes(about=ids[0]))
    assert {"Checked against the witness statement.", "Second reading."} <= {
        n.text for n in shown}  # fmt: skip
    assert not verify_case(lawyer).ok


def test_a_receipt_whose_item_list_is_no_list_is_a_finding_not_a_crash(
    received: tuple[Case, list[str]],
) -> None:
    lawyer, ids = received
    tamper(lawyer, "UPDATE custody SET content = json_set(content, '$.details.items', 5)"
                   " WHERE action = 'package.import'", passphrase=PASSPHRASE)  # fmt: skip
    assert Hands(lawyer.conn, lawyer.id, per_item=True).item(ids[0]) is not None
    assert not verify_case(lawyer).ok


@pytest.mark.parametrize(
    ("edit", "kept"),
    [
        (lambda line: line, True),
        (lambda line: line.replace('"content":', '"content": '), True),  # re-spaced: values
        (lambda line: line.replace("item.import", "item.derive"), False),
        (lambda line: line[:-1] + ',"content":{"action":"item.import"}}', False),  # twice
        (lambda line: "not JSON", False),
    ],
)
def test_a_kept_lines_content_counts_only_with_the_values_that_were_signed(
    received: tuple[Case, list[str]], edit: Callable[[str], str], kept: bool
) -> None:
    lawyer, _ids = received
    (line,) = lawyer.conn.execute(
        "SELECT line FROM lineage WHERE line LIKE '%item.import%' LIMIT 1"
    ).fetchone()
    assert (signed_line_content(edit(line)) is not None) is kept


def test_a_kept_line_with_a_content_hash_made_anew_counts_for_nothing(
    received: tuple[Case, list[str]],
) -> None:
    """A kept line's values altered and its content hash recomputed to match: its entry
    hash no longer commits to it, so it lends nothing."""
    lawyer, _ids = received
    (line,) = lawyer.conn.execute(
        "SELECT line FROM lineage WHERE line LIKE '%item.import%' LIMIT 1"
    ).fetchone()
    obj = json.loads(line)
    obj["content"]["details"]["original_name"] = "Forged.jpg"
    obj["content_hash"] = hashlib.sha256(canonical(obj["content"])).hexdigest()
    assert signed_line_content(line) is not None
    assert signed_line_content(json.dumps(obj)) is None


def kept_key(case: Case) -> tuple[str, str]:
    (key,) = kept_keys(case.conn)
    return key


def test_the_first_hands_come_first_when_they_also_sent_the_last_case_directly(
    tmp_path: Path, corpus: Path
) -> None:
    """Olena sends her photos to Petrenko, who describes one and sends them on to the court;
    Olena also sends the court some directly, and that package arrives first. Olena is
    still the first hands, Petrenko the second, and his later description is the one
    shown."""
    court, ids = court_case(tmp_path, corpus)
    with court:
        hands = Hands(court.conn, court.id)
        assert [chain.title for chain in hands.chains] == ["Балаклія", "Petrenko", "Court"]
        assert hands.description(ids[0])[0] == {"title": "Petrenko says"}
        assert [chain.title for chain in Hands(court.conn, court.id, per_item=True).chains] == [
            "Балаклія", "Petrenko", "Court"
        ]  # fmt: skip
        assert verify_case(court).ok


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE lineage SET seq = 2.5 WHERE seq = 2",  # a place that is no row number
        # Receive keeps one line a row: two entries in one would shift every later entry.
        "UPDATE lineage SET line = line || char(10) || line WHERE seq = 2",
    ],
)
def test_a_kept_row_out_of_place_is_a_plain_refusal_or_finding_not_a_crash(
    received: tuple[Case, list[str]], change: str
) -> None:
    lawyer, _ids = received
    tamper(lawyer, change, passphrase=PASSPHRASE)
    with pytest.raises(VaultError, match="has a line out of place in the case file"):
        Hands(lawyer.conn, lawyer.id)
    findings = [finding.reason for finding in verify_case(lawyer).findings]
    assert any("has a line out of place in the case file" in f for f in findings)


def test_a_kept_chain_streams_holding_parsed_only_the_entries_that_link_chains(
    received: tuple[Case, list[str]],
) -> None:
    """Verify and the custody index read a kept chain as its rows stream (issue 17: each
    held a received 20,000-item chain parsed whole): its item imports are only indexed,
    and it still reads as the very entries of the case file, each row told once."""
    lawyer, _ids = received
    key = kept_key(lawyer)
    rows: list[tuple[int, str]] = []
    chain = kept_log(lawyer.conn, key, noted=lambda seq, line: rows.append((seq, line)))
    entries = kept_entries(lawyer.conn, key)
    assert list(chain.reading()) == entries == list(chain)
    assert rows == list(kept_lines(lawyer.conn, key))
    held = list(chain.notable())
    assert "item.import" not in {e.action for e in held} and len(held) < len(entries)
    verified = verify_lineage(lawyer.conn, lawyer.id).chains
    assert isinstance(verified[key], LoggedChain) and list(verified[key]) == entries


def test_a_kept_log_that_cannot_be_read_is_one_refusal_not_a_finding_per_item(
    received: tuple[Case, list[str]],
) -> None:
    """A kept row that is no JSON is reported once, with why the received items were not
    traced; not as every item untraceable and the log linked from nowhere."""
    lawyer, _ids = received
    tamper(lawyer, "UPDATE lineage SET line = '{not json' WHERE seq = 2", passphrase=PASSPHRASE)
    reasons = [finding.reason for finding in verify_case(lawyer).findings]
    assert any("not valid JSON" in reason for reason in reasons)
    assert any("while a kept log cannot be read" in reason for reason in reasons)
    assert not [r for r in reasons if "cannot be traced to its first import (" in r]
    assert not [r for r in reasons if "vouches for nothing" in r]


def test_a_strangers_creation_slipped_into_a_kept_log_introduces_no_one(
    received: tuple[Case, list[str]],
) -> None:
    """Two of Olena's kept lines replaced in the lawyer's case file: one by Mallory's own
    case.create (self-signed, saying seq 0 and Olena's case), one by Mallory's description
    of the photo at its place. Mallory is no one in Olena's chain, so the app shows none of
    her description (verify names both lines)."""
    lawyer, ids = received
    ((source, creator),) = kept_keys(lawyer.conn)
    mallory = Signer.generate("Mallory", "investigator", "")
    creation = {**_identity_details(mallory.identity), "title": "M"}
    created, _text = sign_entry(source, mallory, None, "case.create", details=creation)
    lines = dict(lawyer.conn.execute(
        "SELECT seq, line FROM lineage WHERE source_case = ? ORDER BY seq", (source,)))  # fmt: skip
    (place,) = [seq for seq, line in lines.items() if '"item.describe"' in line]
    before = bytes.fromhex(json.loads(lines[place - 1])["entry_hash"])
    described, _text = sign_entry(source, mallory, (place - 1, before), "item.describe",
                                  subject=ids[0], details={"title": "MALLORY"})  # fmt: skip
    for seq, entry in ((2, created), (place, described)):
        tamper(lawyer, "UPDATE lineage SET line = ? WHERE source_case = ? AND seq = ?",
               (to_jsonl(entry), source, seq), passphrase=PASSPHRASE)  # fmt: skip
    hands = Hands(lawyer.conn, lawyer.id)
    assert "Mallory" not in {person.name for _chain, person in hands.people()}
    assert hands.chains[0].key == (source, creator) and hands.chains[0].title == "Балаклія"
    reader = CaseReader(lawyer)
    assert reader.description(ids[0]) == {} and reader.described_by(ids[0]) is None
    assert not verify_case(lawyer).ok
