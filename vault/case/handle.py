"""An open case: the case file, who is acting, and the one path every act takes.

Every state change is one `Case.act(...)`: one transaction, its rows, and exactly one signed
custody entry, committed together or not at all. Outside an act the case's connection
refuses every write (an SQLite authorizer), so no row and no entry can be written any
other way, and a reader (`vault.case.view.CaseReader`) cannot write at all.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from vault import __version__
from vault.case.casefile import (
    CaseFile,
    CaseInfo,
    apply_migrations,
    create_case_file,
    open_case_file,
)
from vault.case.identity import Identity, Signer
from vault.case.people import Introduction, introductions
from vault.case.schema import SCHEMA_VERSION
from vault.custody.entry import Entry, Finding, read_entries, sign_entry, utc_now
from vault.custody.witness import check_witness, current_head, record_head
from vault.errors import NotFound, StorageFull, VaultError
from vault.i18n import _

DEFAULT_ROLE = "investigator"

# What an authorizer sees of a statement that would change the file (sqlite3.h codes).
_WRITES = frozenset({
    sqlcipher.SQLITE_INSERT, sqlcipher.SQLITE_UPDATE, sqlcipher.SQLITE_DELETE,
    sqlcipher.SQLITE_CREATE_INDEX, sqlcipher.SQLITE_CREATE_TABLE, sqlcipher.SQLITE_CREATE_TRIGGER,
    sqlcipher.SQLITE_CREATE_VIEW, sqlcipher.SQLITE_DROP_INDEX, sqlcipher.SQLITE_DROP_TABLE,
    sqlcipher.SQLITE_DROP_TRIGGER, sqlcipher.SQLITE_DROP_VIEW, sqlcipher.SQLITE_ALTER_TABLE,
    sqlcipher.SQLITE_REINDEX, sqlcipher.SQLITE_ANALYZE, sqlcipher.SQLITE_CREATE_VTABLE,
    sqlcipher.SQLITE_DROP_VTABLE,
})  # fmt: skip
# PRAGMAs that only read, even when given an argument.
_READ_PRAGMAS = frozenset({"table_info", "table_xinfo", "index_list", "index_info",
                           "integrity_check", "quick_check", "foreign_key_check"})  # fmt: skip


class _Abandoned(Exception):
    """Raised inside an abandoned act's transaction so that it rolls back."""


