"""The SQLCipher case file: create, open, lock against other writers, migrate, close.

The file uses SQLCipher 4 default settings (PBKDF2-HMAC-SHA512 with 256,000 iterations,
AES-256-CBC, HMAC-SHA512 per page) so that any SQLCipher 4 reader opens it with the
passphrase alone. Nothing is written before the passphrase has been proven right.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from vault import platform
from vault.case.schema import MIGRATIONS, SCHEMA_VERSION
from vault.errors import (
    CaseInUse,
    FileExists,
    NotACaseFile,
    VaultError,
    WeakPassphrase,
    WrongPassphrase,
)
from vault.i18n import _

MIN_PASSPHRASE_LENGTH = 12
SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class CaseInfo:
    """The case's identity as recorded by its `case.create` entry."""

    id: str
    title: str
    number: str
    organization: str


def check_passphrase(passphrase: str) -> None:
    """Refuse passphrases too short to protect evidence, or that SQLCipher cannot take."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphrase()
    if "\x00" in passphrase:
        raise WeakPassphrase(_("The passphrase must not contain a NUL character."))


def key_pragma(passphrase: str) -> str:
    # PRAGMA takes no bound parameters; a doubled quote is SQL's own escape.
    return "PRAGMA key = '" + passphrase.replace("'", "''") + "'"


class CaseFile:
    """An open, exclusively locked case file. Use `create_case_file` or `open_case_file`."""

    def __init__(self, path: Path, conn: sqlcipher.Connection, lock: platform.FileLock) -> None:
        self.path = path
        self.conn = conn
        self._lock: platform.FileLock | None = lock

    @contextmanager
    def transaction(self) -> Iterator[sqlcipher.Connection]:
        """One atomic unit of work: every act and its custody entry commit together."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            # After some errors (a full disk) SQLite has already rolled back by itself.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the database and release the writer's lock."""
        if self._lock is None:
            return
        self.conn.close()
        self._lock.release()
        self._lock = None

    def __enter__(self) -> CaseFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _lock(path: Path) -> platform.FileLock:
    """Take the writer's lock (see `vault.platform.try_lock`): the operating system drops
    it when a process dies, so a crash never leaves a stale lock behind."""
    lock = platform.try_lock(path)
    if lock is None:
        raise CaseInUse()
    return lock


def _connect(path: Path, passphrase: str, create: bool) -> sqlcipher.Connection:
    mode = "rwc" if create else "rw"
    conn = sqlcipher.connect(
        f"file:{path}?mode={mode}", uri=True, isolation_level=None, check_same_thread=False
    )
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(key_pragma(passphrase))
    return conn


def _prove_key(conn: sqlcipher.Connection) -> None:
    """Read page 1: SQLCipher checks its HMAC, so a wrong key fails here, writing nothing."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError:
        conn.close()
        raise WrongPassphrase() from None


def _configure(conn: sqlcipher.Connection) -> None:
    # Temp tables and sort spills stay in memory: SQLite's temp files are not encrypted.
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 2000")


def migrate(conn: sqlcipher.Connection, target: int = SCHEMA_VERSION) -> None:
    """Apply, in order and each in its own transaction, the migrations not yet applied."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise VaultError(
            _("This case file was made by a newer version of Evidence Vault. Update the app.")
        )
    for version in range(current + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version - 1](conn)
            conn.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def create_case_file(path: Path, passphrase: str, schema_version: int = SCHEMA_VERSION) -> CaseFile:
    """Create a new, empty case file at `path`; never overwrites an existing file."""
    check_passphrase(passphrase)
    path = Path(path)
    try:
        # O_EXCL: two people creating the same name must not both succeed.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise FileExists() from None
    lock = _lock(path)
    try:
        conn = _connect(path, passphrase, create=True)
        _configure(conn)
        migrate(conn, schema_version)
    except BaseException:
        lock.release()
        path.unlink(missing_ok=True)
        raise
    return CaseFile(path, conn, lock)


def _looks_like_case_file(path: Path) -> None:
    if not path.is_file():
        raise NotACaseFile(_("There is no case file at {path}.").format(path=path))
    with open(path, "rb") as f:
        head = f.read(len(SQLITE_HEADER))
    if len(head) < len(SQLITE_HEADER) or head == SQLITE_HEADER:
        raise NotACaseFile()


def open_case_file(path: Path, passphrase: str) -> CaseFile:
    """Open an existing case file; wrong passphrase, foreign file or busy case each raise."""
    path = Path(path)
    _looks_like_case_file(path)
    if "\x00" in passphrase:  # SQLCipher cannot take it, so no case was ever made with it
        raise WrongPassphrase()
    lock = _lock(path)
    try:
        conn = _connect(path, passphrase, create=False)
        _prove_key(conn)
        _configure(conn)
        _check_is_case(conn)
        migrate(conn)
    except sqlcipher.Error as err:
        lock.release()
        raise NotACaseFile() from err
    except BaseException:
        lock.release()
        raise
    return CaseFile(path, conn, lock)


def _check_is_case(conn: sqlcipher.Connection) -> None:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "custody" not in tables or "case_info" not in tables:
        conn.close()
        raise NotACaseFile()
