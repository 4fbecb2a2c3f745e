"""The custody log: every act signed and chained; every kind of tampering found, by seq."""

from __future__ import annotations

import hashlib
import json
import subprocess

import pytest

from tests.helpers.case import PASSPHRASE, new_case, reopen, run_cli
from tests.helpers.tamper import forge_entry, tamper, tampering
from vault.case.handle import Case
from vault.case.identity import Signer
from vault.case.view import CaseReader
from vault.custody.chain import verify_chain
from vault.custody.entry import (
    canonical,
    is_signed_content,
    parse_jsonl,
    read_entries,
    read_entry_texts,
    signed_text,
    stored_jsonl,
    to_jsonl,
)
from vault.custody.verify import verify_case
from vault.errors import InvalidInput
from vault.evidence.notes import add_note, amend_note, describe_item, list_notes

VECTORS = __import__("tests.helpers.case", fromlist=["ROOT"]).ROOT.parent / "shared" / "vectors"


@pytest.fixture
def case(tmp_path):
    """A case with notes and an identity: entries 0..4."""
    case = new_case(tmp_path)
    note = add_note(case, "Свідок: утримували 46 днів.")
    amend_note(case, note.id, "Свідок: утримували 47 днів.")
    case.add_identity("Mykola", role="prosecutor")
    add_note(case, "Second note")
    yield case
    case.close()


def findings(case) -> list[tuple[int | None, str]]:
    return [(f.seq, f.reason) for f in verify_case(case).findings if f.level == "error"]


def test_an_untouched_case_verifies(case):
    report = verify_case(case)
    assert report.ok, report.findings
    assert (report.chain.length, report.notes_checked) == (5, 3)


def test_every_entry_follows_design_section_4(case):
    entries = list(read_entries(case.conn))
    prev = bytes(32)
    for seq, entry in enumerate(entries):
        assert entry.seq == entry.content["seq"] == seq
        assert entry.prev == prev
        assert entry.content_hash == hashlib.sha256(canonical(entry.content)).digest()
        assert entry.entry_hash == hashlib.sha256(prev + entry.content_hash).digest()
        assert set(entry.content) == {"v", "case", "seq", "at", "tz", "actor", "action",
                                      "subject", "digest", "details", "nonce"}  # fmt: skip
        assert entry.content["at"].endswith("Z") and len(entry.content["nonce"]) == 32
        prev = entry.entry_hash
    assert [e.action for e in entries] == [
        "case.create", "note.add", "note.amend", "identity.add", "note.add"]  # fmt: skip


def test_note_text_is_not_in_the_log_only_its_digest(case):
    note = list_notes(case.conn)[0]
    entry = next(read_entries(case.conn, "WHERE subject = ?", (note.id,)))
    assert note.text not in json.dumps(entry.content, ensure_ascii=False)
    assert entry.content["digest"] == hashlib.sha256(note.text.encode()).hexdigest()


def test_amending_a_note_keeps_the_old_one(case):
    notes = list_notes(case.conn)
    assert notes[1].supersedes == notes[0].id
    assert [n.text for n in list_notes(case.conn, current_only=True)] == [
        "Свідок: утримували 47 днів.", "Second note"]  # fmt: skip


def test_the_independent_vector_chain_verifies():
    with open(VECTORS / "package-good" / "data" / "custody.jsonl") as f:
        result = verify_chain(parse_jsonl(f))
    assert result.ok and result.length == 8
    assert result.head.hex().startswith("c58f93ef")


def test_a_log_line_carries_the_stored_signed_text_byte_for_byte(case):
    case.add_identity('Тарас "Т" \\ 😀 \u2028 \x7f', role="witness")  # escapes, beyond the BMP
    for entry, text in read_entry_texts(case.conn):
        signed = signed_text(text, entry.content_hash)
        assert signed is not None
        head, middle, tail = stored_jsonl(entry, signed)
        assert head + middle + tail == to_jsonl(entry) and (middle, tail) == (text, "}")
        assert stored_jsonl(entry, signed, withhold=True) == ("", to_jsonl(entry, True), "")


