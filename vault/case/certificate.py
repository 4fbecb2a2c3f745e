"""Report-signing certificates (DESIGN §7): an ECDSA P-256 X.509 certificate per investigator,
bound to their Ed25519 custody key by a signed `identity.certificate` entry [fingerprint,
certificate (PEM), sha256 (of its DER)]. Common PDF validators (poppler's pdfsig through
NSS) do not accept Ed25519 signatures, hence a second key for reports only.

The certificate is self-issued at first use, or imported from the organisation as PKCS#12;
either way it is recorded by the same act. Its private key is kept inside the case file
(`report_keys`, encrypted with the rest of the file by SQLCipher) like the custody key:
never as a file on disk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from vault.case.handle import Case
from vault.custody.entry import Entry, Finding, read_entries
from vault.errors import InvalidInput
from vault.i18n import _

VALID_YEARS = 10


@dataclass(frozen=True)
class ReportKey:
    """A certificate with its private key, as one identity.certificate entry recorded it."""

    certificate: x509.Certificate
    private_key: ec.EllipticCurvePrivateKey
    chain: tuple[x509.Certificate, ...]
    sha256: str  # of the certificate's DER
    seq: int  # the identity.certificate entry

    @property
    def pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def certificate_sha256(certificate: x509.Certificate) -> str:
    """What `openssl x509 -noout -fingerprint -sha256` prints, in lower-case hex."""
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def report_key(case: Case) -> ReportKey:
    """The signer's latest recorded certificate whose private key this case file holds;
    self-issued and recorded now if there is none."""
    return current_key(case) or issue_certificate(case)


def current_key(case: Case) -> ReportKey | None:
    """The latest certificate the case's signer recorded for their own custody key and
    whose private key is kept here, or None."""
    me = case.signer.fingerprint
    keys = {
        sha: (bytes(der), chain)
        for sha, der, chain in case.conn.execute(
            "SELECT sha256, private_key, chain FROM report_keys WHERE fingerprint = ?", (me,)
        )
    }
    for entry in reversed(list(read_entries(case.conn, "WHERE action = 'identity.certificate'"))):
        details = entry.details
        if entry.actor != me or details.get("fingerprint") != me:
            continue
        found = keys.get(str(details.get("sha256")))
        certificate = _certificate(details.get("certificate"))
        if found and certificate and certificate_sha256(certificate) == details.get("sha256"):
            private = serialization.load_der_private_key(found[0], None)
            assert isinstance(private, ec.EllipticCurvePrivateKey)
            chain = tuple(x509.load_pem_x509_certificates(found[1].encode())) if found[1] else ()
            return ReportKey(certificate, private, chain, details["sha256"], entry.seq)
    return None


def _certificate(pem: object) -> x509.Certificate | None:
    try:
        return x509.load_pem_x509_certificate(str(pem).encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return None


def issue_certificate(case: Case) -> ReportKey:
    """A self-issued ECDSA P-256 certificate for the case's signer, recorded now. Its
    subject names the investigator and carries their custody key's fingerprint as its
    serialNumber, so the certificate itself says which custody key it belongs to."""
    me = case.signer.identity
    key = ec.generate_private_key(ec.SECP256R1())
    name = [x509.NameAttribute(NameOID.COMMON_NAME, me.name or me.fingerprint[:16])]
    if me.organization:
        name.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, me.organization))
    name.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, me.fingerprint))
    subject = x509.Name(name)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return _record(case, certificate, key, (), "self-issued")


def _key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip


def import_certificate(case: Case, pkcs12_bytes: bytes, password: str | None) -> ReportKey:
    """An organisation's certificate for the case's signer, from PKCS#12, recorded now. Only
    ECDSA P-256 is accepted: the signatures must verify in stock PDF readers."""
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(
            pkcs12_bytes, password.encode("utf-8") if password else None
        )
    except (ValueError, TypeError):
        raise InvalidInput(_("This is not a PKCS#12 file, or its passphrase is wrong.")) from None
    if certificate is None or key is None:
        raise InvalidInput(_("The PKCS#12 file holds no certificate with its private key."))
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise InvalidInput(
            _(
                "Report certificates must use ECDSA P-256: common PDF validators do not accept "
                "Ed25519 or other keys. Ask for an ECDSA P-256 (prime256v1) certificate."
            )
        )
    if certificate.public_key() != key.public_key():
        raise InvalidInput(_("The PKCS#12 file's certificate does not match its private key."))
    return _record(case, certificate, key, tuple(extra), "pkcs12")


def read_pkcs12(path: Path) -> bytes:
    """The bytes of a PKCS#12 file the user named; a clear error when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as err:
        message = _("Cannot read {path}: {e}")
        raise InvalidInput(message.format(path=path, e=err.strerror or err)) from None