class Act:
    """One act in progress (from `Case.act`): its transaction's connection and its entry.

    The entry is appended by `log()`, at most once; if the block ends without it, it is
    appended then, with what `Case.act` was given. Acts whose rows need the entry (its seq,
    its time) call `log()` first; acts whose digest is known only after their rows are
    written pass it to `log()`. An act that finds there is nothing to do calls `abandon()`:
    everything it wrote is rolled back and no entry is appended.
    """

    def __init__(
        self, case: Case, action: str, subject: str | None, digest: str | None,
        details: dict[str, Any] | None,
    ) -> None:  # fmt: skip
        self._case = case
        self.action = action
        self._fields = (subject, digest, details)
        self.thread = threading.get_ident()
        self.entry: Entry | None = None
        self.abandoned = False

    @property
    def conn(self) -> sqlcipher.Connection:
        """The connection of this act's transaction; it writes only while the act is open."""
        return self._case.conn

    def abandon(self) -> None:
        """Give the act up: when the block ends, its rows are rolled back, no entry written."""
        if self.entry is not None:
            raise RuntimeError(f"{self.action}: an act that logged cannot be abandoned")
        self.abandoned = True

    def log(
        self,
        *,
        subject: str | None = None,
        digest: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> Entry:
        """Sign and append the act's one entry now (fields not given: as `Case.act` got)."""
        if self.entry is not None or self.abandoned:
            raise RuntimeError(f"{self.action}: an act appends exactly one entry")
        if self._case._act is not self or not self.conn.in_transaction:
            raise RuntimeError(f"{self.action}: an entry is appended only inside its act")
        given = self._fields
        self.entry = self._case._append(
            self.action,
            subject if subject is not None else given[0],
            digest if digest is not None else given[1],
            details if details is not None else given[2],
        )
        return self.entry


class Case:
    """A case file opened with its passphrase, acting as one of its local identities."""

    def __init__(self, file: CaseFile, info: CaseInfo, signer: Signer) -> None:
        self.file = file
        self.info = info
        self.info_signed = True  # False: `info` is the case file's row (its case.create is not)
        self.signer = signer
        # DESIGN §8: checked on open before anything else; the head is witnessed on close.
        # A file being created has no tables yet: `Case.start` makes them in its act.
        made = file.schema_version > 0
        self.witness_finding: Finding | None = check_witness(file.conn, info.id) if made else None
        self._opened_head = current_head(file.conn) if made else None
        self._act: Act | None = None
        self._guard()
        self._people: tuple[int | None, dict[str, Introduction]] | None = None

    @property
    def conn(self) -> sqlcipher.Connection:
        """The case's connection, for the core's reads; it refuses writes outside `act()`."""
        return self.file.conn

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def path(self) -> Path:
        return self.file.path

    @classmethod
    def create(
        cls,
        path: Path | str,
        passphrase: str,
        *,
        title: str,
        number: str = "",
        organization: str = "",
        investigator: str = "",
        role: str = DEFAULT_ROLE,
    ) -> Case:
        """Create a case file, its creator's key pair and the `case.create` entry."""
        if not title.strip():
            raise VaultError(_("A case needs a title."))
        file = create_case_file(Path(path), passphrase)
        try:
            return cls.start(
                file, title=title, number=number, organization=organization,
                investigator=investigator, role=role,
            )  # fmt: skip
        except BaseException:
            file.close()
            Path(path).unlink(missing_ok=True)
            raise

    @classmethod
    def start(
        cls,
        file: CaseFile,
        *,
        title: str,
        number: str = "",
        organization: str = "",
        investigator: str = "",
        role: str = DEFAULT_ROLE,
        schema_version: int = SCHEMA_VERSION,
    ) -> Case:
        """Record a new case in an empty case file, as one `case.create` act: the schema
        (`schema_version`: only the fixture tool asks for an older one), the case, its
        creator's key."""
        info = CaseInfo(str(uuid.uuid4()), title, number, organization)
        signer = Signer.generate(investigator or _("Investigator"), role, organization)
        case = cls(file, info, signer)
        details = _create_details(info, signer.identity)
        with case.act("case.create", details=details) as act:
            apply_migrations(act.conn, 0, schema_version)
            _insert_case(act.conn, info)
            _insert_identity(act.conn, signer.identity, signer.private_bytes())
        return case

    @classmethod
    def open(cls, path: Path | str, passphrase: str, *, actor: str | None = None) -> Case:
        """Open a case; `actor` (a fingerprint or name) picks who acts, default the creator.
        A case file of an older schema is migrated here, as a `case.migrate` act signed by
        that actor: opening is what changes the file, so opening is what the log records."""
        file = open_case_file(Path(path), passphrase)
        try:
            # Migrate first, acting under the key's stored row (the signed introductions
            # are read from the log's current layout), then act as the log introduced them.
            row = file.conn.execute("SELECT id, title, number, organization FROM case_info")
            case = cls(file, CaseInfo(*row.fetchone()), _local_signer(file.conn, actor, {}))
            case._migrate()
            people = introductions(file.conn)
            signed = _signed_info(file.conn, people)
            case.info, case.info_signed = (signed, True) if signed else (case.info, False)
            case.signer = _local_signer(file.conn, actor, people)
        except BaseException:
            file.close()
            raise
        return case

    def _migrate(self) -> None:
        current = self.file.schema_version
        if current == SCHEMA_VERSION:
            return
        if not os.access(self.path, os.W_OK):
            raise VaultError(_(
                "This case file was made by an older version of Evidence Vault and must be "
                "upgraded, which writes to it, but it is read-only. Open a writable copy."
            ))  # fmt: skip
        details = {"from": current, "to": SCHEMA_VERSION, "app_version": __version__}
        with self.act("case.migrate", details=details) as act:
            apply_migrations(act.conn, current, SCHEMA_VERSION)

    @contextmanager
    def act(
        self,
        action: str,
        *,
        subject: str | None = None,
        digest: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> Iterator[Act]:
        """The one path of every state change: one transaction, the rows the block writes
        through `act.conn`, and exactly one signed `action` entry (see `Act.log`). Killed
        or failing anywhere, nothing of the act stays."""
        if self._act is not None:
            raise RuntimeError(f"{action}: acts do not nest (inside {self._act.action})")
        act = Act(self, action, subject, digest, details)
        with suppress(_Abandoned), self._transaction():
            self._act = act
            try:
                yield act
                if act.abandoned:
                    raise _Abandoned  # rolls the transaction back
                if act.entry is None:
                    act.log()
            finally:
                self._act = None
                self._guard()

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Acts in the block share a transaction that `commit()` (and the block's end)
        commits, each act a savepoint in it: a kill loses only the acts not yet committed,
        each whole, so every act stays complete or absent, while many small acts (a card
        of photos) pay for one commit, a journal and its fsyncs, between them. The caller
        commits as often as it can afford to lose. An error leaving the block keeps the
        acts that finished before it."""
        if self._act is not None or self.file.batching:
            raise RuntimeError("a batch is opened outside any act or batch")
        self.file.batching = True
        try:
            yield
        except BaseException:
            with suppress(VaultError, sqlcipher.Error):
                self.commit()
            raise
        else:
            self.commit()
        finally:
            self.file.batching = False

    def commit(self) -> None:
        """Commit the acts a `batched` block has finished so far (nothing outside one)."""
        with self._storage_errors():
            self.file.commit()

    @contextmanager
    def _transaction(self) -> Iterator[sqlcipher.Connection]:
        with self._storage_errors(), self.file.transaction() as conn:
            yield conn

    @contextmanager
    def _storage_errors(self) -> Iterator[None]:
        try:
            yield
        except sqlcipher.OperationalError as err:
            # A full disk shows as SQLITE_FULL, or as SQLITE_CANTOPEN when there is no room
            # (or no inode) left for the rollback journal; either way nothing was written.
            if "full" in str(err) or _no_room_left(self.path):
                raise StorageFull() from err
            raise

    def _append(
        self, action: str, subject: str | None, digest: str | None, details: dict[str, Any] | None
    ) -> Entry:
        head = self.conn.execute(
            "SELECT seq, entry_hash FROM custody ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        after = (head[0], bytes(head[1])) if head else None
        entry, text = sign_entry(self.id, self.signer, after, action, subject, digest, details)
        self.conn.execute(
            "INSERT INTO custody (seq, prev, content_hash, entry_hash, actor, sig, content,"
            " action, subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.seq, entry.prev, entry.content_hash, entry.entry_hash, entry.actor,
             entry.sig, text, action, subject),
        )  # fmt: skip
        return entry

    def _guard(self) -> None:
        """(Re)install the authorizer. Setting it also expires every prepared statement, so
        a write statement compiled inside an act cannot be replayed from the cache after."""
        self.conn.set_authorizer(self._authorize)

    def _authorize(
        self, code: int, arg1: str | None, arg2: str | None, _db: str | None, _src: str | None
    ) -> int:
        act = self._act
        if act is not None and act.thread == threading.get_ident():
            return sqlcipher.SQLITE_OK
        if code == sqlcipher.SQLITE_ATTACH or code in _WRITES:
            return sqlcipher.SQLITE_DENY
        if code == sqlcipher.SQLITE_PRAGMA and arg2 is not None and arg1 not in _READ_PRAGMAS:
            return sqlcipher.SQLITE_DENY
        return sqlcipher.SQLITE_OK

    def identities(self) -> list[Identity]:
        """Everyone the signed log introduced, in that order, as it introduced them: names,
        roles and organizations come from `case.create` / `identity.add`, never from rows."""
        return [known.identity for known in self.introductions().values()]

    def introductions(self) -> dict[str, Introduction]:
        """Fingerprint -> the identity and the seq of the entry that introduced it."""
        head = self.conn.execute("SELECT max(seq) FROM custody").fetchone()[0]
        if self._people is None or self._people[0] != head:
            self._people = (head, introductions(self.conn))
        return self._people[1]

    def actor_keys(self) -> dict[str, bytes]:
        """Every actor's public key: the case's own people, then those of kept sender chains."""
        keys = {i.fingerprint: i.public_key for i in self.identities()}
        for fp, key in self.conn.execute("SELECT fingerprint, public_key FROM lineage_keys"):
            keys.setdefault(fp, bytes(key))
        return keys

    def add_identity(
        self, name: str, *, role: str = DEFAULT_ROLE, organization: str = ""
    ) -> Identity:
        """A new investigator with a key of their own, vouched for by the current actor."""
        signer = Signer.generate(name, role, organization)
        with self.act("identity.add", details=_identity_details(signer.identity)) as act:
            _insert_identity(act.conn, signer.identity, signer.private_bytes())
        return signer.identity

    def close(self) -> None:
        """Close the file; after a change, witness the head outside the case (§8)."""
        try:
            if current_head(self.conn) != self._opened_head:
                record_head(self.conn, self.id)
        except (OSError, sqlcipher.Error):
            pass  # an unwritable data folder must not stop a case from closing
        self.file.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _no_room_left(path: Path) -> bool:
    try:
        fs = os.statvfs(path.parent)
    except OSError:
        return False
    # Some file systems (btrfs) report no inode counts at all: f_files is 0 there.
    return fs.f_bavail == 0 or (fs.f_files > 0 and fs.f_favail == 0)


def _create_details(info: CaseInfo, creator: Identity) -> dict[str, Any]:
    return {
        "title": info.title,
        "number": info.number,
        "organization": info.organization,
        "app_version": __version__,
        "name": creator.name,
        "role": creator.role,
        "public_key": creator.public_key.hex(),
    }


def _identity_details(identity: Identity) -> dict[str, Any]:
    return {
        "name": identity.name,
        "role": identity.role,
        "organization": identity.organization,
        "public_key": identity.public_key.hex(),
    }


def _insert_case(conn: sqlcipher.Connection, info: CaseInfo) -> None:
    conn.execute(
        "INSERT INTO case_info (id, title, number, organization, created_at) VALUES (?,?,?,?,?)",
        (info.id, info.title, info.number, info.organization, utc_now()[0]),
    )


def _insert_identity(conn: sqlcipher.Connection, identity: Identity, seed: bytes | None) -> None:
    conn.execute(
        "INSERT INTO identities (fingerprint, name, role, organization, public_key, private_key)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (identity.fingerprint, identity.name, identity.role, identity.organization,
         identity.public_key, seed),
    )  # fmt: skip


def _signed_info(conn: sqlcipher.Connection, people: dict[str, Introduction]) -> CaseInfo | None:
    """The case's title, number and organization as its `case.create` signed them; None when
    that entry is not authentic (the row stands in where the app needs an id to work with,
    `Case.info_signed` is False, and `verify` says why)."""
    create = next(read_entries(conn, "WHERE seq = 0"), None)
    creator = people.get(create.actor) if create else None
    if create is None or creator is None or creator.seq != 0:
        return None
    details = create.details
    case_id, title, number, org = (
        (create.content or {}).get("case"),
        *(details.get(k) for k in ("title", "number", "organization")),
    )
    if not (isinstance(case_id, str) and isinstance(title, str) and isinstance(number, str)
            and isinstance(org, str)):  # fmt: skip
        return None
    return CaseInfo(case_id, title, number, org)


def _local_signer(
    conn: sqlcipher.Connection, actor: str | None, people: dict[str, Introduction]
) -> Signer:
    """The first local key matching `actor` (fingerprint or signed name), acting under the
    name, role and organization its introducing entry signed."""
    rows = conn.execute(
        "SELECT fingerprint, name, role, organization, private_key FROM identities"
        " WHERE private_key IS NOT NULL ORDER BY rowid"
    ).fetchall()
    for fp, name, role, org, seed in rows:
        signed = people[fp].identity if fp in people else None
        if signed is not None:
            name, role, org = signed.name, signed.role, signed.organization
        if actor is None or actor in (fp, name):
            return Signer.from_seed(bytes(seed), name, role, org)
    raise NotFound(_("No investigator {actor} in this case.").format(actor=actor))
