"""An open case: the case file, who is acting, and recording acts in the custody log."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from vault import __version__
from vault.case.casefile import CaseFile, CaseInfo, create_case_file, open_case_file
from vault.case.identity import Identity, Signer
from vault.case.people import Introduction, introductions
from vault.custody.entry import Entry, Finding, append_entry, read_entries, utc_now
from vault.custody.witness import check_witness, current_head, record_head
from vault.errors import NotFound, StorageFull, VaultError
from vault.i18n import _

DEFAULT_ROLE = "investigator"


class Case:
    """A case file opened with its passphrase, acting as one of its local identities."""

    def __init__(self, file: CaseFile, info: CaseInfo, signer: Signer) -> None:
        self.file = file
        self.info = info
        self.signer = signer
        # DESIGN §8: checked on open before anything else; the head is witnessed on close.
        self.witness_finding: Finding | None = check_witness(file.conn, info.id)
        self._opened_head = current_head(file.conn)
        self._people: tuple[int | None, dict[str, Introduction]] | None = None

    @property
    def conn(self) -> sqlcipher.Connection:
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
            return cls.start(file, title, number, organization, investigator, role)
        except BaseException:
            file.close()
            Path(path).unlink(missing_ok=True)
            raise

    @classmethod
    def start(
        cls,
        file: CaseFile,
        title: str,
        number: str = "",
        organization: str = "",
        investigator: str = "",
        role: str = DEFAULT_ROLE,
    ) -> Case:
        """Record a new case in an empty case file: its creator's key and `case.create`."""
        info = CaseInfo(str(uuid.uuid4()), title, number, organization)
        signer = Signer.generate(investigator or _("Investigator"), role, organization)
        case = cls(file, info, signer)
        with case.transaction() as conn:
            _insert_case(conn, info)
            _insert_identity(conn, signer.identity, signer.private_bytes())
            case.record("case.create", details=_create_details(info, signer.identity))
        return case

    @classmethod
    def open(cls, path: Path | str, passphrase: str, actor: str | None = None) -> Case:
        """Open a case; `actor` (a fingerprint or name) picks who acts, default the creator."""
        file = open_case_file(Path(path), passphrase)
        try:
            people = introductions(file.conn)
            info = _signed_info(file.conn, people)
            signer = _local_signer(file.conn, actor, people)
        except BaseException:
            file.close()
            raise
        return cls(file, info, signer)

    @contextmanager
    def transaction(self) -> Iterator[sqlcipher.Connection]:
        """One act: its rows and its custody entry commit together or not at all."""
        try:
            with self.file.transaction() as conn:
                yield conn
        except sqlcipher.OperationalError as err:
            # A full disk shows as SQLITE_FULL, or as SQLITE_CANTOPEN when there is no room
            # (or no inode) left for the rollback journal; either way nothing was written.
            if "full" in str(err) or _no_room_left(self.path):
                raise StorageFull() from err
            raise

    def record(
        self,
        action: str,
        subject: str | None = None,
        digest: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> Entry:
        """Append a signed entry for an act. MUST be called inside `transaction()`."""
        return append_entry(self.conn, self.id, self.signer, action, subject, digest, details)

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

    def add_identity(self, name: str, role: str = DEFAULT_ROLE, organization: str = "") -> Identity:
        """A new investigator with a key of their own, vouched for by the current actor."""
        signer = Signer.generate(name, role, organization)
        with self.transaction() as conn:
            _insert_identity(conn, signer.identity, signer.private_bytes())
            self.record("identity.add", details=_identity_details(signer.identity))
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


def _signed_info(conn: sqlcipher.Connection, people: dict[str, Introduction]) -> CaseInfo:
    """The case's title, number and organization as its `case.create` signed them (the row
    is only a fallback when that entry is not authentic; `verify` then says so)."""
    row = conn.execute("SELECT id, title, number, organization FROM case_info").fetchone()
    create = next(read_entries(conn, "WHERE seq = 0"), None)
    creator = people.get(create.actor) if create else None
    if create is None or creator is None or creator.seq != 0:
        return CaseInfo(*row)
    details = create.details
    case_id, title, number, org = (
        (create.content or {}).get("case"),
        *(details.get(k) for k in ("title", "number", "organization")),
    )
    if not (isinstance(case_id, str) and isinstance(title, str) and isinstance(number, str)
            and isinstance(org, str)):  # fmt: skip
        return CaseInfo(*row)
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