def test_a_log_line_escapes_a_hostile_actor_as_the_encoder_would(case):
    tamper(case, "UPDATE custody SET actor = 'a\"b\\c ї 😀' || char(8232, 1) WHERE seq = 3")
    entry, text = list(read_entry_texts(case.conn))[3]
    signed = signed_text(text, entry.content_hash)
    assert '"' in entry.actor and "".join(stored_jsonl(entry, signed)) == to_jsonl(entry)


def test_a_stored_text_that_is_not_the_signed_one_still_may_hold_the_signed_values(case):
    """Verify's test is the values: a stored text re-spaced parses to what was signed, so
    its line is written again from them; a changed value is found."""
    tamper(case, "UPDATE custody SET content = ' ' || content || ' ' WHERE seq = 3")
    tamper(
        case, "UPDATE custody SET content = replace(content, '\"v\":1', '\"v\":2') WHERE seq = 4"
    )
    entries = list(read_entry_texts(case.conn))
    (spaced, text), (changed, _text) = entries[3], entries[4]
    assert signed_text(text, spaced.content_hash) is None and is_signed_content(
        spaced.content, spaced.content_hash
    )
    assert stored_jsonl(spaced, None) == ("", to_jsonl(spaced), "")
    assert not is_signed_content(changed.content, changed.content_hash)
    assert {f.seq for f in verify_chain(e for e, _t in entries).findings} == {4}


def test_edited_entry_content_is_found(case):
    tamper(
        case, "UPDATE custody SET content = replace(content, 'prosecutor', 'judge') WHERE seq = 3"
    )
    assert (3, "content was changed after signing") in findings(case)


@pytest.mark.parametrize("content", ["not json", "[]", '{"v": 1', "null"])
def test_an_entry_whose_content_is_no_longer_a_json_object_is_found(case, content):
    """Only a sender's log withholds an entry's content (its hashes travel alone); in the
    case's own log, content that no longer parses is an edit, never "withheld"."""
    tamper(case, "UPDATE custody SET content = ? WHERE seq = 3", (content,))
    assert (3, "content was changed after signing") in findings(case)


@pytest.mark.parametrize(
    "edit", ["action = 'item.import'", "subject = 'another item'", "subject = NULL"]
)
def test_an_edited_index_of_the_log_is_found(case, edit):
    """The action and subject columns are an unsigned index that lookups go by (an item's
    description, its redacted copies, a note's author): an edit there is a finding."""
    tamper(case, f"UPDATE custody SET {edit} WHERE seq = 1")
    assert findings(case) == [
        (1, "the log's index of this entry (its action or subject) was changed outside the log")
    ]


@pytest.mark.parametrize(
    "edit",
    ["' ' || content", 'replace(content, \'"v":1\', \'"v":1,"v":1\')', "CAST(content AS BLOB)"],
)
def test_a_stored_text_edited_to_the_same_values_is_a_warning(case, edit):
    """A stored text that is not the signed one, yet parses to the signed values, states no
    other fact; it was still edited outside the log, and a tool reading it its own way (a
    key given twice) may read something else: verify warns, and the case still verifies."""
    tamper(case, f"UPDATE custody SET content = {edit} WHERE seq = 3")
    found = verify_case(case).findings
    assert [(f.seq, f.reason, f.level) for f in found] == [(3, "the stored text of this entry "
        "was edited outside the log; its values are still the signed ones", "warning")]  # fmt: skip


def test_edited_note_text_is_found(case):
    tamper(case, "UPDATE notes SET text = 'Свідок: нічого не бачив.' WHERE seq = 1")
    assert findings(case) == [(1, "the text of a note was changed")]


def test_edited_item_bytes_are_found(tmp_path):
    case = new_case(tmp_path)
    evidence = tmp_path / "photo.jpg"
    evidence.write_bytes(b"\xff\xd8" + b"x" * 5000)
    from vault.evidence.ingest import import_paths

    item = import_paths(case, [evidence]).imported[0]
    tamper(case, "UPDATE chunks SET data = zeroblob(10)")
    assert findings(case) == [(1, "the stored bytes of photo.jpg were changed")]
    assert item.id
    case.close()


def test_deleted_entry_is_found(case):
    tamper(case, "DELETE FROM custody WHERE seq = 2")
    found = findings(case)
    assert (2, "entry missing") in found
    assert (3, "does not link to the entry before it (chain broken)") in found


