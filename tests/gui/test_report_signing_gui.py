"""The report dialog signs as the CLI does (issue 12 §3): PAdES B-T with a token from the
configured time-stamping service (the real loopback RFC 3161 service), B-B when the user
chooses no time-stamp or none is configured; it says which, and pdfsig validates the file."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from tests.helpers.network import LOOPBACK_ALLOWED
from tests.helpers.tsa import LoopbackTsa
from ui.dialogs.report_dialog import ReportDialog
from ui.main_window import MainWindow
from vault.custody.entry import read_entries
from vault.custody.tsa import add_tsa


def pdfsig(pdf: Path) -> str:
    # pdfsig exits 0 on a digest mismatch too: its words are the verdict (NOTES-trust.md §4).
    return subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout


def make_report(qtbot, window: MainWindow, out: Path, signing: str | None = "default"):
    window.report_action.trigger()
    dialog: ReportDialog = window.dialog
    if signing != "default":
        dialog.signing.setCurrentIndex(dialog.signing.findData(signing))
    dialog.path.setText(str(out))
    with qtbot.waitSignal(dialog.report_finished, timeout=120_000) as done:
        dialog.generate.click()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=60_000)
    return dialog, done.args[0]


def test_with_a_time_stamping_service_the_app_signs_pades_b_t_and_says_so(
    qtbot, case_window: MainWindow, camera, import_and_wait, tmp_path, monkeypatch,
    tsa_service: LoopbackTsa,
):  # fmt: skip
    monkeypatch.setattr(ReportDialog, "open_pdf", False)
    tsa_service.mode = "good"
    add_tsa("org-tsa", tsa_service.url, tsa_service.ca.read_text())
    import_and_wait(case_window, [camera / "Canon_40D.jpg"])
    asked = tsa_service.requests
    dialog, result = make_report(qtbot, case_window, tmp_path / "stamped.pdf")
    assert dialog.signing.currentData() == "org-tsa"  # the first configured, as the CLI picks
    assert result.signature == "PAdES-B-T"
    assert tsa_service.requests > asked
    assert "PAdES B-T" in dialog.message.text() and "org-tsa" in dialog.message.text()
    assert "Signature Validation: Signature is Valid." in pdfsig(result.path)
    root = load_cert_from_pemder(str(tsa_service.ca))
    with result.path.open("rb") as f:
        (signature,) = PdfFileReader(f).embedded_signatures
        status = validate_pdf_signature(
            signature, ValidationContext(trust_roots=[root], allow_fetching=False)
        )
    assert status.intact and status.valid
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted


def test_without_a_time_stamp_the_app_signs_pades_b_b_and_contacts_nobody(
    qtbot, case_window: MainWindow, camera, import_and_wait, tmp_path, monkeypatch,
    tsa_service: LoopbackTsa,
):  # fmt: skip
    monkeypatch.setattr(ReportDialog, "open_pdf", False)
    add_tsa("org-tsa", tsa_service.url, tsa_service.ca.read_text())
    import_and_wait(case_window, [camera / "Canon_40D.jpg"])
    asked = tsa_service.requests
    dialog, result = make_report(qtbot, case_window, tmp_path / "plain.pdf", signing=None)
    assert result.signature == "PAdES-B-B" and tsa_service.requests == asked
    assert "PAdES B-B" in dialog.message.text()
    assert "Signature Validation: Signature is Valid." in pdfsig(result.path)


def test_with_no_service_configured_the_only_choice_is_b_b(qtbot, case_window: MainWindow):
    case_window.report_action.trigger()
    dialog: ReportDialog = case_window.dialog
    assert dialog.signing.count() == 1 and dialog.signing.currentData() is None


def test_a_service_that_is_down_is_a_clear_error_and_no_report_is_logged(
    qtbot, case_window: MainWindow, camera, import_and_wait, tmp_path, tsa_service: LoopbackTsa,
):  # fmt: skip
    with socket.socket() as probe:  # a port nobody serves: connection refused, at once
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    LOOPBACK_ALLOWED.add(("127.0.0.1", port))
    try:
        add_tsa("down", f"http://127.0.0.1:{port}/tsa", tsa_service.ca.read_text())
        import_and_wait(case_window, [camera / "Canon_40D.jpg"])
        case_window.report_action.trigger()
        dialog: ReportDialog = case_window.dialog
        dialog.path.setText(str(tmp_path / "never.pdf"))
        dialog.generate.click()
        qtbot.waitUntil(lambda: not case_window.session.busy, timeout=60_000)
        qtbot.waitUntil(lambda: dialog.generate.isEnabled())
    finally:
        LOOPBACK_ALLOWED.discard(("127.0.0.1", port))
    said = dialog.message.text()
    assert "down could not be reached" in said and "report was not made" in said
    assert "custody head waits" not in said and not (tmp_path / "never.pdf").exists()
    conn = case_window.session.case.conn
    assert [e for e in read_entries(conn) if e.action == "report.generate"] == []
