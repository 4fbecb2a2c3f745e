"""Import: originals bit for bit, streamed, deduplicated, logged; cancel leaves no half item."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.helpers.case import CORPUS, PASSPHRASE, new_case, reopen, run_cli
from tests.helpers.tamper import tamper
from vault.custody.entry import read_entries
from vault.custody.verify import verify_case
from vault.evidence.ingest import import_paths
from vault.evidence.items import get_item, list_items, read_original, thumbnail


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_folder_imports_recursively_bit_for_bit(tmp_path):
    case = new_case(tmp_path)
    result = import_paths(case, [CORPUS / "orientation", CORPUS / "camera" / "Canon_40D.jpg"])
    sources = [*sorted((CORPUS / "orientation").iterdir()), CORPUS / "camera" / "Canon_40D.jpg"]
    assert [i.original_name for i in result.imported] == [p.name for p in sources]
    for item, source in zip(result.imported, sources, strict=True):
        assert b"".join(read_original(case.conn, item.id)) == source.read_bytes()
        assert get_item(case.conn, item.id).sha256 == sha256(source)
    assert verify_case(case).ok
    case.close()


def test_every_import_is_logged_in_the_same_transaction(tmp_path):
    case = new_case(tmp_path)
    item = import_paths(case, [CORPUS / "camera" / "Nikon_D70.jpg"], source="SD card 1").imported[0]
    entry = list(read_entries(case.conn))[-1]
    assert entry.action == "item.import" and entry.content["subject"] == item.id
    assert entry.content["digest"] == item.sha256
    details = entry.content["details"]
    assert {k: details.pop(k) for k in ("original_name", "size", "mime", "source", "method")} == {
        "original_name": "Nikon_D70.jpg", "size": 14034, "mime": "image/jpeg",
        "source": "SD card 1", "method": "copy"}  # fmt: skip
    # The rest signs what was extracted: SHA-256 of each stored column (issue 9 §1).
    row = case.conn.execute(
        "SELECT metadata, tags, warnings, (SELECT data FROM thumbnails WHERE item_id = id)"
        " FROM items WHERE id = ?",
        (item.id,),
    ).fetchone()
    assert details == {
        "metadata_sha256": hashlib.sha256(row[0].encode()).hexdigest(),
        "tags_sha256": hashlib.sha256(row[1].encode()).hexdigest(),
        "warnings_sha256": hashlib.sha256(row[2].encode()).hexdigest(),
        "thumbnail_sha256": hashlib.sha256(row[3]).hexdigest(),
    }
    assert json.loads(row[0])["model"] == "NIKON D70"
    case.close()


def test_identical_content_is_stored_once_and_every_import_logged(tmp_path):
    case = new_case(tmp_path)
    photo = CORPUS / "camera" / "Canon_40D.jpg"
    copy = tmp_path / "copy-of-canon.jpg"
    copy.write_bytes(photo.read_bytes())
    result = import_paths(case, [photo, copy])
    assert [i.duplicate for i in result.imported] == [False, True]
    assert case.conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1
    assert [e.action for e in read_entries(case.conn)].count("item.import") == 2
    assert verify_case(case).ok
    case.close()


def test_progress_is_reported_in_bytes(tmp_path):
    case = new_case(tmp_path)
    seen = []
    import_paths(case, [CORPUS / "camera"], progress=lambda done, total: seen.append((done, total)))
    total = sum(p.stat().st_size for p in (CORPUS / "camera").iterdir())
    assert seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    case.close()


def test_a_cancelled_import_leaves_no_half_item_and_verifies(tmp_path):
    case = new_case(tmp_path)
    big = tmp_path / "video.mp4"
    big.write_bytes(os.urandom(5 * (1 << 20)))
    calls = []

    def cancel_in_the_middle() -> bool:
        calls.append(1)
        return len(calls) > 3

    result = import_paths(
        case, [CORPUS / "camera" / "Canon_40D.jpg", big], cancelled=cancel_in_the_middle
    )
    assert result.cancelled
    assert [i.original_name for i in result.imported] == ["Canon_40D.jpg"]
    case = reopen(case)
    assert [i.original_name for i in list_items(case.conn)] == ["Canon_40D.jpg"]
    assert case.conn.execute("SELECT count(*) FROM chunks").fetchone()[0] == 1
    assert verify_case(case).ok
    case.close()


def test_every_hostile_file_imports_with_its_bytes_intact(tmp_path):
    case = new_case(tmp_path)
    started = time.monotonic()
    result = import_paths(case, [CORPUS / "hostile"])
    assert not result.failed
    hostile = sorted((CORPUS / "hostile").iterdir())
    assert len(result.imported) == len(hostile)
    for item, source in zip(result.imported, hostile, strict=True):
        assert item.sha256 == sha256(source), source.name
    assert any(w for i in result.imported for w in i.warnings)
    assert time.monotonic() - started < 5 * len(hostile)
    assert verify_case(case).ok
    case.close()


def test_images_get_metadata_and_an_oriented_thumbnail(tmp_path):
    case = new_case(tmp_path)
    item = import_paths(case, [CORPUS / "camera" / "Canon_40D.jpg"]).imported[0]
    stored = get_item(case.conn, item.id)
    assert (stored.metadata["make"], stored.metadata["model"]) == ("Canon", "Canon EOS 40D")
    assert stored.metadata["captured_at"] == "2008-05-30T15:56:01"
    assert thumbnail(case.conn, item.id)[:2] == b"\xff\xd8"
    case.close()


def test_an_unreadable_file_is_reported_and_the_rest_import(tmp_path):
    if os.geteuid() == 0:
        locked = tmp_path / "missing.jpg"  # root reads everything: use a vanished file instead
    else:
        locked = tmp_path / "locked.jpg"
        locked.write_bytes(b"x")
        locked.chmod(0)
    case = new_case(tmp_path)
    result = import_paths(case, [locked, CORPUS / "camera" / "Canon_40D.jpg"])
    assert [p for p, _ in result.failed] == [str(locked)]
    assert len(result.imported) == 1
    case.close()


def test_a_folders_links_and_special_files_are_named_as_not_imported(tmp_path):
    """A card copied with a link to a photo elsewhere, a FIFO and a socket beside a photo:
    the photo is imported and each of the others is said, with why, never dropped."""
    card = tmp_path / "card"
    card.mkdir()
    (card / "real.jpg").write_bytes((CORPUS / "camera" / "Canon_40D.jpg").read_bytes())
    (card / "linked.jpg").symlink_to(CORPUS / "camera" / "Nikon_D70.jpg")
    os.mkfifo(card / "pipe.jpg")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(card / "sock.jpg"))
        new_case(tmp_path).close()
        done = run_cli("import", tmp_path / "case.evault", card)
    assert done.returncode == 1, done.stderr
    assert f"not imported: {card / 'linked.jpg'}: a symbolic link, not followed" in done.stderr
    for name in ("pipe.jpg", "sock.jpg"):
        assert f"not imported: {card / name}: not a regular file" in done.stderr
    assert "1 imported, 0 duplicates, 3 failed" in done.stderr


def test_items_json_gives_the_documented_fields(tmp_path):
    new_case(tmp_path).close()
    path = tmp_path / "case.evault"
    assert run_cli("import", path, CORPUS / "phone" / "Apple iPhone 4.jpg").returncode == 0
    done = run_cli("items", path, "--json")
    assert done.returncode == 0, done.stderr
    (item,) = json.loads(done.stdout)
    for key in ("id", "original_name", "sha256", "size", "mime", "imported_at", "captured_at",
                "captured_offset", "gps_lat", "gps_lon", "gps_alt", "make", "model",
                "orientation", "width", "height", "warnings"):  # fmt: skip
        assert key in item
    assert item["make"] == "Apple" and item["gps_lat"].startswith("41.853")
    assert isinstance(item["gps_lat"], str)


def test_cli_exit_codes_follow_the_design(tmp_path):
    path = tmp_path / "c.evault"
    assert run_cli("init", path, "--title", "T", "--investigator", "Olena").returncode == 0
    assert run_cli("verify", path).returncode == 0
    assert run_cli("verify", path, passphrase="a wrong passphrase").returncode == 2
    assert run_cli("verify", tmp_path / "absent.evault").returncode == 2
    assert run_cli("note", path, "Свідок", "--item", "no-such-item").returncode == 2
    assert run_cli("note", path, "Свідок бачив").returncode == 0
    tamper(path, "UPDATE notes SET text = 'changed'")
    done = run_cli("verify", path)
    assert done.returncode == 1 and "the text of a note was changed" in done.stdout


def test_a_killed_import_leaves_a_case_that_opens_and_verifies(tmp_path):
    case = new_case(tmp_path)
    case.close()
    folder = tmp_path / "card"
    folder.mkdir()
    for n in range(6):
        (folder / f"clip{n}.bin").write_bytes(os.urandom(8 << 20))
    env = dict(os.environ, EVIDENCE_VAULT_PASSPHRASE=PASSPHRASE)
    proc = subprocess.Popen([sys.executable, "-m", "vault", "import", str(case.path), str(folder)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    proc.stderr.readline()
    proc.stderr.readline()  # the second file has started, so the first is committed
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    case = reopen(case)
    items = list_items(case.conn)
    assert 1 <= len(items) < 6
    for item in items:
        assert (
            b"".join(read_original(case.conn, item.id))
            == (folder / item.original_name).read_bytes()
        )
    assert verify_case(case).ok
    case.close()


@pytest.mark.slow
def test_a_2_gb_file_imports_in_bounded_memory(tmp_path):
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        f.truncate(2 * 10**9)  # sparse: the disk holds zeros cheaply, the import reads them all
    new_case(tmp_path).close()
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    env = dict(os.environ, EVIDENCE_VAULT_PASSPHRASE=PASSPHRASE)
    done = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "vault", "import",
                           str(tmp_path / "case.evault"), str(big)],
                          capture_output=True, text=True, env=env, check=True)  # fmt: skip
    peak_mb = int(done.stdout.split()[-1]) / 1024
    assert peak_mb < 300, f"peak RSS {peak_mb:.0f} MB"
