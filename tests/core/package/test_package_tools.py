"""Our packages checked by other people's tools: bagit.py, age -d, unzip, and every command
of the VERIFY.md that ships inside each package."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pyrage

from tests.helpers.package import PACKAGE_PASSPHRASE
from vault.package.export import export

BIN = str(Path(sys.executable).parent)
ENV = {**os.environ, "PATH": BIN + os.pathsep + os.environ["PATH"], "LC_ALL": "C.UTF-8"}


def run(cmd: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-e", "-c", cmd], cwd=cwd, env=ENV, input=stdin,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def blocks(markdown: str, kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", markdown, re.S)


def test_bagit_py_validates_our_folder(investigator, tmp_path):
    export(investigator, tmp_path / "pkg")
    assert run("bagit.py --validate pkg", tmp_path).returncode == 0


def test_age_decrypts_our_recipient_package(investigator, tmp_path):
    identity = pyrage.x25519.Identity.generate()
    (tmp_path / "key.txt").write_text(str(identity) + "\n")
    export(investigator, tmp_path / "p.zip.age", age_recipients=[str(identity.to_public())])
    done = run("age -d -i key.txt -o p.zip p.zip.age && unzip -tq p.zip", tmp_path)
    assert done.returncode == 0, done.stderr


def test_every_verify_md_command_runs_on_a_real_encrypted_package(investigator, tmp_path):
    export(investigator, tmp_path / "package.zip.age", encrypt_passphrase=PACKAGE_PASSPHRASE)
    # age reads a passphrase only from a terminal: `script` gives it one.
    feed = f"sleep 1; printf '%s\\n' '{PACKAGE_PASSPHRASE}'"
    opened = run(f"({feed}) | script -qec 'age -d -o package.zip package.zip.age' /dev/null "
                 "&& unzip -o -q package.zip -d package", tmp_path)  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    text = (tmp_path / "package/data/VERIFY.md").read_text(encoding="utf-8")
    assert "Як перевірити" in text and "How to verify" in text
    decrypt = blocks(text, "shell")
    assert len(decrypt) == 2 and all("age -d" in b for b in decrypt)
    checks = blocks(text, "sh")
    assert len(checks) == 6  # manifests, key files, program + signatures; in each language
    (tmp_path / "check_package.py").write_text(blocks(text, "python")[0], encoding="utf-8")
    for block in checks:
        done = run(block, tmp_path / "package")
        assert done.returncode == 0, (block, done.stdout, done.stderr)
    assert "every entry of every log is signed" in run(checks[2], tmp_path / "package").stdout


def test_verify_md_commands_catch_a_forged_signature(investigator, tmp_path):
    export(investigator, tmp_path / "pkg")
    log = tmp_path / "pkg/data/custody.jsonl"
    log.write_text(re.sub(r'"sig":"[0-9a-f]{2}', '"sig":"00', log.read_text(), count=1))
    text = (tmp_path / "pkg/data/VERIFY.md").read_text(encoding="utf-8")
    (tmp_path / "check_package.py").write_text(blocks(text, "python")[0], encoding="utf-8")
    signature_check = blocks(text, "sh")[2]
    assert run(signature_check, tmp_path / "pkg").returncode != 0


def test_an_identity_file_made_by_age_keygen_opens_our_recipient_package(investigator, tmp_path):
    """The file age-keygen writes (its # created and # public key lines above the key) is
    what a recipient has and gives: read as `age -d -i` reads it."""
    made = run("age-keygen -o key.txt 2>/dev/null && age-keygen -y key.txt", tmp_path)
    assert made.returncode == 0, made.stderr
    export(investigator, tmp_path / "p.zip.age", age_recipients=[made.stdout.strip()])
    assert (tmp_path / "key.txt").read_text().startswith("# created:")
    done = subprocess.run(
        [sys.executable, "-m", "vault", "verify-package", "p.zip.age",
         "--passphrase-file", "key.txt"],
        cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
