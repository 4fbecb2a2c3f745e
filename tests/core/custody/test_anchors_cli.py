"""The command line for trusted time (DESIGN §12): tsa add/list/remove, timestamp, anchors,
and verify's anchor summary; against a real RFC 3161 service on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.case import new_case, run_cli
from tests.helpers.tsa import LoopbackTsa


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    case = new_case(tmp_path)
    case.close()
    return case.path


def test_tsa_add_list_remove(tsa_service: LoopbackTsa):
    out = run_cli("tsa", "add", "org", tsa_service.url, "--ca", tsa_service.ca)
    assert out.returncode == 0, out.stderr
    listed = run_cli("tsa", "list", "--json")
    assert json.loads(listed.stdout)[0]["name"] == "org"
    assert json.loads(listed.stdout)[0]["ca"] == ["CN=EV Test Root ca"]
    assert run_cli("tsa", "add", "org", tsa_service.url, "--ca", tsa_service.ca).returncode == 2
    bad = run_cli("tsa", "add", "x", tsa_service.url, "--ca", tsa_service.dir / "missing.pem")
    assert bad.returncode == 2 and "Cannot read the certificate file" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert run_cli("tsa", "remove", "org").returncode == 0
    assert "No time-stamping service is configured" in run_cli("tsa", "list").stdout


def test_timestamp_then_anchors_and_verify_state_what_is_proven(tsa_service, case_path: Path):
    tsa_service.mode = "good"
    assert run_cli("timestamp", case_path).returncode == 2  # nothing configured yet
    run_cli("tsa", "add", "org", tsa_service.url, "--ca", tsa_service.ca)
    out = run_cli("timestamp", case_path, "--tsa", "org")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Time-stamped entries 0–0 at ")
    anchors = run_cli("anchors", case_path, "--json")
    doc = json.loads(anchors.stdout)
    assert doc["anchored_through"] == 0 and doc["unanchored"] == 1
    assert doc["anchors"][0]["trusted"] and doc["rolled_back"] is None
    verify = run_cli("verify", case_path)
    assert verify.returncode == 0
    assert "Trusted time:\n  entries 0–0 existed before " in verify.stdout
    assert "per CN=EV Test tsa (trusted)" in verify.stdout


def test_a_refused_token_is_reported_with_its_reason_and_exit_1(tsa_service, case_path: Path):
    run_cli("tsa", "add", "org", tsa_service.url, "--ca", tsa_service.ca)
    tsa_service.mode = "other_hash"
    try:
        out = run_cli("timestamp", case_path)
    finally:
        tsa_service.mode = "good"
    assert out.returncode == 1
    assert "over another hash than the custody head" in out.stderr
    assert "Traceback" not in out.stderr
    assert json.loads(run_cli("anchors", case_path, "--json").stdout)["anchors"] == []


def test_no_command_contacts_a_tsa_unless_asked(tsa_service, case_path: Path, corpus: Path):
    run_cli("tsa", "add", "org", tsa_service.url, "--ca", tsa_service.ca)
    before = tsa_service.requests
    photo = sorted((corpus / "camera").iterdir())[0]
    for args in (
        ("import", case_path, photo), ("note", case_path, "a note"), ("items", case_path),
        ("log", case_path), ("verify", case_path), ("anchors", case_path),
        ("export", case_path, case_path.parent / "pkg"),
        ("verify-package", case_path.parent / "pkg"),
    ):  # fmt: skip
        out = run_cli(*args)
        assert out.returncode in (0, 1), (args, out.stderr)
    assert tsa_service.requests == before
