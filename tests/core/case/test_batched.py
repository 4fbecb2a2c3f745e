"""Acts that share a commit (`Case.batched`, used by an import of many small files): each
act is still complete or absent, whether the batch is committed, an act in it fails, or the
process is killed before the commit."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from tests.helpers.case import PASSPHRASE, ROOT, new_case, reopen
from vault.case.handle import Case
from vault.custody.entry import read_entries
from vault.custody.verify import verify_case
from vault.evidence.items import list_items
from vault.evidence.notes import add_note, list_notes


def committed_notes(path) -> int:
    """What another reader of the file sees: only committed rows."""
    conn = sqlcipher.connect(str(path))
    try:
        conn.execute("PRAGMA key = '" + PASSPHRASE + "'")
        return conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    finally:
        conn.close()


def test_acts_in_a_batch_are_committed_together_each_with_its_entry(tmp_path):
    case = new_case(tmp_path)
    with case.batched():
        for n in range(3):
            add_note(case, f"note {n}")
        assert committed_notes(case.path) == 0  # not yet on disk for anyone else
        case.commit()
        assert committed_notes(case.path) == 3
        add_note(case, "note 3")
    assert committed_notes(case.path) == 4  # the block's end commits the rest
    case = reopen(case)
    assert [e.action for e in read_entries(case.conn)].count("note.add") == 4
    assert verify_case(case).ok
    case.close()


def test_a_failing_act_in_a_batch_leaves_the_acts_before_it(tmp_path):
    case = new_case(tmp_path)
    with pytest.raises(ValueError), case.batched():
        add_note(case, "kept")
        with case.act("item.access", details={"purpose": "review"}) as act:
            act.log()
            raise ValueError("the second act fails after writing its entry")
    case = reopen(case)
    assert [n.text for n in list_notes(case.conn)] == ["kept"]
    assert [e.action for e in read_entries(case.conn)][-1] == "note.add"
    assert verify_case(case).ok
    case.close()


def test_batches_do_not_nest_and_are_not_opened_inside_an_act(tmp_path):
    case = new_case(tmp_path)
    with case.batched(), pytest.raises(RuntimeError), case.batched():
        pass
    with case.act("item.access", details={}), pytest.raises(RuntimeError), case.batched():
        pass
    case.close()


KILLED_IMPORT = """
import os, signal, sys
from pathlib import Path
from vault.case.handle import Case
from vault.evidence.ingest import import_paths

def main():
    started = []
    def on_file(name):
        started.append(name)
        if len(started) == int(sys.argv[3]):  # mid-batch: files before it are not committed
            os.kill(os.getpid(), signal.SIGKILL)
    with Case.open(sys.argv[1], os.environ["PASSPHRASE"]) as case:
        import_paths(case, [Path(sys.argv[2])], on_file=on_file)

if __name__ == "__main__":
    main()
"""


def test_a_kill_in_the_middle_of_a_batch_leaves_every_item_whole_or_absent(tmp_path):
    case = new_case(tmp_path)
    with case.batched():  # a batch that was committed before the kill stays
        add_note(case, "before the import")
    case.close()
    card = tmp_path / "card"
    card.mkdir()
    for n in range(40):
        (card / f"note-{n:02}.txt").write_bytes(os.urandom(2000 + n))
    script = tmp_path / "killed_import.py"
    script.write_text(textwrap.dedent(KILLED_IMPORT))
    env = dict(os.environ, PASSPHRASE=PASSPHRASE, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, str(script), str(case.path), str(card), "30"],
                          env=env, cwd=ROOT, timeout=300)  # fmt: skip
    assert done.returncode == -signal.SIGKILL
    with Case.open(case.path, PASSPHRASE) as opened:
        assert verify_case(opened).ok
        items = list_items(opened.conn)
        assert len(items) <= 29  # at most the files before the kill, the open batch lost
        for item in items:  # and every item that is there is whole
            source = (card / item.original_name).read_bytes()
            assert item.sha256 == hashlib.sha256(source).hexdigest()
        assert [n.text for n in list_notes(opened.conn)] == ["before the import"]


def test_a_batch_that_ends_with_an_error_still_commits_what_finished(tmp_path):
    case = new_case(tmp_path)
    with pytest.raises(KeyboardInterrupt), case.batched():
        add_note(case, "finished")
        raise KeyboardInterrupt
    assert committed_notes(case.path) == 1
    case.close()


def test_outside_a_batch_commit_does_nothing(tmp_path):
    case = new_case(tmp_path)
    case.commit()
    add_note(case, "committed by its own act")
    assert committed_notes(case.path) == 1
    assert isinstance(case, Case)
    case.close()
