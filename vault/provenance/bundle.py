"""Importing a ProofMode bundle (DESIGN §9, §10): the zip is imported bit for bit as one item,
each member is extracted as an item derived from it (`{"op": "extract", "member": name}`),
and every media member gets an `item.provenance` entry whose `evidence` names the items of
its signatures and proof files.

The zip is read and checked in the sandboxed worker first; only a bundle it vetted (member
count and sizes bounded, no crash, in time) is opened again here to extract the members.
"""

from __future__ import annotations

import posixpath
import zipfile

from vault.case.handle import Case
from vault.custody.entry import Entry, read_entries
from vault.evidence.derive import derive_item, parent_bytes
from vault.evidence.filetype import InMemory, Source, open_source
from vault.evidence.items import get_item
from vault.evidence.probe import IN_MEMORY_LIMIT, MetadataProbe, ProbeFailed
from vault.i18n import _
from vault.provenance.proofmode import Bundle, check_bundle
from vault.provenance.record import Provenance, record_provenance

TIMEOUT = 60.0  # seconds for reading and checking a whole bundle in the worker
ZIP_TYPES = ("application/zip",)


def after_import(
    case: Case, probe: MetadataProbe, item_id: str, source: Source, mime: str
) -> list[str]:
    """When the imported zip is a ProofMode bundle: extract and check it; the warnings."""
    if mime not in ZIP_TYPES:
        return []
    try:
        bundle = probe.call(check_bundle, source, timeout=TIMEOUT)
    except ProbeFailed as err:
        message = _("The zip could not be checked as a ProofMode bundle: {why}")
        return [message.format(why=err)]
    if not isinstance(bundle, Bundle):
        return []
    extract_bundle(case, probe, item_id, source, bundle)
    return []


def extract_bundle(
    case: Case, probe: MetadataProbe, zip_id: str, source: Source, bundle: Bundle
) -> dict[str, str]:
    """Every member as a derived item (one `item.derive` each), then the media members'
    provenance; the item id of each member."""
    ids: dict[str, str] = {}
    with open_source(source) as stream, zipfile.ZipFile(stream) as archive:
        for member in bundle.members:
            derived = derive_item(
                case, zip_id, archive.read(member), name=posixpath.basename(member),
                operation={"op": "extract", "member": member}, probe=probe,
            )  # fmt: skip
            ids[member] = derived.id
    for media in bundle.media:
        media.result.evidence = [ids[m] for m in media.proof_members if m in ids]
        record_provenance(case, ids[media.member], media.sha256, media.result)
    return ids


def recheck_member(case: Case, item_id: str, previous: Entry) -> Provenance | None:
    """Check a media member again from the bundle it was extracted from, and append a new
    `item.provenance` entry (the earlier one stays); None when its bundle is not in the case."""
    derived = list(read_entries(case.conn, "WHERE subject = ? AND action = 'item.derive'",
                                (item_id,)))  # fmt: skip
    operation = derived[-1].details.get("operation") if derived else None
    if not isinstance(operation, dict) or operation.get("op") != "extract":
        return None
    parent = str(derived[-1].details.get("parent"))
    data = parent_bytes(case, parent, limit=IN_MEMORY_LIMIT)
    with MetadataProbe() as probe:
        bundle = probe.call(check_bundle, InMemory("bundle.zip", data), timeout=TIMEOUT)
    media = [m for m in bundle.media if m.member == operation.get("member")] if isinstance(
        bundle, Bundle) else []  # fmt: skip
    if not media:
        return None
    result = media[0].result
    result.evidence = list(previous.details.get("evidence") or [])
    item = get_item(case.conn, item_id)
    record_provenance(case, item_id, item.sha256, result)
    return result
