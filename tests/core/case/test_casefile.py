"""The case file: one encrypted SQLCipher 4 file that opens with the passphrase alone."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from tests.helpers.case import CORPUS, PASSPHRASE, new_case, reopen
from vault.case.casefile import open_case_file
from vault.case.handle import Case
from vault.case.schema import SCHEMA_VERSION
from vault.errors import CaseInUse, FileExists, NotACaseFile, WeakPassphrase, WrongPassphrase
from vault.evidence.ingest import import_paths
from vault.evidence.notes import add_note


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_case_opens_with_its_passphrase(tmp_path):
    case = new_case(tmp_path, title="Izium", number="UA-1", organization="OPG")
    case_id, fp = case.id, case.signer.fingerprint
    case = reopen(case)
    assert (case.id, case.info.title, case.info.number) == (case_id, "Izium", "UA-1")
    assert case.signer.fingerprint == fp
    assert case.file.schema_version == SCHEMA_VERSION
    case.close()


def test_short_passphrase_is_refused_and_no_file_is_left(tmp_path):
    with pytest.raises(WeakPassphrase):
        Case.create(tmp_path / "c.evault", "short", title="Title")
    assert not (tmp_path / "c.evault").exists()


def test_creating_over_an_existing_file_never_overwrites_it(tmp_path):
    target = tmp_path / "c.evault"
    target.write_bytes(b"someone's file")
    with pytest.raises(FileExists):
        Case.create(target, PASSPHRASE, title="Title")
    assert target.read_bytes() == b"someone's file"


def test_wrong_passphrase_is_refused_and_the_file_is_unchanged(tmp_path):
    new_case(tmp_path).close()
    path = tmp_path / "case.evault"
    before = _sha(path)
    with pytest.raises(WrongPassphrase) as err:
        Case.open(path, "not the passphrase at all")
    assert "not right" in str(err.value)
    assert _sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.evault"]


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00" + bytes(100), b"plain text\n"])
def test_a_file_that_is_not_a_case_is_refused(tmp_path, content):
    path = tmp_path / "other.evault"
    path.write_bytes(content)
    with pytest.raises((NotACaseFile, WrongPassphrase)):
        Case.open(path, PASSPHRASE)
    assert path.read_bytes() == content


def test_a_missing_case_file_is_not_created_by_opening(tmp_path):
    with pytest.raises(NotACaseFile):
        Case.open(tmp_path / "nope.evault", PASSPHRASE)
    assert not (tmp_path / "nope.evault").exists()


def test_a_second_process_cannot_write_an_open_case(tmp_path):
    case = new_case(tmp_path)
    code = (
        "import sys; from vault.case.handle import Case\n"
        "from vault.errors import CaseInUse\n"
        "try:\n    Case.open(sys.argv[1], sys.argv[2])\n"
        "except CaseInUse as e:\n    print(e); sys.exit(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(case.path), PASSPHRASE],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert "open in another" in done.stdout
    case.close()


def test_the_lock_is_released_when_the_holder_dies(tmp_path):
    new_case(tmp_path).close()
    path = tmp_path / "case.evault"
    code = (
        "import os, sys; from vault.case.handle import Case\n"
        "Case.open(sys.argv[1], sys.argv[2]); os._exit(9)"
    )
    assert subprocess.run([sys.executable, "-c", code, str(path), PASSPHRASE]).returncode == 9
    Case.open(path, PASSPHRASE).close()


def test_the_same_process_cannot_open_a_case_twice(tmp_path):
    case = new_case(tmp_path)
    with pytest.raises(CaseInUse):
        open_case_file(case.path, PASSPHRASE)
    case.close()


def test_the_raw_file_shows_no_header_names_notes_or_exif(tmp_path):
    case = new_case(tmp_path, title="TITLE-MARKER-Балаклія")
    add_note(case, "NOTE-MARKER the witness said")
    import_paths(case, [CORPUS / "camera" / "Canon_40D.jpg"])
    case.close()
    raw = (tmp_path / "case.evault").read_bytes()
    markers = (b"SQLite format 3", b"TITLE-MARKER", b"NOTE-MARKER", "Балаклія".encode(),
               b"Canon_40D.jpg", b"Canon EOS 40D", b"2008:05:30 15:56:01")  # fmt: skip
    assert b"Canon EOS 40D" in (CORPUS / "camera" / "Canon_40D.jpg").read_bytes()
    for marker in markers:
        assert marker not in raw, marker
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.evault"]


def test_an_independent_sqlcipher4_reader_opens_the_case(tmp_path):
    """apsw-sqlite3mc is not SQLCipher's own code: it proves the file uses v4 defaults."""
    case = new_case(tmp_path, title="Independent")
    case.close()
    uri = f"file:{case.path}?mode=ro&cipher=sqlcipher&legacy=4&key={PASSPHRASE}"
    code = (
        "import apsw, sys\n"
        "flags = apsw.SQLITE_OPEN_URI | apsw.SQLITE_OPEN_READONLY\n"
        "con = apsw.Connection(sys.argv[1], flags=flags)\n"
        "print(con.execute('SELECT title FROM case_info').fetchall()[0][0])\n"
    )
    done = subprocess.run([sys.executable, "-c", code, uri], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Independent"
