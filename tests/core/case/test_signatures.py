"""Signature checks a view spreads over time (vault/case/signatures.py): nothing unchecked
is ever taken as signed, and what waits is checked later, a slice at a time."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from vault.case.signatures import Signatures


def signed(message: bytes) -> tuple[bytes, bytes, bytes]:
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return message, key.sign(message), public


def test_a_signature_beyond_the_budget_waits_and_is_not_taken_as_signed() -> None:
    first, second = signed(b"a" * 32), signed(b"b" * 32)
    signatures = Signatures()
    signatures.allow(1)
    assert signatures.holds(*first)
    assert not signatures.holds(*second) and signatures.pending == 1
    assert signatures.check(10) == 0
    assert signatures.holds(*second) and signatures.holds(*first)  # remembered: no budget used


def test_a_signature_that_fails_is_never_taken_as_signed_nor_checked_again() -> None:
    message, signature, key = signed(b"c" * 32)
    forged = bytes(64)
    signatures = Signatures()
    signatures.allow(1)
    assert not signatures.holds(message, forged, key)
    assert not signatures.holds(message, forged, key) and signatures.pending == 0  # remembered
    assert not signatures.holds(message, signature, bytes(31))  # waits: the budget is spent
    assert signatures.check(1) == 0
    assert not signatures.holds(message, signature, bytes(31))  # no key at all
