"""Streaming import of files and folders: store, hash, extract metadata, log — one
transaction per file, so a cancelled or killed import never leaves half an item."""

from __future__ import annotations

import errno
import os
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from vault.case.handle import Case
from vault.errors import Cancelled, StorageFull
from vault.evidence.blobstore import store_stream
from vault.evidence.metadata import needs_worker, quick_look
from vault.evidence.probe import MetadataProbe
from vault.evidence.record import metadata_digests, stored_metadata
from vault.i18n import _
from vault.progress import Cancel, Progress
from vault.provenance import bundle
from vault.provenance.c2pa import MarkerScan
from vault.provenance.check import after_import


@dataclass(frozen=True)
class ImportedItem:
    id: str
    original_name: str
    sha256: str
    size: int
    duplicate: bool  # the same content was already in the case (stored once, logged again)
    warnings: list[str]


@dataclass
class ImportResult:
    """What an import did; `failed` lists files that could not be read, with the reason."""

    imported: list[ImportedItem] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False

    @property
    def duplicates(self) -> int:
        return sum(1 for item in self.imported if item.duplicate)

    @property
    def warnings(self) -> list[tuple[str, str]]:
        return [(i.original_name, w) for i in self.imported for w in i.warnings]


def collect_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Every regular file named or below a named folder, in a stable order, and every
    folder that could not be read (with the reason): an unreadable folder is a failure,
    never silently skipped. Links are not followed, so a folder cannot pull in files from
    elsewhere; folders are walked with a loop, so any depth works."""
    found: list[Path] = []
    failed: list[tuple[str, str]] = []
    for path in map(Path, paths):
        if path.is_dir() and not path.is_symlink():
            _walk(path, found, failed)
        else:
            found.append(path)
    return found, failed


def _walk(top: Path, found: list[Path], failed: list[tuple[str, str]]) -> None:
    pending = [top]  # a stack: each folder's files, then its subfolders in name order
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as err:
            failed.append((str(folder), _("folder not readable: {e}").format(e=err.strerror)))
            continue
        found += [Path(e.path) for e in entries if e.is_file(follow_symlinks=False)]
        subfolders = [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False)]
        pending += reversed(subfolders)


def import_paths(
    case: Case,
    paths: Iterable[Path | str],
    *,
    source: str = "",
    progress: Progress | None = None,
    cancelled: Cancel | None = None,
    on_file: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import files and folders. `progress(done_bytes, total_bytes)`; `cancelled()` polled
    between chunks; `on_file(name)` as each file starts. Stops on a full disk."""
    files, unreadable = collect_files(paths)
    total = sum(_size(f) for f in files)
    done = 0
    result = ImportResult(failed=unreadable)

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    with MetadataProbe() as probe, ThreadPoolExecutor(1) as metadata_thread:
        for path in files:
            if cancelled and cancelled():
                result.cancelled = True
                break
            if on_file:
                on_file(path.name)
            if not path.is_file():  # a FIFO or device would block or never end
                result.failed.append((str(path), _("not a regular file")))
                continue
            try:
                result.imported.append(
                    import_file(
                        case,
                        path,
                        source=source,
                        probe=probe,
                        metadata_thread=metadata_thread,
                        on_bytes=advance,
                        cancelled=cancelled,
                    )
                )
            except Cancelled:
                result.cancelled = True
                break
            except OSError as err:
                if err.errno == errno.ENOSPC:
                    raise StorageFull() from err
                result.failed.append((str(path), err.strerror or str(err)))
    return result


def true_name(path: Path) -> str:
    """The file's name as text; bytes that are not UTF-8 are kept visible as \\xNN escapes."""
    return os.fsencode(path.name).decode("utf-8", "backslashreplace")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def import_file(
    case: Case,
    path: Path,
    *,
    source: str,
    probe: MetadataProbe,
    metadata_thread: ThreadPoolExecutor,
    on_bytes: Callable[[int], None] | None = None,
    cancelled: Cancel | None = None,
) -> ImportedItem:
    """Import one file in one transaction: its bytes, its metadata and its `item.import`."""
    name = true_name(path)
    glance = quick_look(str(path))
    # An image's or a video's metadata is read in the probe's process while this thread
    # stores the bytes; for anything else the first bytes said all there is to say.
    parse = needs_worker(glance.mime)
    extracted = metadata_thread.submit(probe.extract, str(path)) if parse else None
    item_id = str(uuid.uuid4())
    with open(path, "rb") as f, case.act("item.import", subject=item_id) as act:
        scan = MarkerScan(f.read)  # C2PA markers, seen as the bytes stream by (DESIGN §9)
        blob = store_stream(act.conn, scan.read, on_bytes, cancelled)
        meta = extracted.result() if extracted else glance
        stored = stored_metadata(meta)
        details = {"original_name": name, "size": blob.size, "mime": meta.mime,
                   "source": source, "method": "copy", **metadata_digests(stored)}  # fmt: skip
        entry = act.log(digest=blob.sha256, details=details)
        act.conn.execute(
            "INSERT INTO items (id, blob_id, sha256, original_name, size, mime, imported_at,"
            " source, method, metadata, tags, warnings, thumbnail, entered_seq)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (item_id, blob.id, blob.sha256, name, blob.size, meta.mime,
             entry.at, source, "copy", stored["metadata"], stored["tags"],
             stored["warnings"], stored["thumbnail"], entry.seq),
        )  # fmt: skip
    warnings = list(meta.warnings)
    if scan.found:
        warnings += after_import(case, probe, item_id, blob.sha256, str(path), meta.mime)
    # A ProofMode zip, recognised by its content: its members become derived items.
    warnings += bundle.after_import(case, probe, item_id, str(path), meta.mime)
    return ImportedItem(item_id, name, blob.sha256, blob.size, not blob.new, warnings)
