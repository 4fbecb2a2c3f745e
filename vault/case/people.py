"""The people of a case as the signed log introduced them (issue 9 §1): name, role and
organization come from `case.create` / `identity.add`, never from the `identities` rows,
which anyone holding the passphrase can edit. `verify` reports any row that disagrees."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlcipher3.dbapi2 as sqlcipher
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from vault.case.identity import Identity, fingerprint
from vault.case.signatures import Signed, verifies
from vault.custody.entry import (
    Entry,
    entry_hash_of,
    is_signed_content,
    read_entries,
    signed_text,
)


@dataclass(frozen=True)
class Introduction:
    """A person and the seq of the signed entry that introduced them."""

    identity: Identity
    seq: int


def introductions(conn: sqlcipher.Connection) -> dict[str, Introduction]:
    """Fingerprint -> the identity its introducing entry signed, in the order introduced.

    An entry counts only if its stored content still hashes into its entry hash and its
    signature verifies under a key introduced before it (the creator's own for seq 0): an
    introduction edited in the database is not a person. `verify` explains what is wrong."""
    return introduced(read_entries(conn, "WHERE action IN ('case.create', 'identity.add')"))


def introduced(
    entries: Iterable[Entry], case_id: str | None = None, creator: str | None = None
) -> dict[str, Introduction]:
    """The same for any chain's entries (a kept sender chain too): only authentic
    `case.create` (seq 0, self-signed) and `identity.add` entries by a known key count.

    A kept line states its own seq, so a stranger's self-signed `case.create` saying seq 0
    could sit anywhere in it: `creator` (a kept chain's key names it) is then the only
    person a `case.create` may introduce, and only the first one counts. `case_id`, when
    given, is the case every introduction must name (one copied from another case's log
    introduces no one here)."""
    people: dict[str, Introduction] = {}
    for entry in entries:
        if entry.action not in ("case.create", "identity.add"):
            continue
        identity = _introduced(entry)
        if identity is None or identity.fingerprint in people:
            continue
        if case_id is not None and (entry.content or {}).get("case") != case_id:
            continue
        if entry.action == "case.create":
            if not _creates(entry, identity, creator) or people:
                continue  # only the creator's own seq 0 introduces without a sponsor
            signer: bytes | None = identity.public_key
        else:
            signer = _key_of(people, entry.actor)
        if signer is not None and authentic(entry, signer):
            people[identity.fingerprint] = Introduction(identity, entry.seq)
    return people


def _creates(entry: Entry, identity: Identity, creator: str | None) -> bool:
    """Whether `entry` may be its chain's creation: seq 0, self-signed, by `creator`."""
    return entry.seq == 0 and identity.fingerprint == entry.actor and creator in (None, entry.actor)


def _key_of(people: dict[str, Introduction], fp: str) -> bytes | None:
    known = people.get(fp)
    return known.identity.public_key if known else None


def _introduced(entry: Entry) -> Identity | None:
    details = entry.details
    try:
        key = bytes.fromhex(details["public_key"])
        Ed25519PublicKey.from_public_bytes(key)
    except (KeyError, TypeError, ValueError):
        return None
    name, role, org = (_text(details.get(k)) for k in ("name", "role", "organization"))
    return Identity(fingerprint(key), name, role, org, key)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def authentic(entry: Entry, key: bytes) -> bool:
    """Whether the entry is as it was signed with `key`: its values hash to its content
    hash, that to its entry hash, and the signature verifies."""
    return _hashes_hold(entry, None) and verifies(entry.entry_hash, entry.sig, key)


def signed_in_place(
    entry: Entry, case_id: str, keys: Mapping[str, bytes], place: int | None = None
) -> bool:
    """Whether the entry is as its actor signed it, and where it was signed: by a key its
    chain introduced (`keys`: fingerprint -> key), its content naming its seq, actor and
    case, at its place in the chain (`place`: a kept line's row; None when the entry's seq
    is its row's). Weaker than verify, which also checks the chain's links and order: it
    reads one entry, not a whole log."""
    signed = awaiting_signature(entry, case_id, keys, place)
    return signed is not None and verifies(*signed)


def awaiting_signature(
    entry: Entry,
    case_id: str,
    keys: Mapping[str, bytes],
    place: int | None = None,
    text: object = None,
) -> Signed | None:
    """`signed_in_place` but for the signature: the signature that must verify for the
    entry to count (to check now or later), or None when anything else already fails."""
    content = entry.content or {}
    claims = (content.get("seq"), content.get("actor"), content.get("case"))
    if place not in (None, entry.seq) or claims != (entry.seq, entry.actor, case_id):
        return None
    key = keys.get(entry.actor)
    if key is None or not _hashes_hold(entry, text):
        return None
    return entry.entry_hash, entry.sig, key


def _hashes_hold(entry: Entry, text: object) -> bool:
    """Values to content hash (`text`, the stored content text, if given, is hashed first:
    nearly always the signed one, and cheaper than making canonical JSON), content hash to
    entry hash."""
    values = signed_text(text, entry.content_hash) is not None
    if not (values or is_signed_content(entry.content, entry.content_hash)):
        return False
    return entry_hash_of(entry.prev, entry.content_hash) == entry.entry_hash


def public_keys(people: Iterable[Identity]) -> dict[str, bytes]:
    """Fingerprint -> public key of the people a chain introduced."""
    return {person.fingerprint: person.public_key for person in people}
