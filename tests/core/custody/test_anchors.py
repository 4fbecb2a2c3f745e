"""Trusted time for the custody head (DESIGN §8): a real RFC 3161 service on loopback.

The service is `openssl ts -reply` behind a small HTTP server (tests/helpers/tsa.py); only
its exact 127.0.0.1 address is let through the network audit hook, and only while it runs.
"""

from __future__ import annotations

import hashlib
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.case import PASSPHRASE, new_case, reopen
from tests.helpers.network import LOOPBACK_ALLOWED
from tests.helpers.tamper import forge_entry, tamper, tampering
from tests.helpers.tsa import LoopbackTsa, make_ca
from vault.case.handle import Case
from vault.custody.anchors import (
    AnchorCheck,
    TokenRefused,
    TsaUnreachable,
    _clock_ahead,
    case_anchors,
    read_blob,
    timestamp_case,
)
from vault.custody.entry import canonical, entry_hash_of, read_entries
from vault.custody.tsa import add_tsa, find_tsa, list_tsas, remove_tsa
from vault.custody.verify import verify_case
from vault.errors import InvalidInput
from vault.evidence.blobstore import store_stream
from vault.evidence.notes import add_note


@pytest.fixture
def tsa(tsa_service: LoopbackTsa):
    tsa_service.mode = "good"
    return add_tsa("test-tsa", tsa_service.url, tsa_service.ca.read_text())


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    c = new_case(tmp_path)
    add_note(c, "first visit to the basement")
    add_note(c, "second visit")
    yield c
    c.close()


def _counts(case: Case) -> tuple[int, int]:
    return (
        case.conn.execute("SELECT COUNT(*) FROM custody").fetchone()[0],
        case.conn.execute("SELECT COUNT(*) FROM blobs").fetchone()[0],
    )


def test_nothing_is_configured_by_default_and_timestamp_says_how_to_add_one():
    assert list_tsas() == []
    with pytest.raises(InvalidInput, match="tsa add"):
        find_tsa(None)


def test_tsa_list_keeps_name_url_and_trusted_ca(tsa_service: LoopbackTsa, tmp_path: Path):
    add_tsa("org-tsa", tsa_service.url, tsa_service.ca.read_text())
    with pytest.raises(InvalidInput, match="exists"):
        add_tsa("org-tsa", tsa_service.url, tsa_service.ca.read_text())
    with pytest.raises(InvalidInput, match="URL"):
        add_tsa("ftp", "ftp://example.org/tsa", tsa_service.ca.read_text())
    with pytest.raises(InvalidInput, match="PEM"):
        add_tsa("junk", tsa_service.url, "not a certificate")
    assert [t.to_json()["ca"] for t in list_tsas()] == [["CN=EV Test Root ca"]]
    remove_tsa("org-tsa")
    assert list_tsas() == []


def test_timestamp_anchors_the_head_and_says_what_is_proven(case: Case, tsa, tsa_service):
    head = list(read_entries(case.conn))[-1]
    entry = timestamp_case(case, tsa)
    d = entry.details
    assert entry.action == "anchor.timestamp" and entry.content["subject"] is None
    assert (d["head_seq"], d["head"]) == (head.seq, head.entry_hash.hex())
    assert d["tsa"] == "CN=EV Test tsa" and d["policy"] == "1.3.6.1.4.1.99999.1"
    assert d["gen_time"].endswith("Z") and len(d["nonce"]) <= 16 and d["url"] == tsa_service.url
    assert (
        hashlib.sha256(read_blob(case, entry.content["digest"])).hexdigest()
        == (entry.content["digest"])
    )
    add_note(case, "after the anchor")
    summary = case_anchors(case)
    assert summary.findings == []
    lines = summary.lines()
    assert lines[0].startswith(f"entries 0–{head.seq} existed before ")
    assert lines[0].endswith("UTC, per CN=EV Test tsa (trusted)")
    # The anchor entry and the note after it rest on the local clock.
    assert lines[-1] == "2 entries since rest on the local clock"
    report = verify_case(case)
    assert report.ok and report.anchors.best.head_seq == head.seq


