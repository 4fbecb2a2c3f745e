"""Ed25519 identities: keys, fingerprints, PEM for openssl."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def fingerprint(public_key: bytes) -> str:
    """SHA-256 hex of the raw 32-byte public key (DESIGN §4)."""
    return hashlib.sha256(public_key).hexdigest()


def public_key_pem(public_key: bytes) -> bytes:
    """SubjectPublicKeyInfo PEM, the form `openssl pkeyutl -verify -pubin` reads."""
    # Loaded here: `serialization` (with its SSH and PKCS#12 parts) costs every command's
    # start-up, and only exports and reports write PEM (issue 17).
    from cryptography.hazmat.primitives import serialization

    key = Ed25519PublicKey.from_public_bytes(public_key)
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass(frozen=True)
class Identity:
    """A person known to the case by their public key."""

    fingerprint: str
    name: str
    role: str
    organization: str
    public_key: bytes


class Signer:
    """An identity whose private key this case file holds, able to sign entries."""

    def __init__(self, identity: Identity, private_key: Ed25519PrivateKey) -> None:
        self.identity = identity
        self._key = private_key

    @property
    def fingerprint(self) -> str:
        return self.identity.fingerprint

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def private_bytes(self) -> bytes:
        return self._key.private_bytes_raw()

    @classmethod
    def generate(cls, name: str, role: str, organization: str) -> Signer:
        """A fresh key pair for a new investigator."""
        return cls.from_seed(
            Ed25519PrivateKey.generate().private_bytes_raw(), name, role, organization
        )

    @classmethod
    def from_seed(cls, seed: bytes, name: str, role: str, organization: str) -> Signer:
        key = Ed25519PrivateKey.from_private_bytes(seed)
        public = key.public_key().public_bytes_raw()
        identity = Identity(fingerprint(public), name, role, organization, public)
        return cls(identity, key)
