"""The user's JSON lists in the configuration folder (time-stamping services, trust lists):
read back as written, and a damaged file is a clear error naming it, never an empty list."""

from __future__ import annotations

import pytest

from tests.helpers.case import CORPUS, run_cli
from vault.configstore import config_file, read_records, write_records
from vault.custody.tsa import list_tsas, tsa_file
from vault.errors import InvalidInput
from vault.provenance.trust import trust_file, user_lists

TEST_ROOT = CORPUS / "c2pa" / "test_cert_root_bundle.pem"


def test_records_are_read_back_as_written_and_a_missing_file_is_an_empty_list():
    assert read_records("things.json", "things", dict, "damaged {path}") == []
    write_records("things.json", "things", [{"name": "a"}, {"name": "b"}])
    names = read_records("things.json", "things", lambda r: r["name"], "damaged {path}")
    assert names == ["a", "b"]
    assert config_file("things.json").exists()


@pytest.mark.parametrize("text", ["{not json", '{"lists": 3}', '{"other": []}', '{"lists": [{}]}'])
def test_a_damaged_trust_file_is_refused_with_its_path(text):
    trust_file().parent.mkdir(parents=True, exist_ok=True)
    trust_file().write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match="damaged") as caught:
        user_lists()
    assert str(trust_file()) in str(caught.value)


def test_a_damaged_tsa_file_is_refused_by_the_cli_without_a_traceback():
    tsa_file().parent.mkdir(parents=True, exist_ok=True)
    tsa_file().write_text('{"tsas": [{"name": "x"}]}', encoding="utf-8")
    with pytest.raises(InvalidInput, match="damaged"):
        list_tsas()
    result = run_cli("tsa", "list")
    assert result.returncode != 0 and "damaged" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_trust_and_tsa_commands_share_add_list_remove():
    assert run_cli("trust", "add", "test root", str(TEST_ROOT)).returncode == 0
    listed = run_cli("trust", "list", "--json")
    assert "test root" in listed.stdout
    assert run_cli("trust", "remove", "test root").returncode == 0
    assert run_cli("tsa", "remove", "nothing").returncode != 0
    assert "add|list|remove" in run_cli("tsa", "--help").stdout