def test_openssl_verifies_the_stored_token_over_the_entry_hash(
    case: Case, tsa, tsa_service, tmp_path
):
    entry = timestamp_case(case, tsa)
    token = tmp_path / "anchor.tsr"
    token.write_bytes(read_blob(case, entry.content["digest"]))
    out = subprocess.run(
        ["openssl", "ts", "-verify", "-digest", entry.details["head"], "-in", token,
         "-CAfile", tsa_service.ca], capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "Verification: OK" in out.stdout, out.stderr
    other = subprocess.run(
        ["openssl", "ts", "-verify", "-digest", "00" * 32, "-in", token, "-CAfile", tsa_service.ca],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "Verification: FAILED" in other.stdout


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("reject", "refused to time-stamp: Message digest algorithm is not supported"),
        ("other_hash", "over another hash than the custody head"),
        ("wrong_nonce", "wrong nonce"),
        ("noeku", "unsuitable certificate purpose"),
        ("junk", "not an RFC 3161 time-stamp response"),
    ],
)
def test_a_response_that_proves_nothing_is_refused_and_nothing_is_stored(
    case: Case, tsa, tsa_service: LoopbackTsa, mode: str, reason: str
):
    tsa_service.mode = mode
    tsa_service.head_hex = list(read_entries(case.conn))[-1].entry_hash.hex()
    before = _counts(case)
    with pytest.raises(TokenRefused, match=reason) as err:
        timestamp_case(case, tsa)
    assert "Nothing was stored" in str(err.value)
    assert _counts(case) == before


def test_a_tsa_not_chaining_to_the_trusted_ca_is_refused(case: Case, tsa_service, tmp_path):
    tsa_service.mode = "good"
    other = make_ca(tmp_path / "other", "other")
    stranger = add_tsa("stranger", tsa_service.url, other.read_text())
    before = _counts(case)
    with pytest.raises(TokenRefused, match="unable to get local issuer"):
        timestamp_case(case, stranger)
    assert _counts(case) == before


def test_offline_the_head_waits_and_nothing_changes(case: Case, tsa_service, tmp_path):
    with socket.socket() as s:  # a port nobody listens on once this closes
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = add_tsa("down", f"http://127.0.0.1:{port}/tsa", tsa_service.ca.read_text())
    LOOPBACK_ALLOWED.add(("127.0.0.1", port))
    try:
        before = _counts(case)
        with pytest.raises(TsaUnreachable, match="the custody head waits"):
            timestamp_case(case, down)
        assert _counts(case) == before
    finally:
        LOOPBACK_ALLOWED.discard(("127.0.0.1", port))


def test_any_other_connect_is_still_refused_by_the_audit_hook(case: Case, tsa_service):
    add_tsa("remote", "http://192.0.2.1/tsa", tsa_service.ca.read_text())
    with pytest.raises(RuntimeError, match="network access refused"):
        timestamp_case(case, find_tsa("remote"))


def test_an_edited_stored_response_is_a_finding(case: Case, tsa):
    entry = timestamp_case(case, tsa)
    blob_id = case.conn.execute(
        "SELECT id FROM blobs WHERE sha256 = ?", (entry.content["digest"],)
    ).fetchone()[0]
    data = bytearray(read_blob(case, entry.content["digest"]))
    data[-5] ^= 1
    tamper(case, "UPDATE chunks SET data = ? WHERE blob_id = ?", (bytes(data), blob_id))
    report = verify_case(case)
    assert not report.ok
    assert any(f.seq == entry.seq and "was changed" in f.reason for f in report.findings)


def test_an_anchor_naming_another_head_is_a_finding(case: Case, tsa):
    """The key holder signs an anchor entry whose head is another entry of the chain."""
    real = timestamp_case(case, tsa)
    first = next(iter(read_entries(case.conn)))
    forged = dict(real.details, head_seq=0, head=first.entry_hash.hex())
    with tampering(case) as conn:
        entry = forge_entry(conn, case, case.signer, "anchor.timestamp",
                            digest=real.content["digest"], details=forged)  # fmt: skip
    findings = [f for f in case_anchors(case).findings if f.seq == entry.seq]
    assert findings and "another hash" in findings[0].reason


