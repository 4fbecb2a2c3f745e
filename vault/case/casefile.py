"""The SQLCipher case file: create, open, lock against other writers, migrations, close.

The file uses SQLCipher 4 default settings (PBKDF2-HMAC-SHA512 with 256,000 iterations,
AES-256-CBC, HMAC-SHA512 per page) so that any SQLCipher 4 reader opens it with the
passphrase alone. Nothing is written before the passphrase has been proven right.

The app derives the key from the passphrase itself, exactly as SQLCipher would (same KDF,
same salt: the file's first 16 bytes), and gives SQLCipher the raw key: the unlock costs the
same one derivation (`vault.case.kdf`, which a command may start early), and the open case
can give playback a read-only connection of its own (`CaseFile.reader`) without deriving
again or keeping the passphrase.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from vault import platform
from vault.case.header import SALT_SIZE, check_case_file, derive_key, read_salt
from vault.case.schema import MIGRATIONS, SCHEMA_VERSION
from vault.errors import (
    CaseInUse,
    CaseReadOnly,
    FileExists,
    NotACaseFile,
    VaultError,
    WeakPassphrase,
    WrongPassphrase,
)
from vault.i18n import _

MIN_PASSPHRASE_LENGTH = 12


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

    def __init__(
        self, path: Path, conn: sqlcipher.Connection, lock: platform.FileLock, key: bytes
    ) -> None:
        self.path = path
        self.conn = conn
        self._lock: platform.FileLock | None = lock
        self.batching = False  # see `transaction` and `commit`
        self._key = key

    def reader(self) -> sqlcipher.Connection:
        """A new read-only connection to this case file, keyed with the key it was unlocked
        with (no second derivation). Its reads go on while the case's own connection is busy
        with a job; it must be closed before the case closes. Like the case's connection it
        keeps temporary tables and sorts in memory, never in unencrypted temporary files."""
        if self._lock is None:
            raise RuntimeError("the case file is closed")  # a programming error, not the user's
        conn = sqlcipher.connect(sqlite_uri(self.path, "ro"), uri=True, isolation_level=None,
                                 check_same_thread=False)  # fmt: skip
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(_raw_key_pragma(self._key))
        conn.execute("PRAGMA query_only = ON")
        _configure(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlcipher.Connection]:
        """One atomic unit of work. Only `Case.act` calls this: outside an act the case's
        connection refuses every write (see `vault.case.handle`).

        While `batching`, the unit is a savepoint inside one open transaction that `commit`
        ends: a kill loses the uncommitted units whole, and each stays complete or absent."""
        if self.batching and not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("SAVEPOINT unit" if self.batching else "BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException as err:
            # After some errors (a full disk) SQLite has already rolled back by itself.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK TO unit" if self.batching else "ROLLBACK")
                if self.batching:
                    self.conn.execute("RELEASE unit")
            if _is_read_only(err, self.path):
                raise CaseReadOnly() from err
            raise
        self.conn.execute("RELEASE unit" if self.batching else "COMMIT")

    def commit(self) -> None:
        """Commit the units a batch holds (see `transaction`); nothing when there are none."""
        if not self.conn.in_transaction:
            return
        try:
            self.conn.execute("COMMIT")
        except BaseException as err:
            if self.conn.in_transaction:  # an I/O error can leave it open: nothing half
                self.conn.execute("ROLLBACK")
            if _is_read_only(err, self.path):
                raise CaseReadOnly() from err
            raise

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the database and release the writer's lock."""
        if self._lock is None:
            return
        self.conn.close()
        self._lock.release()
        self._lock, self._key = None, b""

    def __enter__(self) -> CaseFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_read_only(err: BaseException, path: Path) -> bool:
    """SQLite's words when the file is read-only, or when the journal cannot be created
    because its folder is (a full disk says the latter too, so the folder is asked)."""
    if not isinstance(err, sqlcipher.OperationalError):
        return False
    if "readonly database" in str(err):
        return True
    return "unable to open database file" in str(err) and not os.access(
        Path(path).absolute().parent, os.W_OK
    )


