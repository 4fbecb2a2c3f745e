"""The case file before it is unlocked: whether it can be a case file at all
(`check_case_file`), its salt, and the key a passphrase derives from it.

Unlocking costs one PBKDF2-HMAC-SHA512 of 256,000 iterations, SQLCipher 4's default (the
case file format is a contract: DESIGN §3). OpenSSL runs it with the GIL released, so a
command that already knows the passphrase and the case file starts it in a thread
(`derive_soon`) and imports the rest of the core meanwhile on the other core; the
`derive_key` of the open then takes that result instead of deriving a second time.

This module loads only what these need, so that the derivation starts before the rest
of the core is imported (issue 17: start-up).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from vault.errors import CaseUnreadable, NotACaseFile
from vault.i18n import _

KDF_ITERATIONS = 256_000  # SQLCipher 4's default PBKDF2-HMAC-SHA512 work factor
SALT_SIZE = 16  # SQLCipher keeps the KDF salt in the file's first 16 bytes
KEY_SIZE = 32
SQLITE_HEADER = b"SQLite format 3\x00"
PAGE_SIZE = 4096  # SQLCipher 4's default: a case file is always a whole number of pages


def check_case_file(path: Path) -> None:
    """Refuse, before any passphrase is asked for, what cannot be a case file: nothing
    there, an unreadable file, a text file, a package, a plain SQLite database, or a file
    that is not a whole number of pages (truncated or something else)."""
    path = Path(path)
    if not path.is_file():
        raise NotACaseFile(_("There is no case file at {path}.").format(path=path))
    try:
        with open(path, "rb") as f:
            head = f.read(PAGE_SIZE)
            size = os.fstat(f.fileno()).st_size
    except OSError as err:
        raise CaseUnreadable(
            _("Cannot read the case file {path}: {e}").format(path=path, e=err.strerror)
        ) from None
    if reason := _not_a_case_because(head, size):
        raise NotACaseFile(
            _("{path} is not an Evidence Vault case file: {why}").format(path=path, why=reason)
        )


def _not_a_case_because(head: bytes, size: int) -> str | None:
    if size == 0:
        return _("the file is empty")
    if head.startswith(b"age-encryption.org/"):
        return _("it is an encrypted package (.zip.age); use verify-package or receive")
    if head.startswith(b"PK\x03\x04"):
        return _("it is a zip archive, perhaps a package; use verify-package or receive")
    if head.startswith(SQLITE_HEADER):
        return _("it is an unencrypted SQLite database")
    if _is_text(head):
        return _("it is a text file")
    if size % PAGE_SIZE:
        return _("its size is not a whole number of {n}-byte pages (truncated?)").format(
            n=PAGE_SIZE
        )
    return None


def _is_text(head: bytes) -> bool:
    """Readable text: encrypted pages are random bytes, which are never valid UTF-8
    without control characters for long."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start < len(head) - 3:  # not merely a character cut at the end of the page
            return False
        text = head[: err.start].decode("utf-8")
    return all(c.isprintable() or c in "\t\r\n" for c in text)


def read_salt(path: Path) -> bytes:
    """The salt of the case file at `path`: its first 16 bytes."""
    try:
        with open(path, "rb") as f:
            return f.read(SALT_SIZE)
    except OSError as err:
        raise CaseUnreadable(
            _("Cannot read the case file {path}: {e}").format(path=path, e=err.strerror)
        ) from None


def _derive(passphrase: str, salt: bytes) -> bytes:
    kdf = PBKDF2HMAC(hashes.SHA512(), KEY_SIZE, salt, KDF_ITERATIONS)
    return kdf.derive(passphrase.encode("utf-8"))


class _Derivation(threading.Thread):
    """One derivation running in the background; `key` is None until done, or if it failed
    (the open then derives again, and says why)."""

    def __init__(self, passphrase: str, salt: bytes) -> None:
        # A daemon: a command that fails before opening does not wait for it to exit.
        super().__init__(name="case-key-derivation", daemon=True)
        self.passphrase, self.salt = passphrase, salt
        self.key: bytes | None = None

    def run(self) -> None:
        try:
            self.key = _derive(self.passphrase, self.salt)
        except Exception:  # noqa: BLE001 - derive_key derives again in the caller's thread
            self.key = None


_pending: _Derivation | None = None
_pending_guard = threading.Lock()


def derive_soon(passphrase: str, path: Path | str) -> None:
    """Start deriving, in the background, the key of the case file at `path` for
    `passphrase` (its salt is the file's first 16 bytes). The next `derive_key` with the
    same passphrase and salt takes the result; anything else ignores it. A file that cannot
    be read starts nothing: the open says why."""
    global _pending
    try:
        salt = read_salt(Path(path))
    except CaseUnreadable:
        return
    with _pending_guard:
        if _pending and (_pending.passphrase, _pending.salt) == (passphrase, salt):
            return  # already on its way (`vault.cli.early` started it)
        _pending = _Derivation(passphrase, salt)
        _pending.start()


def derive_key(passphrase: str, salt: bytes) -> bytes:
    """SQLCipher 4's key derivation: PBKDF2-HMAC-SHA512, 256,000 iterations, 32 bytes
    (the one started by `derive_soon` for this passphrase and salt, if any)."""
    global _pending
    with _pending_guard:
        pending, _pending = _pending, None
    if pending is not None and pending.passphrase == passphrase and pending.salt == salt:
        pending.join()
        if pending.key is not None:
            return pending.key
    return _derive(passphrase, salt)
