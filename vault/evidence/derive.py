"""Derived items (DESIGN §10): a working copy made from an item of the case — a redaction,
a member extracted from a bundle, a frame from a video — stored as an item like any other
and recorded by one signed `item.derive` entry that names its parent and the parent's hash.

`derive_item` is the one path for every kind of derivation; the modules that compute the
bytes (redaction, ProofMode extraction, video frames) call it with their own `operation`.
`check_derivations` is the rule `verify` and `verify-package` apply to a chain's entries.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from vault import __version__
from vault.case.handle import Case
from vault.custody.entry import Entry, Finding, canonical, entered_digests
from vault.errors import InvalidInput, NotFound, VaultError
from vault.evidence.blobstore import blob_chunks, store_stream
from vault.evidence.items import Item, get_item
from vault.evidence.record import metadata_digests, stored_metadata
from vault.evidence.rows import NewItem, insert_item
from vault.i18n import _
from vault.progress import Cancel

if TYPE_CHECKING:  # the metadata worker loads when an item is derived: checking derivations
    from vault.evidence.probe import MetadataProbe  # (`items --json`, verify) never starts it

ACTION = "item.derive"
METHOD = "derive"  # the item's `method`, as `copy` for an import and `package` for a receipt
TOOL = {"name": "evidence-vault", "version": __version__}
_SHA256 = re.compile(r"[0-9a-f]{64}")

Bytes = bytes | BinaryIO | Callable[[int], bytes]
"""What a derived item is made of: its bytes, a binary stream, or a `read(n)` function."""


@dataclass(frozen=True)
class DerivedItem:
    """What `derive_item` stored and signed."""

    id: str
    parent: str
    parent_sha256: str
    sha256: str
    size: int
    original_name: str
    mime: str
    operation: dict[str, Any]
    seq: int  # the item.derive entry
    duplicate: bool  # the same bytes were already stored (stored once, recorded again)
    warnings: list[str]


def derive_item(
    case: Case,
    parent_id: str,
    data: Bytes,
    *,
    name: str,
    operation: dict[str, Any],
    tool: dict[str, Any] | None = None,
    source: str = "",
    probe: MetadataProbe | None = None,
    cancelled: Cancel | None = None,
) -> DerivedItem:
    """Store `data` as a new item derived from `parent_id`, in one `item.derive` act.

    `operation` says exactly what was done, `{"op": ..., ...}` (no fractional numbers);
    `tool` names what did it (default: this app and its version). The new item gets its
    metadata and thumbnail as an import does (`probe`: a running metadata worker to reuse).
    The parent's SHA-256 is its signed one; read its bytes with `parent_bytes`, which
    refuses bytes that no longer match it.
    """
    parent = _parent(case, parent_id)
    details = {"parent": parent.id, "parent_sha256": parent.sha256,
               "operation": _checked_operation(operation),
               "tool": dict(tool) if tool is not None else dict(TOOL)}  # fmt: skip
    if not name.strip() or "/" in name or "\x00" in name:
        raise InvalidInput(_("A derived item needs a file name (without '/')."))
    with _probe(probe) as worker:
        return _store(case, parent.id, details, _reader(data), name, source, worker, cancelled)


def _store(
    case: Case,
    parent_id: str,
    details: dict[str, Any],
    read: Callable[[int], bytes],
    name: str,
    source: str,
    probe: MetadataProbe,
    cancelled: Cancel | None,
) -> DerivedItem:
    from vault.evidence.probe import extract_stored

    item_id = str(uuid.uuid4())
    with case.act(ACTION, subject=item_id) as act:
        blob = store_stream(act.conn, read, None, cancelled)
        meta = extract_stored(act.conn, probe, name, blob.id, blob.size)
        stored = stored_metadata(meta)
        details.update(original_name=name, size=blob.size, mime=meta.mime, source=source,
                       method=METHOD, **metadata_digests(stored))  # fmt: skip
        entry = act.log(digest=blob.sha256, details=details)
        row = NewItem(item_id, blob, name, meta.mime, entry.at, source, METHOD, entry.seq)
        insert_item(act.conn, row, stored)
    return DerivedItem(
        item_id, parent_id, details["parent_sha256"], blob.sha256, blob.size, name, meta.mime,
        details["operation"], entry.seq, not blob.new, list(meta.warnings),
    )  # fmt: skip


def parent_bytes(case: Case, parent_id: str, *, limit: int | None = None) -> bytes:
    """The parent's stored bytes, checked against its signed SHA-256 (a working copy is never
    made from bytes that are not the recorded original). `limit`: refuse larger items."""
    parent = _parent(case, parent_id)
    if limit is not None and parent.size > limit:
        raise InvalidInput(_("This item is too large to be copied in memory."))
    data = b"".join(blob_chunks(case.conn, parent.blob_id))
    if hashlib.sha256(data).hexdigest() != parent.sha256:
        raise VaultError(_(
            "The stored bytes of this item no longer match its recorded SHA-256; no copy was "
            "made. Verify the case."
        ))  # fmt: skip
    return data


def _parent(case: Case, parent_id: str) -> Item:
    try:
        parent = get_item(case.conn, parent_id)
    except NotFound:
        raise NotFound(_("No item {id} in this case.").format(id=parent_id)) from None
    if parent.problems or not parent.sha256:
        raise VaultError(_(
            "This item's stored record differs from its signed entry; no copy was made. "
            "Verify the case."
        ))  # fmt: skip
    return parent


def _checked_operation(operation: Any) -> dict[str, Any]:
    if not isinstance(operation, dict) or not isinstance(operation.get("op"), str):
        raise InvalidInput(_('A derivation\'s operation must be an object with an "op" name.'))
    canonical({"operation": operation})  # refuses fractional numbers, as every entry does
    return dict(operation)


def _reader(data: Bytes) -> Callable[[int], bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(data)).read
    read = getattr(data, "read", None)
    if callable(read):
        return read  # type: ignore[no-any-return]
    if callable(data):
        return data
    raise InvalidInput(_("A derived item is made from bytes or a stream."))


@contextmanager
def _probe(given: MetadataProbe | None) -> Iterator[MetadataProbe]:
    """The caller's metadata worker, or a fresh one closed afterwards."""
    if given is not None:
        yield given
        return
    from vault.evidence.probe import MetadataProbe

    with MetadataProbe() as own:
        yield own


