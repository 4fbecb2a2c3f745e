"""What the signed log says about an item or a note, and the digests that tie the case
file's rows to it (issue 9 §1).

Everything shown about an item comes from the entry that brought it into the case
(`item.import`, or its line in a `package.import`), or from a row whose digest that entry
signed: `metadata_sha256`, `tags_sha256`, `warnings_sha256` (SHA-256 of the UTF-8 text
stored in `items.metadata`, `items.tags`, `items.warnings`, which is RFC 8785 JSON) and
`thumbnail_sha256` (of the thumbnail's bytes, null when there is none). Case files made
before these keys existed have none; `verify` recomputes those values from the original.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import rfc8785

from vault import jcs
from vault.custody.entry import ITEM_ENTERING
from vault.custody.packed import PackedRecords
from vault.i18n import LANGUAGES, _, translations
from vault.sharedjson import Loads, loads_shared

if TYPE_CHECKING:  # reading items back needs none of the metadata readers (issue 17)
    from vault.evidence.metadata import Extracted

DIGEST_KEYS = ("metadata_sha256", "tags_sha256", "warnings_sha256", "thumbnail_sha256")
"""What each digest covers, in the order of DIGEST_KEYS: an `items` column, but for the
thumbnail, kept in `thumbnails` since schema 6 (rows.STORED_AT says where each is read)."""
DIGEST_COLUMNS = ("metadata", "tags", "warnings", "thumbnail")
SHOWN_KEYS = ("sha256", "original_name", "size", "mime", "source", "method", "imported_at")
# What an `item.derive` signed about its item's origin (DESIGN §10), kept in its record.
DERIVE_KEYS = ("parent", "parent_sha256", "operation", "tool")


def stored_text(value: Any) -> str:
    """The text kept in a JSON column: RFC 8785 JSON, so its digest can be recomputed from
    the values by anyone. A value RFC 8785 refuses (an integer beyond 2^53 claimed by a
    hostile file) is kept as sorted compact JSON; the digest is of the stored text."""
    try:
        return jcs.dumps(value).decode("utf-8")
    except (rfc8785.CanonicalizationError, TypeError, ValueError):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(data: bytes | str | None) -> str | None:
    """SHA-256 hex of bytes or of text's UTF-8; None stays None (no thumbnail)."""
    if data is None:
        return None
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return hashlib.sha256(raw).hexdigest()


def stored_metadata(meta: Extracted) -> dict[str, Any]:
    """The four columns an import writes for `meta`, as stored (texts and thumbnail bytes)."""
    return {
        "metadata": stored_text(meta.fields),
        "tags": stored_text(meta.tags),
        "warnings": stored_text(meta.warnings),
        "thumbnail": meta.thumbnail,
    }


def metadata_digests(stored: dict[str, Any]) -> dict[str, str | None]:
    """The detail keys that sign the stored columns (see the module docstring)."""
    return {
        key: sha256_hex(stored[col]) for key, col in zip(DIGEST_KEYS, DIGEST_COLUMNS, strict=True)
    }


def package_source(package_id: Any, language: str | None = None) -> str:
    """The source shown for an item received in package `package_id`."""
    text = translations(language).gettext("package {id}") if language else _("package {id}")
    return text.format(id=package_id)


def package_sources(package_id: Any) -> set[str]:
    """The source as any language of the app recorded it on receipt."""
    return {package_source(package_id, lang) for lang in LANGUAGES}


def item_records(content: dict[str, Any] | None) -> Mapping[str, dict[str, Any]]:
    """item id -> what the entry that brought it in signed about it, in the item's own terms:
    sha256, imported_at, source, method, and (when signed) original_name, size, mime and the
    digest keys; for a derived item, `derivation` (DERIVE_KEYS). {} for an entry that brings
    no item in. A receipt's are held packed (vault/custody/packed.py): thousands of
    them are held while a received case's items are read."""
    if not isinstance(content, dict):
        return {}
    details = content.get("details")
    details = details if isinstance(details, dict) else {}
    action, at, subject = content.get("action"), content.get("at"), content.get("subject")
    if action in ITEM_ENTERING and isinstance(subject, str):
        record = {k: details[k] for k in (*SHOWN_KEYS, *DIGEST_KEYS) if k in details}
        record.update(sha256=content.get("digest"), imported_at=at)
        if action == "item.derive":
            record["derivation"] = {k: details.get(k) for k in DERIVE_KEYS}
        return {subject: record}
    if action != "package.import":
        return {}
    package = details.get("package")
    records = PackedRecords[str]({"imported_at": at, "method": "package", "package": package,
                                  "source": package_source(package)})  # fmt: skip
    for line in details.get("items") or []:
        if isinstance(line, dict) and isinstance(line.get("id"), str):
            records.add(line["id"], {k: line[k] for k in (*SHOWN_KEYS, *DIGEST_KEYS) if k in line})
    return records


def note_records(content: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """note id -> what the entry that wrote it signed: sha256, about, supersedes (about and
    supersedes are absent for notes received before package.import signed them)."""
    if not isinstance(content, dict):
        return {}
    details = content.get("details")
    details = details if isinstance(details, dict) else {}
    action, subject = content.get("action"), content.get("subject")
    if action in ("note.add", "note.amend") and isinstance(subject, str):
        return {subject: {"sha256": content.get("digest"), "about": details.get("about"),
                          "supersedes": details.get("supersedes")}}  # fmt: skip
    if action != "package.import":
        return {}
    return {
        line["id"]: {k: line[k] for k in ("sha256", "about", "supersedes") if k in line}
        for line in details.get("notes") or []
        if isinstance(line, dict) and isinstance(line.get("id"), str)
    }


def parse_content(text: Any, loads: Loads = loads_shared) -> dict[str, Any] | None:
    """An entry's stored content (text, or the bytes of a BLOB, parsed as verify parses
    them), or None when it is not a JSON object (`loads` shares strings by default: every
    record of a big case is often held at once)."""
    if not isinstance(text, str | bytes):
        return None
    try:
        content = loads(text)
    except (ValueError, RecursionError):
        return None
    return content if isinstance(content, dict) else None
