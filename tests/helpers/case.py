"""Plain helpers for tests that need real case files (no fakes: real SQLCipher files)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from vault.case.handle import Case

PASSPHRASE = "correct horse battery staple"
ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def new_case(folder: Path, name: str = "case.evault", **fields: str) -> Case:
    """A fresh case, created as an investigator would, with the real KDF."""
    fields.setdefault("title", "Balakliia — police station basement")
    fields.setdefault("investigator", "Olena K.")
    return Case.create(folder / name, PASSPHRASE, **fields)


def reopen(case: Case) -> Case:
    case.close()
    return Case.open(case.path, PASSPHRASE)


def run_cli(*args: str, passphrase: str | None = PASSPHRASE, **kw) -> subprocess.CompletedProcess:
    """Run `evidence-vault` as a user would, in a separate process."""
    env = dict(os.environ)
    env.pop("EVIDENCE_VAULT_PASSPHRASE", None)
    if passphrase is not None:
        env["EVIDENCE_VAULT_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "vault", *map(str, args)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, **kw,
    )  # fmt: skip


def edit_rows(path: Path, sql: str, *params: object, passphrase: str = PASSPHRASE) -> None:
    """What an adversary holding the passphrase does: open the closed case file with a plain
    SQLCipher 4 reader and change rows behind the app's back."""
    conn = sqlcipher.connect(str(path))
    conn.execute("PRAGMA key = '" + passphrase.replace("'", "''") + "'")
    conn.execute(sql, params)
    conn.commit()
    conn.close()
