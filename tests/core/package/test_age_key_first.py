"""verify-package derives an encrypted package's key before loading the verifier (issue 9:
scrypt needs 256 MiB by itself; after the verifier's imports the peak passed 300 MB). The
key derived first must open exactly what the passphrase opens, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.case import new_case, run_cli
from vault.errors import VaultError
from vault.evidence.ingest import import_paths
from vault.package import age
from vault.package.export import export
from vault.package.verify import verify_package

SECRET = "package passphrase, long enough"


@pytest.fixture
def sealed(tmp_path: Path, corpus: Path) -> Path:
    with new_case(tmp_path) as case:
        import_paths(case, sorted((corpus / "camera").glob("*"))[:1])
        export(case, tmp_path / "p.zip.age", encrypt_passphrase=SECRET)
    return tmp_path / "p.zip.age"


def test_a_package_opened_with_its_key_derived_first_verifies_and_forgets_the_key(
    sealed: Path,
) -> None:
    with age.key_derived_first(sealed, SECRET):
        assert len(age._EARLY) == 1, "scrypt ran before the read"
        assert verify_package(sealed, passphrase=SECRET).ok
    assert age._EARLY == {}, "the derived key is not kept after the block"


def test_a_wrong_passphrase_derived_first_is_still_refused(sealed: Path) -> None:
    with age.key_derived_first(sealed, "not the passphrase"), pytest.raises(VaultError):
        verify_package(sealed, passphrase="not the passphrase")


def test_a_plain_file_is_left_for_the_reader_to_refuse(tmp_path: Path) -> None:
    (tmp_path / "x.zip.age").write_bytes(b"not age at all\n")
    with age.key_derived_first(tmp_path / "x.zip.age", SECRET):
        assert age._EARLY == {}


def test_verify_package_of_an_encrypted_package_at_the_command_line(sealed: Path) -> None:
    done = run_cli("verify-package", sealed, passphrase=SECRET)
    assert done.returncode == 0, done.stderr
    assert "VALID" in done.stdout