def test_a_token_from_another_case_is_a_finding(case: Case, tsa, tmp_path):
    other = new_case(tmp_path, "other.evault")
    token = timestamp_case(other, tsa)
    der = read_blob(other, token.content["digest"])
    other.close()
    head = list(read_entries(case.conn))[-1]
    with tampering(case) as conn:
        chunks = iter([der])
        store_stream(conn, lambda _n: next(chunks, b""))
        details = dict(token.details, head_seq=head.seq, head=head.entry_hash.hex())
        entry = forge_entry(conn, case, case.signer, "anchor.timestamp",
                            digest=token.content["digest"], details=details)  # fmt: skip
    findings = [f for f in verify_case(case).findings if f.seq == entry.seq]
    assert findings and "another hash" in findings[0].reason


def test_a_tsa_no_longer_trusted_here_is_a_warning_not_a_pass(case: Case, tsa):
    timestamp_case(case, tsa)
    remove_tsa("test-tsa")
    report = verify_case(case)
    assert report.ok  # the chain is intact; trust is this computer's choice
    warnings = [f for f in report.findings if f.level == "warning"]
    assert any("not trusted on this computer" in f.reason for f in warnings)
    assert "TSA NOT TRUSTED on this computer" in report.anchors.lines()[0]


def test_a_log_rewritten_and_resigned_after_an_anchor_is_found(case: Case, tsa):
    """Whoever holds the passphrase re-signs the whole chain with an edited entry (and the
    anchor entry's head updated to match): every signature is good, but the token still
    proves the old head."""
    timestamp_case(case, tsa)
    _rewrite(case, seq=1)
    report = verify_case(case)
    assert report.chain.ok  # the rewrite is internally consistent
    assert not report.ok
    assert any("another hash than the custody head" in f.reason for f in report.findings)


def _rewrite(case: Case, seq: int) -> None:
    """Back-date entry `seq` by a second and re-sign it and every later entry with the
    case's own key, pointing anchor entries at the rewritten heads."""
    entries = list(read_entries(case.conn))
    prev, new_hash = entries[seq].prev, {}
    with tampering(case) as conn:
        for e in entries[seq:]:
            content = dict(e.content)
            if e.seq == seq:
                content["at"] = content["at"][:17] + "00.000000Z"
            if e.action == "anchor.timestamp":
                details = dict(content["details"])
                details["head"] = new_hash[details["head_seq"]].hex()
                content["details"] = details
            text = canonical(content)
            ch = hashlib.sha256(text).digest()
            eh = entry_hash_of(prev, ch)
            conn.execute(
                "UPDATE custody SET prev=?, content_hash=?, entry_hash=?, sig=?, content=?"
                " WHERE seq=?", (prev, ch, eh, case.signer.sign(eh), text.decode(), e.seq),
            )  # fmt: skip
            prev = new_hash[e.seq] = eh


def test_a_clock_that_ran_ahead_of_the_token_is_a_warning(case: Case):
    entries = list(read_entries(case.conn))
    early = AnchorCheck(9, len(entries) - 1, "2000-01-01T00:00:00Z", "t", "u", True, True)
    found = _clock_ahead(entries, [early])
    assert [f.seq for f in found] == [e.seq for e in entries]
    assert all(f.level == "warning" and "clock ran ahead" in f.reason for f in found)


def test_the_anchor_survives_reopening(case: Case, tsa):
    timestamp_case(case, tsa)
    again = reopen(case)
    try:
        assert case_anchors(again).findings == []
    finally:
        again.close()
    Case.open(case.path, PASSPHRASE).close()


def test_loopback_is_refused_too_unless_a_running_test_service_registered_it():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with socket.socket() as c, pytest.raises(RuntimeError, match="network access refused"):
            c.connect(s.getsockname())