def test_swapped_entries_are_found(case):
    for a, b in ((1, -1), (2, 1), (-1, 2)):
        tamper(case, "UPDATE custody SET seq = ? WHERE seq = ?", (b, a))
    found = findings(case)
    assert (1, "its content says seq 2") in found
    assert (2, "its content says seq 1") in found


def test_forged_signature_is_found(case):
    forged = Signer.generate("Forger", "x", "").sign(b"\x00" * 32)
    tamper(case, "UPDATE custody SET sig = ? WHERE seq = 4", (forged,))
    assert findings(case) == [(4, "signature does not verify")]


def test_entry_by_an_unknown_actor_is_found(case):
    rogue = Signer.generate("Rogue", "x", "")
    with tampering(case) as conn:
        forge_entry(conn, case, rogue, "item.access", details={"purpose": "look"})
    assert findings(case) == [(5, "signed by a key that was never introduced")]


def test_rogue_identity_added_to_the_key_table_is_found(case):
    rogue = Signer.generate("Rogue", "x", "")
    tamper(
        case,
        "INSERT INTO identities VALUES (?, 'Rogue', 'x', '', ?, ?)",
        (rogue.fingerprint, rogue.identity.public_key, rogue.private_bytes()),
    )
    assert findings(case) == [
        (None, f"identity Rogue ({rogue.fingerprint[:16]}) was not introduced by the custody log")
    ]


def test_edited_case_title_is_found(case):
    tamper(case, "UPDATE case_info SET title = 'Another place'")
    assert findings(case) == [
        (0, "the case's title, number or organization was changed outside the log")
    ]


def test_a_second_investigator_acts_under_their_own_key(case):
    mykola = reopen(case)
    mykola.close()

    as_mykola = Case.open(case.path, PASSPHRASE, actor="Mykola")
    note = add_note(as_mykola, "Prosecutor's note")
    entry = next(read_entries(as_mykola.conn, "WHERE subject = ?", (note.id,)))
    assert entry.actor == as_mykola.signer.fingerprint != case.signer.fingerprint
    assert verify_case(as_mykola).ok
    as_mykola.close()


def test_floats_are_refused_in_custody_content(case):
    with pytest.raises(InvalidInput):
        canonical({"lat": 49.46})


def test_describe_is_logged_and_read_back_from_the_log(tmp_path):
    case = new_case(tmp_path)
    evidence = tmp_path / "a.bin"
    evidence.write_bytes(b"abc")
    from vault.evidence.ingest import import_paths

    item = import_paths(case, [evidence]).imported[0]
    describe_item(case, item.id, {"title": "Cell 2", "location": "Basement", "captured_by": "O."})
    assert CaseReader(case).description(item.id) == {
        "title": "Cell 2",
        "location": "Basement",
        "captured_by": "O.",
    }
    case.close()


def test_log_json_signatures_verify_with_openssl(tmp_path):
    case = new_case(tmp_path)
    add_note(case, "checked with openssl")
    case.close()
    keys = tmp_path / "keys"
    done = run_cli("log", case.path, "--json", "--keys", keys)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["seq"] for line in lines] == [0, 1]
    for line in lines:
        (tmp_path / "msg").write_bytes(bytes.fromhex(line["entry_hash"]))
        (tmp_path / "sig").write_bytes(bytes.fromhex(line["sig"]))
        check = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", keys / f"{line['actor']}.pem",
             "-rawin", "-in", tmp_path / "msg", "-sigfile", tmp_path / "sig"],
            capture_output=True, text=True,
        )  # fmt: skip
        assert check.returncode == 0, check.stdout + check.stderr
    assert to_jsonl  # the CLI prints the same form the package's custody.jsonl uses


def test_renamed_keys_in_an_entry_are_findings_not_a_crash(case):
    tamper(case, "UPDATE custody SET content = replace(content, 'a', 'b') WHERE seq = 1")
    found = findings(case)
    assert (1, "content was changed after signing") in found
    assert (1, "has no action") in found


