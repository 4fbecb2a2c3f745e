"""The case file's schema as ordered migrations. Released migrations are frozen forever:
a change is a new migration appended to the list, so an older case file opens in a newer app.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlcipher3.dbapi2 as sqlcipher

_V1 = """
CREATE TABLE case_info (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, number TEXT NOT NULL,
    organization TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE identities (
    fingerprint TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
    organization TEXT NOT NULL, public_key BLOB NOT NULL,
    private_key BLOB  -- raw 32-byte Ed25519 seed, NULL for people known only by their key
);
CREATE TABLE blobs (
    id INTEGER PRIMARY KEY,
    sha256 TEXT UNIQUE,  -- NULL only while a stream is being stored (inside its transaction)
    size INTEGER NOT NULL
);
CREATE TABLE chunks (
    blob_id INTEGER NOT NULL REFERENCES blobs(id), n INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (blob_id, n)
);
CREATE TABLE items (
    id TEXT PRIMARY KEY, blob_id INTEGER NOT NULL REFERENCES blobs(id),
    sha256 TEXT NOT NULL, original_name TEXT NOT NULL, size INTEGER NOT NULL,
    mime TEXT NOT NULL, imported_at TEXT NOT NULL, source TEXT NOT NULL, method TEXT NOT NULL,
    metadata TEXT NOT NULL,  -- JSON of the extracted key fields
    tags TEXT NOT NULL,      -- JSON of every EXIF tag read
    warnings TEXT NOT NULL,  -- JSON list of strings
    thumbnail BLOB,
    entered_seq INTEGER NOT NULL  -- the custody entry that brought the item into this case
);
CREATE TABLE notes (
    id TEXT PRIMARY KEY, about TEXT REFERENCES items(id), text TEXT NOT NULL,
    supersedes TEXT REFERENCES notes(id), seq INTEGER NOT NULL
);
CREATE TABLE custody (
    seq INTEGER PRIMARY KEY, prev BLOB NOT NULL, content_hash BLOB NOT NULL,
    entry_hash BLOB NOT NULL, actor TEXT NOT NULL, sig BLOB NOT NULL,
    content TEXT NOT NULL,  -- RFC 8785 canonical JSON, the exact bytes that were hashed
    action TEXT NOT NULL, subject TEXT
);
CREATE INDEX custody_by_subject ON custody(subject);
"""

_V2 = """
-- Chains received with packages, kept verbatim (one custody.jsonl line per row).
CREATE TABLE lineage (
    source_case TEXT NOT NULL, seq INTEGER NOT NULL, line TEXT NOT NULL,
    PRIMARY KEY (source_case, seq)
);
CREATE TABLE lineage_keys (fingerprint TEXT PRIMARY KEY, public_key BLOB NOT NULL);
CREATE INDEX items_by_sha256 ON items(sha256);
CREATE INDEX notes_by_about ON notes(about);
"""


def _script(sql: str) -> Callable[[sqlcipher.Connection], None]:
    def apply(conn: sqlcipher.Connection) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                conn.execute(statement)

    return apply


_V3 = """
-- Kept chains are told apart by their source case id AND their creator's key (the actor of
-- their case.create), so a stranger's chain that claims a case id never meets the real one.
CREATE TABLE lineage_v3 (
    source_case TEXT NOT NULL, creator TEXT NOT NULL, seq INTEGER NOT NULL, line TEXT NOT NULL,
    PRIMARY KEY (source_case, creator, seq)
);
"""


def _v3(conn: sqlcipher.Connection) -> None:
    """Key kept chains by creator too: each chain's creator is the actor of its seq 0 line."""
    _script(_V3)(conn)
    rows = conn.execute("SELECT source_case, line FROM lineage WHERE seq = 0")
    creators = {source: _actor(line) for source, line in rows}
    for source, seq, line in conn.execute("SELECT source_case, seq, line FROM lineage").fetchall():
        conn.execute(
            "INSERT INTO lineage_v3 VALUES (?, ?, ?, ?)",
            (source, creators.get(source, ""), seq, line),
        )
    conn.execute("DROP TABLE lineage")
    conn.execute("ALTER TABLE lineage_v3 RENAME TO lineage")


def _actor(line: str) -> str:
    try:
        actor = json.loads(line).get("actor")
    except (ValueError, AttributeError, RecursionError):
        return ""
    return actor if isinstance(actor, str) else ""


_V4 = """
-- Report-signing keys (DESIGN §7): the ECDSA P-256 private key of each certificate that an
-- identity.certificate entry binds to a custody key, PKCS#8 DER. Like identities.private_key
-- it exists only inside the encrypted case file. The certificate itself is in the signed
-- entry, found there by `sha256` (of its DER). `chain`: the issuers' PEM from a PKCS#12.
CREATE TABLE report_keys (
    sha256 TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, private_key BLOB NOT NULL, chain TEXT
);
"""

_V5 = """
-- Entries by action (issue 17 §4): opening a case reads its few verifications, descriptions,
-- provenance results and introductions: without this, each read scanned the whole log
-- (a second per read at 100,000 entries, before the first screen).
CREATE INDEX IF NOT EXISTS custody_by_action ON custody(action);
"""

_V6 = """
-- Thumbnails in a table of their own (issue 17, vault/evidence/rows.py): a column stored
-- after a thumbnail (entered_seq) was read only by decrypting the thumbnail's pages, so a
-- listing of many items decrypted all their thumbnails. items.thumbnail stays, NULL.
CREATE TABLE thumbnails (item_id TEXT PRIMARY KEY REFERENCES items(id), data BLOB NOT NULL);
INSERT INTO thumbnails (item_id, data)
    SELECT id, thumbnail FROM items WHERE thumbnail IS NOT NULL;
UPDATE items SET thumbnail = NULL WHERE thumbnail IS NOT NULL;
"""

MIGRATIONS: list[Callable[[sqlcipher.Connection], None]] = [
    _script(_V1),
    _script(_V2),
    _v3,
    _script(_V4),
    _script(_V5),
    _script(_V6),
]
SCHEMA_VERSION = len(MIGRATIONS)
