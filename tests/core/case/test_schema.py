"""Schema migrations: a case file made by every released schema opens in this app."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vault.case.handle import Case
from vault.case.schema import SCHEMA_VERSION
from vault.case.view import CaseReader
from vault.custody.verify import verify_case
from vault.evidence.items import list_items, signed_record, thumbnail
from vault.evidence.notes import list_notes

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PASSPHRASE = "schema fixture passphrase"  # tools/make_schema_fixture.py


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_a_case_made_by_an_earlier_schema_opens_and_verifies(tmp_path, version):
    fixture = FIXTURES / f"case-v{version}.evault"
    assert fixture.exists(), (
        "keep a fixture per released schema: python -m tools.make_schema_fixture N"
    )
    path = shutil.copy(fixture, tmp_path / "old.evault")  # opening migrates in place
    with Case.open(path, PASSPHRASE) as case:
        assert case.file.schema_version == SCHEMA_VERSION
        assert case.info.title == "Fixture — схема"
        (item,) = list_items(case.conn)
        assert (item.original_name, item.metadata["model"]) == ("Canon_40D.jpg", "Canon EOS 40D")
        assert CaseReader(case).description(item.id) == {"title": "Cell 2", "location": "Basement"}
        assert [n.text for n in list_notes(case.conn)] == ["Свідок: утримували 46 днів."]
        assert verify_case(case).ok
        assert thumbnail(case.conn, item.id), "the photo's thumbnail came through"


def test_an_older_cases_thumbnails_move_out_of_the_items_rows(tmp_path):
    """Schema 6: a thumbnail stored before an item's later columns made every listing read
    it; migrating moves each, bytes unchanged, to its own table (vault/evidence/rows.py)."""
    path = shutil.copy(FIXTURES / "case-v5.evault", tmp_path / "old.evault")
    with Case.open(path, PASSPHRASE) as case:
        (item,) = list_items(case.conn)
        moved = case.conn.execute("SELECT item_id, data FROM thumbnails").fetchall()
        left = case.conn.execute("SELECT count(*) FROM items WHERE thumbnail IS NOT NULL")
        assert left.fetchone() == (0,)
        assert [(item_id, bytes(data)) for item_id, data in moved] == [
            (item.id, thumbnail(case.conn, item.id))
        ]
        assert "thumbnail_sha256" in (signed_record(case.conn, item.id) or {}), "and checked"


def test_migrations_apply_in_order_and_record_the_version(tmp_path):
    path = shutil.copy(FIXTURES / "case-v1.evault", tmp_path / "old.evault")
    with Case.open(path, PASSPHRASE) as case:
        tables = {r[0] for r in case.conn.execute("SELECT name FROM sqlite_master")}
    assert {"lineage", "lineage_keys", "items_by_sha256"} <= tables
