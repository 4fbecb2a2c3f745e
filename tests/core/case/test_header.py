"""Unlocking early (issue 17: start-up): a command that knows the passphrase starts the key
derivation in a thread while the core loads; the open takes that key, and only for exactly
the passphrase and file it was derived for."""

from __future__ import annotations

import hashlib
import threading

import pytest

from tests.helpers.case import PASSPHRASE, new_case
from vault.case.handle import Case
from vault.case.header import derive_key, derive_soon, read_salt
from vault.errors import WrongPassphrase


def _sqlcipher4_key(passphrase: str, salt: bytes) -> bytes:
    """SQLCipher 4's default KDF, computed by another implementation (Python's hashlib)."""
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode(), salt, 256_000, 32)


def test_a_key_derived_in_the_background_is_sqlcipher_4s_key(tmp_path):
    with new_case(tmp_path) as case:
        path = case.path
    derive_soon(PASSPHRASE, path)
    assert any(t.name == "case-key-derivation" for t in threading.enumerate())
    salt = read_salt(path)
    assert derive_key(PASSPHRASE, salt) == _sqlcipher4_key(PASSPHRASE, salt)


def test_the_same_key_is_derived_once(tmp_path):
    with new_case(tmp_path) as case:
        path = case.path
    before = set(threading.enumerate())
    derive_soon(PASSPHRASE, path)
    derive_soon(PASSPHRASE, path)  # the entry point started it; the command asks again
    started = {t for t in threading.enumerate() if t.name == "case-key-derivation"} - before
    assert len(started) == 1
    derive_key(PASSPHRASE, read_salt(path))


def test_a_case_opens_with_its_early_derived_key(tmp_path):
    with new_case(tmp_path, title="Izium") as case:
        path = case.path
    derive_soon(PASSPHRASE, path)
    with Case.open(path, PASSPHRASE) as case:
        assert case.info.title == "Izium"


def test_a_key_derived_early_for_another_passphrase_is_never_used(tmp_path):
    with new_case(tmp_path) as case:
        path = case.path
    derive_soon("a wrong passphrase, long enough", path)
    with Case.open(path, PASSPHRASE) as case:  # the right one still opens it
        assert case.info.title
    derive_soon(PASSPHRASE, path)
    with pytest.raises(WrongPassphrase):  # and a wrong one is still refused
        Case.open(path, "a wrong passphrase, long enough")


def test_a_key_derived_early_for_another_file_is_never_used(tmp_path):
    with new_case(tmp_path, "a.evault") as a, new_case(tmp_path, "b.evault", title="B") as b:
        first, second = a.path, b.path
    derive_soon(PASSPHRASE, first)  # same passphrase, but each file has its own salt
    with Case.open(second, PASSPHRASE) as case:
        assert case.info.title == "B"


def test_an_unreadable_file_starts_no_derivation(tmp_path):
    before = set(threading.enumerate())
    derive_soon(PASSPHRASE, tmp_path / "missing.evault")  # the open says what is wrong
    assert not {t for t in threading.enumerate() if t.name == "case-key-derivation"} - before
