"""The report's exhibit shows what the capture device's signature said (DESIGN §9), every
code in the report's own language."""

from __future__ import annotations

import os
import subprocess
import zipfile

from tests.helpers.case import CORPUS, new_case
from tests.helpers.report import pdf_text
from tests.helpers.tamper import tamper
from vault.evidence.ingest import import_paths
from vault.provenance.proofmode import check_bundle, gpgv_commands
from vault.report.generate import generate_report


def test_an_exhibit_with_content_credentials_explains_them_in_each_language(tmp_path):
    case = new_case(tmp_path)
    import_paths(case, [CORPUS / "c2pa" / "XCA.jpg", CORPUS / "camera" / "Canon_40D.jpg"])
    generate_report(case, tmp_path / "en.pdf", language="en")
    generate_report(case, tmp_path / "uk.pdf", language="uk")
    english = " ".join(pdf_text(tmp_path / "en.pdf").split())
    assert english.count("Provenance from the capture device") == 1  # XCA.jpg only
    assert "C2PA: invalid" in english
    assert "The image data has changed since it was signed." in english
    ukrainian = " ".join(pdf_text(tmp_path / "uk.pdf").split())
    assert "Походження від пристрою зйомки" in ukrainian
    assert "Дані зображення змінилися після підписання." in ukrainian


def test_an_altered_provenance_result_is_never_certified(tmp_path):
    """The signature's result, altered in the case file from invalid to trusted: the report
    prints no provenance from it (its log row says the content is not shown)."""
    case = new_case(tmp_path)
    import_paths(case, [CORPUS / "c2pa" / "XCA.jpg"])
    tamper(case, "UPDATE custody SET content = replace(content, '\"invalid\"', '\"trusted\"')"
                 " WHERE action = 'item.provenance'")  # fmt: skip
    generate_report(case, tmp_path / "en.pdf", language="en")
    english = " ".join(pdf_text(tmp_path / "en.pdf").split())
    assert "Provenance from the capture device" not in english and "C2PA: trusted" not in english
    assert "content not shown: it is not what was signed" in english


def test_gpgv_commands_name_each_signature_and_what_it_signs():
    sha = "156a7510315a4fb27c97d12a6dedb4e791eaf26e4810458e86b629f862e34651"
    evidence = [f"{sha}.asc", f"{sha}.proof.csv", f"{sha}.proof.csv.asc", "pubkey.asc"]
    assert gpgv_commands("PXL 1.jpg", evidence) == [
        "gpg --dearmor < pubkey.asc > pubkey.gpg",
        f"gpgv --keyring ./pubkey.gpg {sha}.asc 'PXL 1.jpg'",
        f"gpgv --keyring ./pubkey.gpg {sha}.proof.csv.asc {sha}.proof.csv",
    ]
    assert gpgv_commands("a.jpg", [f"{sha}.asc"]) == []  # no key in the bundle: nothing to run


def test_the_gpgv_commands_verify_a_real_bundle_with_gnupg(tmp_path):
    # gpgv and gnupg are in the Makefile's APT list: an independent OpenPGP implementation.
    with zipfile.ZipFile(CORPUS / "proofmode" / "good.zip") as bundle:
        bundle.extractall(tmp_path)
    [media] = check_bundle(str(CORPUS / "proofmode" / "good.zip")).media
    commands = gpgv_commands(media.member, media.proof_members)
    assert len(commands) == 4  # dearmor, then the media, the csv and the json signatures
    env = {**os.environ, "GNUPGHOME": str(tmp_path / "gnupg")}
    (tmp_path / "gnupg").mkdir(mode=0o700)
    for command in commands:
        done = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True)
        assert done.returncode == 0, (command, done.stderr)
