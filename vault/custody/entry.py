"""The signed, hash-chained custody log (DESIGN §4): entries, their JSON form, verification.

content_hash = SHA-256(RFC 8785 canonical JSON of content)
entry_hash   = SHA-256(prev_entry_hash || content_hash), prev of seq 0 = 32 zero bytes
sig          = Ed25519(actor's key, entry_hash)
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NewType

import sqlcipher3.dbapi2 as sqlcipher

from vault import jcs
from vault.case.identity import Signer
from vault.custody.packed import PackedArray
from vault.errors import InvalidInput
from vault.i18n import _
from vault.sharedjson import Loads, loads_shared, shared_pairs

GENESIS = bytes(32)
# Entries that bring one item with its own bytes into a case: an import from a file, and a
# working copy derived from another item (DESIGN §10). Both record name, size, type, digest.
ITEM_ENTERING = frozenset({"item.import", "item.derive"})


@dataclass(frozen=True, slots=True)  # slots: a big case's whole log is often held at once
class Entry:
    """One custody entry; `content` is None when it was withheld from a package."""

    seq: int
    prev: bytes
    content_hash: bytes
    entry_hash: bytes
    actor: str
    sig: bytes
    content: dict[str, Any] | None
    # entered_digests' answer, computed once: a package.import lists thousands of items and
    # is asked about each of them (a per-item rebuild made verify quadratic).
    _entered: dict[str, object] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def action(self) -> str | None:
        return self._text("action")

    @property
    def subject(self) -> str | None:
        """What the entry is about (an item or note id); None when absent or not text."""
        return self._text("subject")

    @property
    def at(self) -> str | None:
        """When the signer says the act happened (ISO 8601 UTC); None when absent."""
        return self._text("at")

    def _text(self, key: str) -> str | None:
        value = self.content.get(key) if self.content else None
        return value if isinstance(value, str) else None

    @property
    def details(self) -> dict[str, Any]:
        """The entry's `details` object; {} when withheld or malformed."""
        value = (self.content or {}).get("details")
        return value if isinstance(value, dict) else {}


def entered_digests(entry: Entry | None) -> Mapping[str, object]:
    """item id -> the SHA-256 recorded by an entry that brings items into a case
    (`item.import`, `item.derive`, or the item list of a `package.import`); a hostile
    entry may record something that is not text there, which then matches no digest.
    Computed once per entry; the mapping returned is shared, so callers only read it."""
    if entry is None:
        return {}
    if entry._entered is None:
        object.__setattr__(entry, "_entered", _entered(entry))
    return entry._entered or {}


def _entered(entry: Entry) -> dict[str, object]:
    if entry.content is None:
        return {}
    subject = entry.content.get("subject")
    if entry.action in ITEM_ENTERING and isinstance(subject, str):
        return {subject: entry.content.get("digest")}
    items = entry.details.get("items") if entry.action == "package.import" else None
    if isinstance(items, list | PackedArray):  # `Hands` holds a receipt with its list packed
        return {
            i["id"]: i.get("sha256")
            for i in items
            if isinstance(i, dict) and isinstance(i.get("id"), str)
        }
    return {}


@dataclass(frozen=True)
class Finding:
    """One verification problem; `seq` is None for problems outside the chain."""

    seq: int | None
    reason: str
    level: str = "error"  # or "warning": recorded but not a failure (e.g. clock anomalies)

    def __str__(self) -> str:
        where = f"seq {self.seq}: " if self.seq is not None else ""
        return where + self.reason


@dataclass
class ChainResult:
    """What verifying one chain established."""

    findings: list[Finding] = field(default_factory=list)
    length: int = 0
    head: bytes = GENESIS
    case_id: str | None = None
    keys: dict[str, bytes] = field(default_factory=dict)  # trusted fingerprint -> public key
    actors: set[str] = field(default_factory=set)  # every fingerprint an entry names as its signer
    # Entries whose content the chain does not vouch for: changed after signing, its hash
    # or signature wrong, or signed by a key no trusted entry introduced (never shown).
    unvouched: set[int] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)


