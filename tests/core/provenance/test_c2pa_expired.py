"""An expired signing certificate without a trusted time (DESIGN §9): its own code, never
"tampered". The fixture is made here: a test CA and an ES256 signing certificate with the
extensions C2PA asks of a signer (digitalSignature, an allowed EKU, SKI/AKI), used through
c2pa-python's Builder with a callback signer on a corpus JPEG.

c2pa refuses to sign with a certificate that has already expired ("the certificate was not
valid at time of signing"), and the manifest then carries no trusted time (no TSA offline),
so the certificate is valid for two seconds: it signs, it lapses, and the file is imported
after that. The test waits for the wall clock to pass the certificate's notAfter (X.509
times have one-second steps); nothing else can make a real certificate expire offline."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.helpers.case import CORPUS, new_case
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items, read_original
from vault.provenance.codes import describe
from vault.provenance.record import provenance_by_item
from vault.provenance.trust import add_trust_list

PHOTO = CORPUS / "camera" / "Canon_40D.jpg"
TAMPERED = ("assertion.dataHash.mismatch", "claimSignature.mismatch")


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "EV tests")])  # fmt: skip


def _usage(signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signer, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=not signer,
        crl_sign=not signer, encipher_only=False, decipher_only=False,
    )  # fmt: skip


def _ca() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(_name("EV test C2PA root"))
        .issuer_name(_name("EV test C2PA root")).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30)).not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(signer=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    return cert, key


def _signer_cert(ca: x509.Certificate, ca_key, key, not_after: datetime) -> x509.Certificate:
    """ES256 end-entity certificate as C2PA's certificate profile wants it."""
    return (
        x509.CertificateBuilder().subject_name(_name("EV expired signer"))
        .issuer_name(ca.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_after - timedelta(days=1)).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(signer=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip


def _sign(photo: Path, out: Path, cert: x509.Certificate, ca: x509.Certificate, key) -> None:
    chain = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (cert, ca)).decode()
    manifest = {
        "claim_generator_info": [{"name": "Evidence Vault tests", "version": "1"}],
        "title": photo.name,
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [{
            "action": "c2pa.created",
            "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
        }]}}],
    }  # fmt: skip
    signer = c2pa.Signer.from_callback(
        lambda data: key.sign(data, ec.ECDSA(hashes.SHA256())), c2pa.C2paSigningAlg.ES256, chain
    )
    signed = io.BytesIO()
    with signer, c2pa.Builder(manifest) as builder:
        builder.sign(signer, "image/jpeg", io.BytesIO(photo.read_bytes()), signed)
    out.write_bytes(signed.getvalue())


def _import_reading(tmp_path: Path, photo: Path) -> dict:
    case = new_case(tmp_path)
    try:
        import_paths(case, [photo])
        (item,) = list_items(case.conn)
        assert b"".join(read_original(case.conn, item.id)) == photo.read_bytes()
        (reading,) = provenance_by_item(case.conn)[item.id]
        return reading
    finally:
        case.close()


def _anchor(tmp_path: Path, ca: x509.Certificate) -> None:
    (tmp_path / "root.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    add_trust_list("EV test root", tmp_path / "root.pem")


def test_the_same_signer_within_its_validity_is_trusted(tmp_path):
    """The control: CA, extensions and signing are right, so expiry alone explains below."""
    ca, ca_key = _ca()
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _signer_cert(ca, ca_key, key, datetime.now(UTC) + timedelta(days=1))
    _sign(PHOTO, tmp_path / "signed.jpg", cert, ca, key)
    _anchor(tmp_path, ca)
    reading = _import_reading(tmp_path, tmp_path / "signed.jpg")
    assert reading["state"] == "trusted", reading
    assert reading["signer"] == "EV expired signer"
    assert reading["trust"]["chained_to"]["name"] == "EV test root"


def test_an_expired_certificate_without_trusted_time_is_its_own_code_not_tampering(tmp_path):
    ca, ca_key = _ca()
    key = ec.generate_private_key(ec.SECP256R1())
    not_after = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    cert = _signer_cert(ca, ca_key, key, not_after)
    _sign(PHOTO, tmp_path / "signed.jpg", cert, ca, key)
    _anchor(tmp_path, ca)
    while datetime.now(UTC) < not_after + timedelta(seconds=1):
        time.sleep(0.1)  # the wall clock, not an event: the certificate lapses
    reading = _import_reading(tmp_path, tmp_path / "signed.jpg")
    assert reading["state"] == "invalid"
    assert "signingCredential.expired" in reading["codes"]
    assert not set(TAMPERED) & set(reading["codes"])
    assert reading["signed_at"] is None  # no trusted time in the manifest
    lines = describe(reading)
    assert "This is not a sign of tampering." in lines[1]
    assert not any("changed since it was signed" in line for line in lines)
    assert not any("do not match the signature" in line for line in lines)
