"""Provenance checks at import and on request (DESIGN §9): the hook `import_file` calls, and
the re-check that appends a new `item.provenance` entry with the lists trusted today.

Validators run in the sandboxed metadata worker under its memory and time limits, like EXIF:
a manifest that crashes or hangs the validator is a warning and an "unverifiable" result,
and the file is imported intact all the same.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field

from vault.case.handle import Case
from vault.errors import Cancelled, InvalidInput
from vault.evidence.filetype import InMemory, Source
from vault.evidence.items import get_item, list_items, read_original
from vault.evidence.probe import IN_MEMORY_LIMIT, MetadataProbe, ProbeFailed
from vault.i18n import _
from vault.progress import Cancel, Progress
from vault.provenance import c2pa
from vault.provenance.record import Provenance, clipped, provenance_entries, record_provenance
from vault.provenance.trust import TrustList, all_lists

TIMEOUT = 10.0  # seconds for one validator run in the worker
STOPPED = "ev.validator.stopped"  # the validator crashed or ran out of time on this file


def check_c2pa(
    probe: MetadataProbe, source: Source, mime: str, lists: list[TrustList] | None = None
) -> Provenance | None:
    """The C2PA reading of a file, None when it holds no manifest. `lists`: the trust lists
    (default: the shipped ones and the user's)."""
    lists = all_lists() if lists is None else lists
    try:
        result = probe.call(c2pa.check_c2pa, source, mime, lists, timeout=TIMEOUT)
    except ProbeFailed as err:
        stopped = Provenance("c2pa", "unverifiable", [STOPPED], tool=c2pa.tool_name(sdk=False))
        stopped.message = clipped(str(err))
        stopped.trust = {"chained_to": None, "checked": [t.to_record() for t in lists]}
        return stopped
    return result if isinstance(result, Provenance) else None


def after_import(
    case: Case, probe: MetadataProbe, item_id: str, sha256: str, source: Source, mime: str
) -> list[str]:
    """Check a just-imported file that showed a C2PA marker and record what was found;
    the warnings to show (none unless the validator stopped)."""
    result = check_c2pa(probe, source, mime)
    if result is None:
        return []
    record_provenance(case, item_id, sha256, result)
    if STOPPED in result.codes:
        message = _("Content Credentials could not be checked: {why}")
        return [message.format(why=result.message)]
    return []


def recheck(case: Case, item_id: str, probe: MetadataProbe | None = None) -> Provenance | None:
    """Read an item's Content Credentials (or its ProofMode proof, from the bundle it came
    from) again with the lists trusted today and append a new `item.provenance` entry
    (earlier ones stay as they were); None without a manifest or proof. `probe`: a worker
    to reuse across items (a fresh one otherwise)."""
    from vault.provenance.bundle import recheck_member  # bundle imports the derive core

    earlier = provenance_entries(case.conn, item_id)
    if earlier and earlier[-1].details.get("kind") == "proofmode":
        return recheck_member(case, item_id, earlier[-1])
    item = get_item(case.conn, item_id)
    if item.size > IN_MEMORY_LIMIT:
        raise InvalidInput(_("The file is too large to check again in memory."))
    data = b"".join(read_original(case.conn, item_id))
    if not c2pa.might_hold_c2pa(data):
        return None
    with ExitStack() as stack:
        worker = probe or stack.enter_context(MetadataProbe())
        result = check_c2pa(worker, InMemory(item.original_name, data), item.mime)
    if result is not None:
        record_provenance(case, item_id, item.sha256, result)
    return result


@dataclass
class Rechecked:
    """What one re-check run appended: item id -> its new result, and the items it could
    not read again (item id -> why)."""

    results: dict[str, Provenance] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    checked: int = 0


def recheck_items(
    case: Case,
    item_ids: list[str] | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Cancel | None = None,
) -> Rechecked:
    """`recheck` each of `item_ids` (default every item), one worker for them all; each new
    result is its own `item.provenance` act, so a cancelled run keeps what it appended. An
    item too large to read again is skipped with the reason when it had a result before,
    silently otherwise (its import found no manifest marker in it either)."""
    ids = [i.id for i in list_items(case.conn)] if item_ids is None else list(item_ids)
    done = Rechecked()
    with MetadataProbe() as probe:
        for n, item_id in enumerate(ids, 1):
            if cancelled and cancelled():
                raise Cancelled()
            try:
                result = recheck(case, item_id, probe)
            except InvalidInput as err:
                if provenance_entries(case.conn, item_id) or item_ids is not None:
                    done.skipped[item_id] = str(err)
                result = None
            if result is not None:
                done.results[item_id] = result
            done.checked = n
            if progress:
                progress(n, len(ids))
    return done
