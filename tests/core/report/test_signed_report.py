"""A signed PDF that stock readers check (issue 12 §3): PAdES with an ECDSA P-256
certificate bound to the investigator's custody key by a signed identity.certificate entry,
checked with poppler's pdfsig (which refuses Ed25519, NOTES-trust.md §4)."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from tests.helpers.case import PASSPHRASE, new_case
from tests.helpers.certs import pkcs12_file
from tests.helpers.report import pdf_text
from tests.helpers.tsa import LoopbackTsa
from vault.case.certificate import current_key, import_certificate, report_key
from vault.case.handle import Case
from vault.cli.main import main
from vault.custody.entry import read_entries
from vault.custody.tsa import add_tsa
from vault.custody.verify import verify_case
from vault.errors import InvalidInput
from vault.report.generate import generate_report


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    opened = new_case(tmp_path, organization="Prosecutor's office")
    yield opened
    opened.close()


def pdfsig(pdf: Path) -> str:
    # pdfsig exits 0 on a digest mismatch too: its words are the verdict (NOTES-trust.md §4).
    return subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout


def certificates(case: Case) -> list[dict]:
    return [e.details for e in read_entries(case.conn) if e.action == "identity.certificate"]


def test_the_report_is_signed_and_pdfsig_says_the_signature_is_valid(
    case: Case, tmp_path: Path
) -> None:
    result = generate_report(case, tmp_path / "report.pdf")
    said = pdfsig(result.path)
    assert "Signature Validation: Signature is Valid." in said
    assert "Signature Type: ETSI.CAdES.detached" in said
    assert "Total document signed" in said
    assert "Signer Certificate Common Name: Olena K." in said
    assert result.signature == "PAdES-B-B"
    logged = [e for e in read_entries(case.conn) if e.action == "report.generate"][-1]
    assert logged.content is not None
    assert logged.content["digest"] == hashlib.sha256(result.path.read_bytes()).hexdigest()
    assert logged.details["certificate"] == result.certificate
    assert verify_case(case).ok


def test_the_certificate_is_self_issued_once_and_bound_to_the_custody_key(
    case: Case, tmp_path: Path
) -> None:
    first = generate_report(case, tmp_path / "one.pdf")
    generate_report(case, tmp_path / "two.pdf", language="uk")
    (recorded,) = certificates(case)
    me = case.signer.fingerprint
    assert recorded["fingerprint"] == me and recorded["sha256"] == first.certificate
    cert = x509.load_pem_x509_certificate(recorded["certificate"].encode())
    der = cert.public_bytes(serialization.Encoding.DER)
    assert hashlib.sha256(der).hexdigest() == recorded["sha256"]
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.public_key().curve.name == "secp256r1"
    assert cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == me
    entry = next(e for e in read_entries(case.conn) if e.action == "identity.certificate")
    assert entry.actor == me
    text = " ".join(pdf_text(tmp_path / "one.pdf").split())
    assert recorded["sha256"] in text and f"custody entry {entry.seq}" in text


def test_the_private_key_lives_only_inside_the_encrypted_case_file(
    case: Case, tmp_path: Path
) -> None:
    key = report_key(case)
    raw = key.private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    case.close()
    assert raw not in Path(case.path).read_bytes()
    assert not any(p.suffix in (".pem", ".key", ".p12") for p in tmp_path.rglob("*"))
    with Case.open(case.path, PASSPHRASE) as again:
        kept = current_key(again)
        assert kept is not None and kept.sha256 == key.sha256
        assert kept.private_key.private_numbers() == key.private_key.private_numbers()


def test_a_one_byte_change_breaks_the_signature(case: Case, tmp_path: Path) -> None:
    result = generate_report(case, tmp_path / "report.pdf")
    data = bytearray(result.path.read_bytes())
    at = data.index(b"/Producer")
    data[at + 12] ^= 0x01
    (tmp_path / "edited.pdf").write_bytes(bytes(data))
    assert "Digest Mismatch." in pdfsig(tmp_path / "edited.pdf")


def _pkcs12(key, name: str = "Olena K.") -> bytes:
    return pkcs12_file(key, b"p12 secret", name)


def test_an_organisations_pkcs12_certificate_is_recorded_and_signs_the_next_report(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p12 = tmp_path / "org.p12"
    p12.write_bytes(_pkcs12(ec.generate_private_key(ec.SECP256R1())))
    (tmp_path / "p12.pass").write_text("p12 secret\n")
    case.close()
    monkeypatch.setenv("EVIDENCE_VAULT_PASSPHRASE", PASSPHRASE)
    args = ["certificate", str(case.path), "--import", str(p12)]
    assert main([*args, "--p12-passphrase-file", str(tmp_path / "p12.pass")]) == 0
    with Case.open(case.path, PASSPHRASE) as again:
        (recorded,) = certificates(again)
        assert recorded["source"] == "pkcs12"
        result = generate_report(again, tmp_path / "report.pdf")
        assert result.certificate == recorded["sha256"]
    assert "Signature is Valid." in pdfsig(result.path)


def test_an_ed25519_or_unreadable_pkcs12_is_refused_and_nothing_is_recorded(
    case: Case,
) -> None:
    with pytest.raises(InvalidInput, match="ECDSA P-256"):
        import_certificate(case, _pkcs12(ed25519.Ed25519PrivateKey.generate()), "p12 secret")
    with pytest.raises(InvalidInput, match="passphrase"):
        import_certificate(case, _pkcs12(ec.generate_private_key(ec.SECP256R1())), "wrong")
    assert certificates(case) == []


def test_with_a_time_stamping_service_the_report_is_signed_pades_b_t(
    case: Case, tmp_path: Path, tsa_service: LoopbackTsa, monkeypatch: pytest.MonkeyPatch
) -> None:
    tsa_service.mode = "good"
    add_tsa("test-tsa", tsa_service.url, tsa_service.ca.read_text())
    served = tsa_service.requests
    case.close()
    monkeypatch.setenv("EVIDENCE_VAULT_PASSPHRASE", PASSPHRASE)
    assert main(["report", str(case.path), str(tmp_path / "report.pdf")]) == 0
    assert tsa_service.requests > served
    assert "Signature is Valid." in pdfsig(tmp_path / "report.pdf")
    # pdfsig does not show the token; pyHanko reads it and checks it against the TSA's root.
    root = load_cert_from_pemder(str(tsa_service.ca))
    with (tmp_path / "report.pdf").open("rb") as f:
        (signature,) = PdfFileReader(f).embedded_signatures
        status = validate_pdf_signature(
            signature, ValidationContext(trust_roots=[root], allow_fetching=False)
        )
    assert status.intact and status.valid
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.trusted
    with Case.open(case.path, PASSPHRASE) as again:
        logged = [e for e in read_entries(again.conn) if e.action == "report.generate"][-1]
        assert logged.details["signature"] == "PAdES-B-T"
    assert main(["report", str(case.path), str(tmp_path / "b.pdf"), "--no-timestamp"]) == 0