def canonical(content: dict[str, Any]) -> bytes:
    """RFC 8785 canonical JSON; refuses floats and integers beyond 2^53."""
    plain = jcs.plain_dumps(content)  # holds no float: one walk, not two, per entry
    if plain is not None:
        return plain
    if _has_float(content):
        raise InvalidInput(_("Custody entries may not hold fractional numbers."))
    return jcs.dumps(content)


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return False


def utc_now() -> tuple[str, str]:
    """The local clock as (RFC 3339 UTC with microseconds and Z, the local UTC offset)."""
    now = datetime.now(UTC)
    offset = now.astimezone().strftime("%z")
    return now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), f"{offset[:3]}:{offset[3:]}"


def entry_hash_of(prev: bytes, content_hash: bytes) -> bytes:
    return hashlib.sha256(prev + content_hash).digest()


def sign_entry(
    case_id: str,
    signer: Signer,
    after: tuple[int, bytes] | None,
    action: str,
    subject: str | None = None,
    digest: str | None = None,
    details: dict[str, Any] | None = None,
) -> tuple[Entry, str]:
    """The next entry after `after` (the head's seq and entry_hash; None for the first),
    signed, and its canonical content text. Writes nothing: only `Case.act` stores entries,
    so that every entry is the one entry of one act's transaction."""
    seq, prev = (after[0] + 1, after[1]) if after else (0, GENESIS)
    at, tz = utc_now()
    content = {
        "v": 1, "case": case_id, "seq": seq, "at": at, "tz": tz, "actor": signer.fingerprint,
        "action": action, "subject": subject, "digest": digest, "details": details or {},
        "nonce": os.urandom(16).hex(),  # secrets.token_hex, without loading `secrets`
    }  # fmt: skip
    text = canonical(content)
    content_hash = hashlib.sha256(text).digest()
    entry_hash = entry_hash_of(prev, content_hash)
    sig = signer.sign(entry_hash)
    entry = Entry(seq, prev, content_hash, entry_hash, signer.fingerprint, sig, content)
    return entry, text.decode()


def read_entries(
    conn: sqlcipher.Connection, where: str = "", params: tuple[object, ...] = ()
) -> Iterator[Entry]:
    """Entries of the case's own chain in seq order (optionally filtered by a WHERE clause)."""
    return (entry for entry, _text in read_entry_texts(conn, where, params))


def read_entry_texts(
    conn: sqlcipher.Connection,
    where: str = "",
    params: tuple[object, ...] = (),
    loads: Loads = loads_shared,
) -> Iterator[tuple[Entry, str | bytes]]:
    """`read_entries`, each with the stored text of its content (bytes if a BLOB was put
    there). A reader that holds none of them passes `json.loads`: sharing strings (the
    default) saves memory only when many entries are held, and costs a Python call per
    object."""
    for row in conn.execute(f"SELECT {_COLUMNS} FROM custody {where} ORDER BY seq", params):
        yield _entry(row, loads), row[6]


def read_indexed_entries(
    conn: sqlcipher.Connection,
    where: str = "",
    params: tuple[object, ...] = (),
    loads: Loads = loads_shared,
) -> Iterator[tuple[Entry, tuple[str, str | None], str | bytes]]:
    """Every entry of the case's own chain (optionally filtered by a WHERE clause), each
    with its `action` and `subject` columns (the log's unsigned index, which verify holds
    against the signed content) and its stored text. Read in the same pass: those columns
    come after the content, which SQLite reads through to reach them."""
    query = f"SELECT {_COLUMNS}, action, subject FROM custody {where} ORDER BY seq"
    for row in conn.execute(query, params):
        yield _entry(row, loads), (row[7], row[8]), row[6]


_COLUMNS = "seq, prev, content_hash, entry_hash, actor, sig, content"


