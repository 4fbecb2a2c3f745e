"""Anchors travel in packages (DESIGN §8): data/anchors/<seq>.tsr and the TSA's CA, an
`openssl ts -verify` command per token in VERIFY.md, and verify-package's summary."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.case import new_case, run_cli
from tests.helpers.package import rehash
from tests.helpers.report import pdf_text
from tests.helpers.tsa import LoopbackTsa
from vault.case.handle import Case
from vault.custody.anchors import timestamp_case
from vault.custody.tsa import add_tsa, remove_tsa
from vault.evidence.notes import add_note
from vault.package.export import export
from vault.package.verify import verify_package
from vault.report.generate import generate_report


@pytest.fixture
def anchored(tmp_path: Path, tsa_service: LoopbackTsa) -> Iterator[Case]:
    case = new_case(tmp_path)
    add_note(case, "first visit")
    timestamp_case(case, add_tsa("org", tsa_service.url, tsa_service.ca.read_text()))
    add_note(case, "after the anchor")
    yield case
    case.close()


def test_a_package_carries_each_anchor_and_openssl_verifies_it(anchored: Case, tmp_path):
    export(anchored, tmp_path / "pkg")
    pkg = tmp_path / "pkg"
    assert (pkg / "data/anchors/2.tsr").is_file()
    assert len(list((pkg / "data/anchors/tsa").glob("*.pem"))) == 1
    verify_md = (pkg / "data/VERIFY.md").read_text()
    commands = re.findall(r"^openssl ts -verify .*$", verify_md, re.MULTILINE)
    assert len(commands) == 1
    out = subprocess.run(commands[0], shell=True, cwd=pkg, capture_output=True, text=True)
    assert "Verification: OK" in out.stdout, out.stderr
    result = verify_package(pkg)
    assert result.ok
    assert ("Every time-stamp anchor verifies", True) in result.checks
    lines = result.anchors.lines()
    assert lines[0].startswith("entries 0–1 existed before ") and "(trusted)" in lines[0]
    assert lines[-1] == "3 entries since rest on the local clock"


def test_verify_package_says_when_the_recipient_does_not_trust_the_tsa(anchored, tmp_path):
    export(anchored, tmp_path / "pkg")
    remove_tsa("org")  # the recipient has not chosen to trust this TSA
    result = verify_package(tmp_path / "pkg")
    assert result.ok  # a warning, not a failure, and not a pass of trust
    assert any("not trusted on this computer" in f.reason for f in result.findings)
    assert "TSA NOT TRUSTED on this computer" in result.anchors.lines()[0]


def test_an_edited_token_in_a_package_is_refused(anchored: Case, tmp_path):
    export(anchored, tmp_path / "pkg")
    token = tmp_path / "pkg/data/anchors/2.tsr"
    data = bytearray(token.read_bytes())
    data[-3] ^= 1
    token.write_bytes(bytes(data))
    rehash(tmp_path / "pkg")  # only the anchor check can catch it now
    result = verify_package(tmp_path / "pkg")
    assert not result.ok
    assert any(f.seq == 2 and "was changed" in f.reason for f in result.findings)


def test_a_package_without_anchors_says_its_times_rest_on_the_senders_clock(tmp_path):
    case = new_case(tmp_path)
    export(case, tmp_path / "pkg")
    case.close()
    assert "rests on the sender's computer clock" in (tmp_path / "pkg/data/VERIFY.md").read_text()
    out = run_cli("verify-package", tmp_path / "pkg")
    assert out.returncode == 0
    assert "  no trusted time: all 2 entries rest on the recording computer's clock" in (out.stdout)


@pytest.mark.parametrize("language", ["en", "uk"])
def test_the_report_shows_the_anchor_by_the_head_and_explains_the_tail(
    anchored: Case, tmp_path, language: str
):
    generate_report(anchored, tmp_path / "report.pdf", language=language)
    text = " ".join(pdf_text(tmp_path / "report.pdf").split())
    if language == "en":
        assert "Trusted time: entries 0–1 existed before" in text
        assert "per CN=EV Test tsa (trusted)" in text
        assert "nothing outside proves those entries were not written later" in text
    else:
        assert "Довірений час: записи 0–1 існували до" in text
        assert "ніщо зовнішнє не доводить" in text


def test_a_report_without_anchors_says_there_is_no_trusted_time(tmp_path):
    case = new_case(tmp_path)
    generate_report(case, tmp_path / "report.pdf")
    case.close()
    text = " ".join(pdf_text(tmp_path / "report.pdf").split())
    assert "No trusted time: every time in this log rests on the clocks" in text
    assert "were not checked against any outside time source" in text


def test_earlier_holders_anchors_travel_on_and_are_reported_chain_by_chain(
    anchored: Case, tmp_path
):
    """Olena's anchored log reaches Mykola, who exports onward: her token goes with her
    chain (data/anchors/<her case id>/<seq>.tsr), verify-package states what it proves for
    her chain, and VERIFY.md's openssl command for it passes."""
    from vault.cli.main import main
    from vault.package.receive import receive

    export(anchored, tmp_path / "first")
    with new_case(tmp_path, "mykola.evault", investigator="Mykola P.") as mykola:
        receive(mykola, tmp_path / "first")
        export(mykola, tmp_path / "onward")
    pkg, olena = tmp_path / "onward", anchored.id
    assert (pkg / f"data/anchors/{olena}/2.tsr").read_bytes() == (
        tmp_path / "first/data/anchors/2.tsr"
    ).read_bytes()
    result = verify_package(pkg)
    assert result.ok, result.findings
    assert ("Every earlier holder's time-stamp anchor verifies", True) in result.checks
    (lines,) = [s.lines() for s in result.earlier_anchors.values()]
    assert list(result.earlier_anchors) == [olena]
    assert lines[0].startswith("entries 0–1 existed before ") and "(trusted)" in lines[0]
    assert "no trusted time" in result.anchors.lines()[0]  # Mykola's own chain has none
    verify_md = (pkg / "data/VERIFY.md").read_text()
    (command,) = re.findall(r"^openssl ts -verify .*$", verify_md, re.MULTILINE)
    assert f"data/anchors/{olena}/2.tsr" in command
    out = subprocess.run(command, shell=True, cwd=pkg, capture_output=True, text=True)
    assert "Verification: OK" in out.stdout, out.stderr
    out = run_cli("verify-package", pkg)
    assert out.returncode == 0
    assert f"Trusted time of an earlier holder, case {olena}:" in out.stdout
    token = pkg / f"data/anchors/{olena}/2.tsr"  # edited in transit: refused, with its reason
    token.write_bytes(token.read_bytes()[:-1] + bytes([token.read_bytes()[-1] ^ 1]))
    rehash(pkg)
    edited = verify_package(pkg)
    assert not edited.ok
    assert any(f"lineage of case {olena}" in f.reason and f.seq == 2 for f in edited.findings)
    assert main(["verify-package", str(pkg)]) == 1
