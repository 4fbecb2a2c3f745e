"""Unlocking before the command line is read (issue 17: start-up).

The key derivation is by design the slowest part of a command on a case (SQLCipher 4's
PBKDF2, DESIGN §3). When the line reads `COMMAND CASE …` and the passphrase is given (by
--passphrase-file or the environment), `unlock_early` starts it on the other core before the
command line and the core are even imported. It prints nothing and refuses nothing: a file
that does not look like a case file starts nothing, and the open takes the key only for the
same passphrase and the same file's salt (`vault.case.header`), so a wrong guess here costs
the other core's time, never a wrong answer.
"""

from __future__ import annotations

import os
from pathlib import Path

from vault.errors import InvalidInput, VaultError
from vault.i18n import _

PASSPHRASE_ENV = "EVIDENCE_VAULT_PASSPHRASE"
PASSPHRASE_FILE = "--passphrase-file"


def read_secret_file(path: Path | str) -> str:
    """A passphrase from a file: its first line as typed, never an empty one."""
    try:
        secret = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as err:
        raise InvalidInput(
            _("Cannot read the passphrase file: {e}").format(e=err.strerror)
        ) from None
    except UnicodeDecodeError:
        raise InvalidInput(_("The passphrase file is not UTF-8 text.")) from None
    if not secret:
        raise InvalidInput(_("The passphrase file is empty: the passphrase is empty."))
    return secret


def unlock_early(argv: list[str]) -> None:
    """Start deriving the key of the case named by `COMMAND CASE …` in `argv`, when the
    passphrase is given and CASE looks like a case file; otherwise do nothing."""
    if len(argv) < 2 or argv[0].startswith("-") or argv[1].startswith("-"):
        return
    from vault.case.header import check_case_file, derive_soon

    try:
        passphrase = _given_passphrase(argv)
        if passphrase:
            check_case_file(Path(argv[1]))
            derive_soon(passphrase, argv[1])
    except VaultError:
        return  # the command says what is wrong, in its own order


def _given_passphrase(argv: list[str]) -> str | None:
    """The passphrase as `read_passphrase` will read it: --passphrase-file, then the
    environment; None when it will be asked for."""
    for i, arg in enumerate(argv):
        if arg.startswith(PASSPHRASE_FILE + "="):
            return read_secret_file(arg.partition("=")[2])
        if arg == PASSPHRASE_FILE and i + 1 < len(argv):
            return read_secret_file(argv[i + 1])
    return os.environ.get(PASSPHRASE_ENV) or None