def _record(
    case: Case,
    certificate: x509.Certificate,
    key: ec.EllipticCurvePrivateKey,
    chain: tuple[x509.Certificate, ...],
    source: str,
) -> ReportKey:
    """The identity.certificate act: the signed entry and the private key's row, together."""
    me, sha = case.signer.fingerprint, certificate_sha256(certificate)
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    details = {"fingerprint": me, "certificate": pem, "sha256": sha, "source": source}
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),  # the case file is the encryption, as for custody keys
    )
    issuers = "".join(c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in chain)
    with case.act("identity.certificate", digest=sha, details=details) as act:
        entry: Entry = act.log()
        act.conn.execute(
            "INSERT OR REPLACE INTO report_keys (sha256, fingerprint, private_key, chain)"
            " VALUES (?, ?, ?, ?)",
            (sha, me, der, issuers or None),
        )
    return ReportKey(certificate, key, chain, sha, entry.seq)


def check_certificates(conn: sqlcipher.Connection, entries: list[Entry]) -> list[Finding]:
    """`verify`'s checks of report certificates: each signed `identity.certificate` entry
    (the certificate parses, its SHA-256 is the signed one, it names its signer's own custody
    key, its key is ECDSA P-256), each stored report key (`report_keys`) and each report's
    signing certificate (`report.generate`) against a certified one of the same investigator."""
    findings: list[Finding] = []
    certified: dict[str, tuple[str, x509.Certificate]] = {}  # sha256 -> (fingerprint, cert)
    for entry in entries:
        if entry.action == "identity.certificate":
            problem, certificate = _certified(entry)
            if problem:
                findings.append(Finding(entry.seq, problem))
            elif certificate is not None:
                certified[str(entry.details["sha256"])] = (entry.actor, certificate)
        elif entry.action == "report.generate":
            findings += _report_signer(entry, certified)
    findings += _stored_keys(conn, certified)
    return findings


def _certified(entry: Entry) -> tuple[str, x509.Certificate | None]:
    """What is wrong with one identity.certificate entry ("" if nothing), and its certificate."""
    details = entry.details
    certificate = _certificate(details.get("certificate"))
    if certificate is None:
        return _("the certificate an identity.certificate entry records cannot be read"), None
    sha = certificate_sha256(certificate)
    if sha != details.get("sha256") or sha != (entry.content or {}).get("digest"):
        message = _("the recorded certificate's SHA-256 is {sha}, not the signed {signed}")
        return message.format(sha=sha, signed=details.get("sha256")), None
    if details.get("fingerprint") != entry.actor:
        message = _("the certificate is recorded for key {fp}, not for its signer {signer}")
        return message.format(
            fp=str(details.get("fingerprint"))[:16], signer=entry.actor[:16]
        ), None
    key = certificate.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        return _("the recorded report certificate's key is not ECDSA P-256"), None
    return "", certificate


def _report_signer(
    entry: Entry, certified: dict[str, tuple[str, x509.Certificate]]
) -> list[Finding]:
    """A report signed with a certificate its investigator had not certified before it."""
    sha = entry.details.get("certificate")
    if sha is None:
        return []  # reports made before reports were signed name no certificate
    if certified.get(str(sha), ("",))[0] != entry.actor:
        message = _(
            "report {id} was signed with certificate {sha}, which its signer never certified"
        )
        return [
            Finding(entry.seq, message.format(id=entry.details.get("report"), sha=str(sha)[:16]))
        ]
    return []


def _stored_keys(
    conn: sqlcipher.Connection, certified: dict[str, tuple[str, x509.Certificate]]
) -> list[Finding]:
    """Each report-signing key kept in the case must belong to a certified certificate of the
    same investigator: a key slipped in behind the log would sign reports nobody certified."""
    findings = []
    for sha, fp, der in conn.execute("SELECT sha256, fingerprint, private_key FROM report_keys"):
        owner, certificate = certified.get(sha, ("", None))
        if certificate is None or owner != fp or not _same_key(bytes(der), certificate):
            message = _("the report-signing key for certificate {sha} matches no certificate "
                        "its investigator certified in the log")  # fmt: skip
            findings.append(Finding(None, message.format(sha=str(sha)[:16])))
    return findings


def _same_key(der: bytes, certificate: x509.Certificate) -> bool:
    try:
        private = serialization.load_der_private_key(der, None)
    except (ValueError, TypeError):
        return False
    return private.public_key() == certificate.public_key()