def _entry(row: tuple[Any, ...], loads: Loads) -> Entry:
    seq, prev, ch, eh, actor, sig, text = row[:7]
    return Entry(seq, bytes(prev), bytes(ch), bytes(eh), sys.intern(actor), bytes(sig),
                 _parse(text, loads))  # fmt: skip


def _parse(text: str | bytes, loads: Loads) -> dict[str, Any] | None:
    try:
        content = loads(text)
    except (ValueError, RecursionError):
        return None
    return content if isinstance(content, dict) else None


def to_json(entry: Entry, withhold: bool = False) -> dict[str, Any]:
    """The `custody.jsonl` form of an entry; a withheld entry keeps hashes, actor and sig."""
    obj: dict[str, Any] = {
        "seq": entry.seq,
        "prev": entry.prev.hex(),
        "content_hash": entry.content_hash.hex(),
        "entry_hash": entry.entry_hash.hex(),
        "actor": entry.actor,
        "sig": entry.sig.hex(),
    }
    if not withhold and entry.content is not None:
        obj["content"] = entry.content
    return obj


def to_jsonl(entry: Entry, withhold: bool = False) -> str:
    """An entry's `custody.jsonl` line, made from its values. A lone surrogate (parsed
    from an escape in an altered stored text: a signed one has none) has no UTF-8 form,
    so such a line is written with escapes, parsing to the same values."""
    obj = to_json(entry, withhold)
    line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    if not line.isascii() and _SURROGATE.search(line):
        return json.dumps(obj, separators=(",", ":"))
    return line


_SURROGATE = re.compile("[\ud800-\udfff]")


def stored_jsonl(
    entry: Entry, signed: SignedText | None, withhold: bool = False
) -> tuple[str, str, str]:
    """`to_jsonl` of an entry, in three parts that make the line when joined. `signed`, the
    entry's stored text when it is the signed one (`signed_text`), is canonical JSON, which
    `to_jsonl` would write again byte for byte, so it goes in as it is, the middle part,
    not parsed and encoded again (a big export's log, issue 17), and a long line can be
    written without being copied whole. Else the line is the middle part."""
    if withhold or entry.content is None or signed is None:
        return "", to_jsonl(entry, withhold), ""
    hashes = f'"content_hash":"{entry.content_hash.hex()}","entry_hash":"{entry.entry_hash.hex()}"'
    head = f'{{"seq":{entry.seq},"prev":"{entry.prev.hex()}",{hashes}'
    actor = _json_string(entry.actor)
    return f'{head},"actor":{actor},"sig":"{entry.sig.hex()}","content":', signed, "}"


@functools.lru_cache(maxsize=64)
def _json_string(value: str) -> str:
    """A string as `to_jsonl` writes it (a case has a handful of actors, each a thousand
    times over): the rest of `stored_jsonl`'s line is numbers and hex, written as
    `to_jsonl` would without its encoder's cost."""
    return json.dumps(value, ensure_ascii=False)


SignedText = NewType("SignedText", str)  # a stored content text that is the signed one


def signed_text(text: object, content_hash: bytes) -> SignedText | None:
    """A stored content `text`, if it is still the text whose hash was signed (then it is
    canonical JSON, as `Case.act` stored it); None for any other text or a BLOB."""
    if isinstance(text, str) and hashlib.sha256(text.encode("utf-8")).digest() == content_hash:
        return SignedText(text)
    return None


def is_signed_content(content: dict[str, Any] | None, content_hash: bytes) -> bool:
    """Whether an entry's parsed `content` holds the values whose hash was signed (verify's
    test: a stored text that is not the signed one may still parse to them)."""
    if content is None:
        return False
    try:
        return hashlib.sha256(canonical(content)).digest() == content_hash
    except (InvalidInput, TypeError, ValueError, RecursionError):
        return False