def test_a_second_investigator_is_added_from_the_command_line_and_signs_as_themself(tmp_path):
    path = tmp_path / "c.evault"
    assert run_cli("init", path, "--title", "T", "--investigator", "Olena").returncode == 0
    added = run_cli("add-investigator", path, "--name", "Mykola", "--role", "prosecutor")
    assert added.returncode == 0, added.stderr
    assert run_cli("note", path, "Prosecutor's note", "--actor", "Mykola").returncode == 0
    lines = [json.loads(line) for line in run_cli("log", path, "--json").stdout.splitlines()]
    assert lines[1]["content"]["action"] == "identity.add"
    mykola = hashlib.sha256(bytes.fromhex(lines[1]["content"]["details"]["public_key"])).hexdigest()
    assert lines[2]["actor"] == mykola != lines[0]["actor"]
    assert mykola in added.stdout
    assert run_cli("verify", path).returncode == 0


def test_trust_through_a_forged_introduction_fails_all_the_way_down(case):
    """A forged identity.add vouches for A; A vouches for B; B's acts are not trusted either."""
    a, b = Signer.generate("A", "x", ""), Signer.generate("B", "x", "")
    introduce_a = {"name": "A", "public_key": a.identity.public_key.hex()}
    introduce_b = {"name": "B", "public_key": b.identity.public_key.hex()}
    with tampering(case) as conn:
        forged = forge_entry(conn, case, case.signer, "identity.add", details=introduce_a)
        forge_entry(conn, case, a, "identity.add", details=introduce_b)
        forge_entry(conn, case, b, "item.access", details={"purpose": "look"})
    tamper(case, "UPDATE custody SET sig = ? WHERE seq = ?", (bytes(64), forged.seq))
    found = findings(case)
    assert (5, "signature does not verify") in found
    assert (6, "signed by a key introduced by a forged entry") in found
    assert (7, "signed by a key introduced by a forged entry") in found
    assert verify_case(case).chain.unvouched == {5, 6, 7}  # none of their content is shown


def test_a_key_put_into_an_altered_introduction_introduces_no_one(case):
    """An identity.add whose public key was swapped in the case file: the swapped-in key
    signs an entry; that entry is as untrusted as the altered one, both named."""
    rogue = Signer.generate("Rogue", "x", "")
    with tampering(case) as conn:
        text = conn.execute("SELECT content FROM custody WHERE seq = 3").fetchone()[0]
        key = json.loads(text)["details"]["public_key"]
        conn.execute("UPDATE custody SET content = replace(content, ?, ?) WHERE seq = 3",
                     (key, rogue.identity.public_key.hex()))  # fmt: skip
        forge_entry(conn, case, rogue, "item.access", details={"purpose": "look"})
    assert (5, "signed by a key that was never introduced") in findings(case)
    assert verify_case(case).chain.unvouched == {3, 5}


def test_the_entries_whose_content_is_not_vouched_for_are_named(case):
    """What a report must not show as the log's content: an entry changed after signing,
    one whose hash is wrong, and one signed by a stranger; a note's edited row is not one."""
    rogue = Signer.generate("Rogue", "x", "")
    tamper(
        case, "UPDATE custody SET content = replace(content, 'prosecutor', 'judge') WHERE seq = 3"
    )
    tamper(case, "UPDATE custody SET entry_hash = zeroblob(32) WHERE seq = 4")
    tamper(case, "UPDATE notes SET text = 'edited' WHERE seq = 1")
    with tampering(case) as conn:
        forge_entry(conn, case, rogue, "item.access", details={"purpose": "look"})
    assert verify_case(case).chain.unvouched == {3, 4, 5}


def test_an_entry_after_a_gap_vouches_for_nothing_yet_still_introduces_its_keys(case):
    """Entry 2 deleted: the introduction of Mykola after the gap is as signed but out of its
    place, so a report shows none of it; his key is still known, so what he signed later
    is not named too (one gap does not cascade)."""
    reopen(case).close()
    with Case.open(case.path, PASSPHRASE, actor="Mykola") as mykola:
        signed_by_him = add_note(mykola, "Prosecutor's note").seq
    tamper(case, "DELETE FROM custody WHERE seq = 2")
    with Case.open(case.path, PASSPHRASE) as reopened:
        result = verify_case(reopened).chain
    assert 3 in result.unvouched and signed_by_him not in result.unvouched
