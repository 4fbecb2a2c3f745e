"""Importing the organisation's report certificate in the app (issue 12 §3): a real PKCS#12
made with `cryptography` here, chosen with its passphrase; recorded by the same core call as
`certificate --import` (one signed identity.certificate entry); a wrong passphrase or a key
that is not ECDSA P-256 is a clear message and records nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from tests.helpers.certs import pkcs12_file
from ui.dialogs.certificate_dialog import CertificateDialog
from ui.main_window import MainWindow
from vault.custody.entry import read_entries
from vault.custody.verify import verify_case

SECRET = b"org p12 secret"


def _p12(folder: Path, key, name: str = "Olena K., Prosecutor's office") -> Path:
    path = folder / f"org-{type(key).__name__}.p12"
    path.write_bytes(pkcs12_file(key, SECRET, name))
    return path


def _certificates(window: MainWindow) -> list[dict]:
    conn = window.session.case.conn
    return [e.details for e in read_entries(conn) if e.action == "identity.certificate"]


def _import(qtbot, window: MainWindow, p12: Path, secret: bytes) -> CertificateDialog:
    window.certificate_action.trigger()
    dialog: CertificateDialog = window.dialog
    dialog.path.setText(str(p12))
    dialog.passphrase.setText(secret.decode())
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=30_000)
    qtbot.waitUntil(dialog.import_button.isEnabled)
    return dialog


def test_the_organisations_p12_is_recorded_by_a_signed_identity_certificate_entry(
    qtbot, case_window: MainWindow, tmp_path: Path
):
    p12 = _p12(tmp_path, ec.generate_private_key(ec.SECP256R1()))
    case_window.certificate_action.trigger()
    assert "No report certificate yet" in case_window.dialog.current.text()
    case_window.dialog.close()
    dialog = _import(qtbot, case_window, p12, SECRET)
    assert "Recorded" in dialog.message.text()
    (recorded,) = _certificates(case_window)
    case = case_window.session.case
    assert recorded["fingerprint"] == case.signer.fingerprint and recorded["source"] == "pkcs12"
    cert = x509.load_pem_x509_certificate(recorded["certificate"].encode())
    der = cert.public_bytes(serialization.Encoding.DER)
    assert hashlib.sha256(der).hexdigest() == recorded["sha256"]
    assert recorded["sha256"] in dialog.current.text()
    assert not dialog.passphrase.text()  # the passphrase does not linger in the field
    assert verify_case(case).ok


@pytest.mark.parametrize(
    ("make_key", "secret", "said"),
    [
        (lambda: ec.generate_private_key(ec.SECP256R1()), b"not it", "passphrase is wrong"),
        (ed25519.Ed25519PrivateKey.generate, SECRET, "must use ECDSA P-256"),
        (lambda: ec.generate_private_key(ec.SECP384R1()), SECRET, "must use ECDSA P-256"),
        (lambda: rsa.generate_private_key(65537, 2048), SECRET, "must use ECDSA P-256"),
    ],
    ids=["wrong passphrase", "ed25519", "p-384", "rsa"],
)
def test_a_wrong_passphrase_or_key_type_is_a_clear_message_and_records_nothing(
    qtbot, case_window: MainWindow, tmp_path: Path, make_key, secret, said
):
    dialog = _import(qtbot, case_window, _p12(tmp_path, make_key()), secret)
    assert said in dialog.message.text()
    assert _certificates(case_window) == []
    assert "Traceback" not in dialog.message.text()


def test_a_missing_file_is_a_clear_message(qtbot, case_window: MainWindow, tmp_path: Path):
    dialog = _import(qtbot, case_window, tmp_path / "nowhere.p12", SECRET)
    assert "Cannot read" in dialog.message.text() and _certificates(case_window) == []
