"""Certificates made in tests with `cryptography`: a self-signed one for any key (ECDSA,
Ed25519, RSA), and an organisation's PKCS#12 file holding it, as a CA would hand it out."""

from __future__ import annotations

from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


def self_signed(key, name: str = "Olena K.", serial: int = 7) -> x509.Certificate:
    """A certificate for `key`, signed by itself, valid 2026–2036."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(datetime(2026, 1, 1))
        .not_valid_after(datetime(2036, 1, 1))
        .sign(key, None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256())
    )


def pkcs12_file(key, secret: bytes, name: str = "Olena K.") -> bytes:
    """A PKCS#12 file holding `key` and its self-signed certificate, encrypted with `secret`."""
    return pkcs12.serialize_key_and_certificates(
        b"org", key, self_signed(key, name), None, serialization.BestAvailableEncryption(secret)
    )
