"""Trust lists: shipped ones pinned by SHA-256 with their source; a user's lists added,
listed and removed; a changed shipped list is refused, never silently trusted."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.helpers.case import CORPUS, ROOT, new_case, run_cli
from vault.errors import InvalidInput, MissingResource, NotFound
from vault.provenance import trust
from vault.provenance.trust import add_trust_list, remove_trust_list, shipped_lists, user_lists

TRUST = ROOT / "resources" / "trust"
SHARED_TRUST = ROOT.parent / "shared" / "trust"
TEST_ROOT = CORPUS / "c2pa" / "test_cert_root_bundle.pem"


def test_every_shipped_file_has_its_pinned_hash_and_source():
    manifest = json.loads((TRUST / "MANIFEST.json").read_text())
    entries = [e[k] for e in manifest["lists"] for k in ("anchors", "allowed", "config") if k in e]
    entries += manifest["data"]
    shipped = {p.relative_to(TRUST).as_posix() for p in TRUST.rglob("*") if p.is_file()}
    assert shipped == {e["file"] for e in entries} | {"MANIFEST.json"}
    for entry in entries:
        data = (TRUST / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        # Byte for byte the pinned copy in ../shared/trust (see its SOURCES.md).
        assert data == (SHARED_TRUST / entry["file"]).read_bytes()
    for entry in manifest["lists"] + manifest["data"]:
        assert entry["source"].startswith("https://github.com/") and entry["licence"]


def test_the_shipped_lists_are_the_c2pa_list_then_the_interim_list():
    lists = shipped_lists()
    assert [t.name for t in lists] == ["C2PA trust list", "C2PA interim trust list"]
    assert lists[0].anchors.count("BEGIN CERTIFICATE") == 30
    assert lists[1].allowed.count("BEGIN CERTIFICATE") == 86


def test_a_changed_shipped_list_is_a_damaged_installation(monkeypatch):
    real = trust.assets.read_bytes

    def altered(*parts: str) -> bytes:
        data = real(*parts)
        return data + b"\n" if parts[-1] == "C2PA-TRUST-LIST.pem" else data

    monkeypatch.setattr(trust.assets, "read_bytes", altered)
    with pytest.raises(MissingResource):
        shipped_lists()


def test_a_user_list_is_added_with_its_file_hash_and_removed():
    added = add_trust_list("newer list", TEST_ROOT)
    assert added.sha256 == hashlib.sha256(TEST_ROOT.read_bytes()).hexdigest()
    assert [t.name for t in user_lists()] == ["newer list"]
    with pytest.raises(InvalidInput):
        add_trust_list("newer list", TEST_ROOT)
    with pytest.raises(InvalidInput):
        add_trust_list("C2PA trust list", TEST_ROOT)
    remove_trust_list("newer list")
    assert user_lists() == []
    with pytest.raises(NotFound):
        remove_trust_list("C2PA trust list")


def test_a_file_that_is_not_pem_is_refused(tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("hello")
    with pytest.raises(InvalidInput):
        add_trust_list("bad", bad)
    assert user_lists() == []


def test_trust_and_provenance_on_the_command_line(tmp_path):
    case = new_case(tmp_path)
    case.close()
    added = run_cli("trust", "add", "c2pa-rs test root", TEST_ROOT)
    assert added.returncode == 0, added.stderr
    listed = json.loads(run_cli("trust", "list", "--json").stdout)
    assert [t["origin"] for t in listed] == ["shipped", "shipped", "user"]
    imported = run_cli("import", case.path, CORPUS / "c2pa" / "CA.jpg", CORPUS / "c2pa" / "XCA.jpg")
    assert imported.returncode == 0, imported.stderr
    items = json.loads(run_cli("items", case.path, "--json").stdout)
    states = {i["original_name"]: [p["state"] for p in i["provenance"]] for i in items}
    assert states == {"CA.jpg": ["trusted"], "XCA.jpg": ["invalid"]}
    shown = run_cli("provenance", case.path).stdout
    assert "trusted list: c2pa-rs test root" in shown
    assert "The image data has changed since it was signed." in shown
    # A re-check with today's lists appends a new entry; the first one stays as it was.
    assert run_cli("trust", "remove", "c2pa-rs test root").returncode == 0
    ca = next(i for i in items if i["original_name"] == "CA.jpg")
    run_cli("provenance", case.path, ca["id"], "--recheck")
    [again] = json.loads(run_cli("provenance", case.path, ca["id"], "--json").stdout)
    assert [p["state"] for p in again["provenance"]] == ["trusted", "valid"]
    assert run_cli("verify", case.path).returncode == 0