def signed_line_content(line: object) -> dict[str, Any] | None:
    """A `custody.jsonl` line's content, if its values are those whose hash the line gives
    as signed, the hash its entry hash commits to (a kept chain's line, checked on
    receipt, may be edited in the case file since). Tested on the line's own content text
    first: what follows its last "content" key, which a raw `"content":` can only be, as
    this app writes lines; then on the values."""
    obj = _json_object(line)
    content = obj.get("content") if obj else None
    if not isinstance(line, str) or obj is None or not isinstance(content, dict):
        return None
    try:
        content_hash = bytes.fromhex(obj["content_hash"])
        linked = entry_hash_of(bytes.fromhex(obj["prev"]), content_hash)
        if linked != bytes.fromhex(obj["entry_hash"]):
            return None  # a content hash recomputed for altered values
    except (KeyError, TypeError, ValueError):
        return None
    at = line.rfind('"content":')
    text = line[at + len('"content":') : -1] if at >= 0 and line.endswith("}") else ""
    if hashlib.sha256(text.encode("utf-8")).digest() == content_hash:
        return content
    return content if is_signed_content(content, content_hash) else None


def _json_object(text: object) -> dict[str, Any] | None:
    try:
        parsed = json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None


def is_description(entry: Entry, item_id: str) -> bool:
    """Whether `entry` is an `item.describe` of the item holding the values that were signed:
    an altered description is never shown, quoted or exported (verify finds it)."""
    return (
        entry.action == "item.describe"
        and entry.subject == item_id
        and is_signed_content(entry.content, entry.content_hash)
    )


def from_json(obj: Any, line_no: int) -> Entry:
    """Parse one `custody.jsonl` object; malformed input raises InvalidInput naming the line."""
    try:
        content = obj.get("content")
        if content is not None and not isinstance(content, dict):
            raise ValueError
        return Entry(
            seq=_int(obj["seq"]),
            prev=_hex32(obj["prev"]),
            content_hash=_hex32(obj["content_hash"]),
            entry_hash=_hex32(obj["entry_hash"]),
            actor=str(obj["actor"]),
            sig=bytes.fromhex(obj["sig"]),
            content=content,
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise InvalidInput(
            _("Line {n} of the custody log is not a well-formed entry.").format(n=line_no)
        ) from None


LINE_FIELDS = ("seq", "prev", "content_hash", "entry_hash", "actor", "sig", "content")


class _RepeatedKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = shared_pairs(pairs)  # a package's whole log is held at once: share its strings
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _RepeatedKey(key)
            seen.add(key)
    return obj


def parse_jsonl(lines: Iterable[str]) -> Iterator[Entry]:
    """Parse `custody.jsonl` strictly: a repeated key anywhere (readers would disagree on
    which value counts) or an unknown field in a line is a refusal naming the line."""
    for n, line in enumerate(lines, start=1):
        entry = parse_line(line, n)
        if entry is not None:
            yield entry


def parse_line(line: str, n: int) -> Entry | None:
    """Line `n` of a `custody.jsonl`, parsed as `parse_jsonl` does; None for a blank line."""
    if not line.strip():
        return None
    try:
        obj = json.loads(line, object_pairs_hook=_unique_pairs)
    except _RepeatedKey as err:
        raise InvalidInput(
            _("Line {n} of the custody log repeats the key {key!r}.").format(n=n, key=err.key)
        ) from None
    except (ValueError, RecursionError):  # RecursionError: hostile nesting depth
        raise InvalidInput(
            _("Line {n} of the custody log is not valid JSON.").format(n=n)
        ) from None
    unknown = sorted(set(obj) - set(LINE_FIELDS)) if isinstance(obj, dict) else []
    if unknown:
        raise InvalidInput(
            _("Line {n} of the custody log has an unknown field {key!r}.").format(
                n=n, key=unknown[0])
        )  # fmt: skip
    return from_json(obj, n)


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError
    return value


def _hex32(value: Any) -> bytes:
    raw = bytes.fromhex(value)
    if len(raw) != 32:
        raise ValueError
    return raw