def derivation(entry: Entry | None) -> dict[str, Any] | None:
    """The parent, parent_sha256, operation and tool an `item.derive` entry signed; None
    for any other entry (or a withheld one)."""
    if entry is None or entry.action != ACTION:
        return None
    details = entry.details
    return {key: details.get(key) for key in ("parent", "parent_sha256", "operation", "tool")}


def derivations(entries: Iterable[Entry]) -> dict[str, dict[str, Any]]:
    """item id -> what its `item.derive` signed (parent, parent_sha256, operation, tool),
    for every derived item these entries brought in."""
    found = {}
    for entry in entries:
        signed = derivation(entry)
        if signed is not None and entry.subject is not None:
            found[entry.subject] = signed
    return found


def working_copies(items: Iterable[Item], chosen: Iterable[str] | None = None) -> list[str]:
    """The ids of the derived items among `items` that are `chosen`, or are copies of a
    chosen item (all of them when nothing is chosen): what "share working copies only"
    exports, leaving every original out."""
    picked = set(chosen) if chosen is not None else None
    return [
        item.id
        for item in items
        if item.derived_from is not None
        and (picked is None or item.id in picked or item.derived_from in picked)
    ]


def check_derivations(entries: Iterable[Entry]) -> Iterator[Finding]:
    """Every `item.derive` of a chain names a parent that entered before it with the SHA-256
    the entry records. A parent whose entries were withheld (a disclosure package, or the
    kept chain of one) cannot be looked up: its link rests on `parent_sha256`, which whoever
    holds the original can confirm; only a chain with nothing withheld before the entry
    proves the parent absent."""
    entered: dict[str, object] = {}
    withheld = False
    for entry in entries:
        if entry.content is None:
            withheld = True
            continue
        signed = derivation(entry)
        if signed is not None:
            yield from _check_one(entry.seq, signed, entered, withheld)
        entered.update(entered_digests(entry))


def _check_one(
    seq: int, signed: dict[str, Any], entered: dict[str, object], withheld: bool
) -> Iterator[Finding]:
    parent, sha = signed["parent"], signed["parent_sha256"]
    operation = signed["operation"]
    if not isinstance(parent, str) or not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        yield Finding(seq, _("a derived item's entry names no parent or no parent SHA-256"))
    elif not isinstance(operation, dict) or not isinstance(operation.get("op"), str):
        yield Finding(seq, _("a derived item's entry does not say what was done"))
    elif parent in entered and entered[parent] != sha:
        yield Finding(seq, _(
            "a derived item's entry records another SHA-256 for its parent {id} than the entry "
            "that brought the parent in"
        ).format(id=parent))  # fmt: skip
    elif parent not in entered and not withheld:
        yield Finding(seq, _(
            "a derived item's parent {id} did not enter the case before it"
        ).format(id=parent))  # fmt: skip
