"""`verify` checks the report certificates (issue 12 §3): each signed identity.certificate
entry (its PEM hashes to the signed SHA-256, it names its signer's own custody key, it parses
and holds an ECDSA P-256 key), each report-signing key kept in the case, and each report's
certificate against a certified one. Every tamper is done to a real case file behind the
app's back, as someone holding the passphrase could."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from tests.helpers.case import PASSPHRASE, new_case, run_cli
from tests.helpers.certs import self_signed
from tests.helpers.tamper import forge_entry, tamper, tampering
from vault.case.certificate import certificate_sha256, report_key
from vault.case.handle import Case
from vault.case.identity import Signer
from vault.custody.verify import verify_case
from vault.report.generate import generate_report


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    opened = new_case(tmp_path)
    yield opened
    opened.close()


def _certificate(key) -> x509.Certificate:
    return self_signed(key, serial=11)


def _pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _forge_certificate(case: Case, certificate_pem: str, sha: str, fingerprint: str) -> None:
    """An identity.certificate entry the investigator signed with their own key, by hand."""
    details = {"fingerprint": fingerprint, "certificate": certificate_pem, "sha256": sha,
               "source": "pkcs12"}  # fmt: skip
    with tampering(case) as conn:
        forge_entry(conn, case, case.signer, "identity.certificate", digest=sha, details=details)


def _reasons(case: Case) -> list[str]:
    return [str(f) for f in verify_case(case).findings if f.level == "error"]


def test_a_signed_report_and_its_certificate_verify(case: Case, tmp_path: Path) -> None:
    generate_report(case, tmp_path / "report.pdf")
    assert _reasons(case) == []


def test_a_certificate_whose_pem_does_not_hash_to_the_signed_sha256_is_a_finding(
    case: Case,
) -> None:
    certificate = _certificate(ec.generate_private_key(ec.SECP256R1()))
    other = certificate_sha256(_certificate(ec.generate_private_key(ec.SECP256R1())))
    _forge_certificate(case, _pem(certificate), other, case.signer.fingerprint)
    (reason,) = _reasons(case)
    assert f"SHA-256 is {certificate_sha256(certificate)}, not the signed {other}" in reason


def test_a_certificate_recorded_for_another_investigators_key_is_a_finding(case: Case) -> None:
    certificate = _certificate(ec.generate_private_key(ec.SECP256R1()))
    stranger = Signer.generate("Mallory", "investigator", "elsewhere").fingerprint
    _forge_certificate(case, _pem(certificate), certificate_sha256(certificate), stranger)
    (reason,) = _reasons(case)
    assert f"recorded for key {stranger[:16]}, not for its signer" in reason


def test_an_ed25519_report_certificate_is_a_finding(case: Case) -> None:
    certificate = _certificate(ed25519.Ed25519PrivateKey.generate())
    sha = certificate_sha256(certificate)
    _forge_certificate(case, _pem(certificate), sha, case.signer.fingerprint)
    (reason,) = _reasons(case)
    assert "key is not ECDSA P-256" in reason


def test_an_unreadable_certificate_is_a_finding(case: Case) -> None:
    _forge_certificate(case, "-----BEGIN CERTIFICATE-----\nnot one\n", "00" * 32,
                       case.signer.fingerprint)  # fmt: skip
    (reason,) = _reasons(case)
    assert "cannot be read" in reason


def test_a_report_key_swapped_behind_the_log_is_a_finding(case: Case, tmp_path: Path) -> None:
    key = report_key(case)
    stranger = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip
    tamper(case, "UPDATE report_keys SET private_key = ? WHERE sha256 = ?", (stranger, key.sha256))
    (reason,) = _reasons(case)
    assert f"report-signing key for certificate {key.sha256[:16]} matches no certificate" in reason


def test_a_report_key_with_no_certificate_in_the_log_is_a_finding(case: Case) -> None:
    slipped = ec.generate_private_key(ec.SECP256R1())
    sha = certificate_sha256(_certificate(slipped))
    der = slipped.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip
    tamper(case, "INSERT INTO report_keys (sha256, fingerprint, private_key) VALUES (?, ?, ?)",
           (sha, case.signer.fingerprint, der))  # fmt: skip
    (reason,) = _reasons(case)
    assert f"certificate {sha[:16]} matches no certificate" in reason


def test_a_report_signed_with_an_uncertified_certificate_is_a_finding(case: Case) -> None:
    sha = certificate_sha256(_certificate(ec.generate_private_key(ec.SECP256R1())))
    details = {"report": "r-forged", "language": "en", "certificate": sha,
               "signature": "PAdES-B-B"}  # fmt: skip
    with tampering(case) as conn:
        forge_entry(conn, case, case.signer, "report.generate", digest="ab" * 32, details=details)
    reasons = _reasons(case)
    assert any(f"report r-forged was signed with certificate {sha[:16]}" in r for r in reasons)


def test_the_cli_verify_names_the_certificate_finding(case: Case) -> None:
    certificate = _certificate(ed25519.Ed25519PrivateKey.generate())
    _forge_certificate(case, _pem(certificate), certificate_sha256(certificate),
                       case.signer.fingerprint)  # fmt: skip
    case.close()
    result = run_cli("verify", str(case.path), passphrase=PASSPHRASE)
    assert result.returncode != 0
    assert "key is not ECDSA P-256" in result.stdout + result.stderr