def _lock(path: Path) -> platform.FileLock:
    """Take the writer's lock (see `vault.platform.try_lock`): the operating system drops
    it when a process dies, so a crash never leaves a stale lock behind."""
    lock = platform.try_lock(path)
    if lock is None:
        raise CaseInUse()
    return lock


def sqlite_uri(path: Path, mode: str) -> str:
    """An SQLite URI naming exactly `path`: '#', '?', '%' and every non-ASCII byte are
    percent-encoded, or SQLite would read them as the URI's fragment, query or escapes."""
    raw = os.fsencode(os.path.abspath(path))
    return "file:" + urllib.parse.quote_from_bytes(raw, safe="/") + f"?mode={mode}"


def _raw_key_pragma(key: bytes, salt: bytes = b"") -> str:
    """SQLCipher's raw key form; with `salt` for a new file (an existing one has its own)."""
    return f"PRAGMA key = \"x'{key.hex()}{salt.hex()}'\""


def _connect(path: Path, key: bytes, create: bool, salt: bytes = b"") -> sqlcipher.Connection:
    conn = sqlcipher.connect(
        sqlite_uri(path, "rwc" if create else "rw"), uri=True, isolation_level=None,
        check_same_thread=False,
    )  # fmt: skip
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(_raw_key_pragma(key, salt))
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


def apply_migrations(conn: sqlcipher.Connection, current: int, target: int) -> None:
    """Apply, in order, the migrations from `current` to `target` inside the caller's
    transaction: `Case.open` runs them as one `case.migrate` act, `Case.start` as part
    of `case.create`, so the file never changes without a log entry saying so."""
    for version in range(current + 1, target + 1):
        MIGRATIONS[version - 1](conn)
        conn.execute(f"PRAGMA user_version = {version}")


def _check_not_newer(conn: sqlcipher.Connection) -> None:
    if conn.execute("PRAGMA user_version").fetchone()[0] > SCHEMA_VERSION:
        conn.close()
        raise VaultError(
            _("This case file was made by a newer version of Evidence Vault. Update the app.")
        )


def create_case_file(path: Path, passphrase: str) -> CaseFile:
    """Create a new, empty case file at `path` (no tables yet: `Case.start` makes them in
    its `case.create` act); never overwrites an existing file."""
    check_passphrase(passphrase)
    path = Path(path)
    try:
        # O_EXCL: two people creating the same name must not both succeed.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise FileExists() from None
    lock = _lock(path)
    try:
        salt = os.urandom(SALT_SIZE)
        key = derive_key(passphrase, salt)
        conn = _connect(path, key, create=True, salt=salt)
        _configure(conn)
    except BaseException:
        lock.release()
        path.unlink(missing_ok=True)
        raise
    return CaseFile(path, conn, lock, key)


def open_case_file(path: Path, passphrase: str) -> CaseFile:
    """Open an existing case file; wrong passphrase, foreign file or busy case each raise.
    An older schema is left as it is: `Case.open` migrates it in a logged act."""
    path = Path(path)
    check_case_file(path)
    if "\x00" in passphrase:  # SQLCipher cannot take it, so no case was ever made with it
        raise WrongPassphrase()
    lock = _lock(path)
    try:
        key = derive_key(passphrase, read_salt(path))
        conn = _connect(path, key, create=False)
        _prove_key(conn)
        _configure(conn)
        _check_is_case(conn)
        _check_not_newer(conn)
    except sqlcipher.Error as err:
        lock.release()
        raise NotACaseFile() from err
    except BaseException:
        lock.release()
        raise
    return CaseFile(path, conn, lock, key)


def _check_is_case(conn: sqlcipher.Connection) -> None:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "custody" not in tables or "case_info" not in tables:
        conn.close()
        raise NotACaseFile()
