"""Streaming import of files and folders: store, hash, extract metadata, log — one act
per file, so a cancelled or killed import never leaves half an item."""

from __future__ import annotations

import errno
import os
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path

from vault.case.handle import Case
from vault.errors import Cancelled, StorageFull, import_storage_full
from vault.evidence.blobstore import store_stream
from vault.evidence.metadata import Extracted
from vault.evidence.probe import MetadataProbe
from vault.evidence.record import metadata_digests, stored_metadata
from vault.evidence.rows import NewItem, insert_item
from vault.i18n import _
from vault.progress import Cancel, Progress
from vault.provenance import bundle
from vault.provenance.c2pa import MarkerScan
from vault.provenance.check import after_import

# Small files share a commit (its journal and fsyncs cost more than storing 30 KB); a batch
# is committed once it holds this many files or bytes, or is this old. A kill loses at
# most one batch, each of its files whole. A file of LARGE_FILE or more is committed on
# its own, so a big video never waits in a batch, nor makes the small files wait.
BATCH_FILES = 100
BATCH_BYTES = 4 << 20
BATCH_SECONDS = 1.0
LARGE_FILE = 1 << 20
LOOKAHEAD = 8  # files whose metadata the workers may read ahead of storage
# Metadata workers for an import of MANY_FILES or more: with this thread storing and
# signing, two keep both cores busy (the worker's EXIF and thumbnail take about twice
# the CPU of storing and signing a 30 KB photo).
WORKERS = 2
MANY_FILES = 32


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
    """Every regular file named or below a named folder, in a stable order, and what of
    them could not be imported, with the reason: an unreadable folder, and a folder's
    links, FIFOs, sockets and devices are failures, never silently skipped. Links are not
    followed, so a folder cannot pull in files from elsewhere; folders are walked with a
    loop, so any depth works."""
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
        failed += [(e.path, _skipped(e)) for e in entries if _neither(e)]


def _neither(entry: os.DirEntry[str]) -> bool:
    return not (entry.is_file(follow_symlinks=False) or entry.is_dir(follow_symlinks=False))


def _skipped(entry: os.DirEntry[str]) -> str:
    """Why a folder's entry was not imported: said, never silently dropped."""
    if entry.is_symlink():
        return _("a symbolic link, not followed: import what it points to by name")
    return _("not a regular file")


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
    between chunks; `on_file(name)` as each file starts. Stops on a full disk.

    Both cores work at once: metadata workers (two for a card of many files) read the
    next files' EXIF and thumbnails while this thread stores and signs the current one.
    Small files are committed in batches (`Case.batched`): each file is still one act,
    complete or absent after a kill."""
    files, unreadable = collect_files(paths)
    run = _Run(case, files, ImportResult(failed=unreadable), progress)
    workers = WORKERS if len(files) >= MANY_FILES else 1  # a second one costs its start-up
    with ExitStack() as stack:
        probes = [stack.enter_context(MetadataProbe()) for _ in range(workers)]
        threads = [stack.enter_context(ThreadPoolExecutor(1)) for _ in range(workers)]
        stack.enter_context(case.batched())
        ahead = _Lookahead(files, list(zip(probes, threads, strict=True)))
        try:
            run.all(probes[0], ahead, source, cancelled, on_file)
        finally:
            ahead.cancel()
    return run.result


@dataclass
class _Run:
    """One import's progress through its files, and the batch not yet committed."""

    case: Case
    files: list[Path]
    result: ImportResult
    progress: Progress | None
    done: int = 0
    total: int = 0
    one_by_one: bool = False  # after a full disk lost a batch: a commit per file
    batch: list[int] = field(default_factory=list)  # files (by index) not yet committed
    batch_bytes: int = 0
    batch_started: float = 0.0
    marks: tuple[int, int] = (0, 0)  # len(imported), len(failed) when the batch began

    def __post_init__(self) -> None:
        self.total = sum(_size(f) for f in self.files)

    def advance(self, n: int) -> None:
        self.done = min(self.total, self.done + n)  # a file stored again is not counted twice
        if self.progress:
            self.progress(self.done, self.total)

    def all(self, probe: MetadataProbe, ahead: _Lookahead, source: str,
            cancelled: Cancel | None, on_file: Callable[[str], None] | None) -> None:  # fmt: skip
        n = 0
        while n < len(self.files):
            path = self.files[n]
            if cancelled and cancelled():
                self.result.cancelled = True
                return
            large = _size(path) >= LARGE_FILE
            try:
                if large:  # committed on its own: what came before it is committed first
                    self._commit()
                if on_file:
                    on_file(path.name)
                self._one(n, probe, ahead, source, cancelled)
                if large or self._due():
                    self._commit()
            except Cancelled:
                self.result.cancelled = True
                return
            except StorageFull:
                n = self._after_full_disk()
                continue
            n += 1

    def _one(self, n: int, probe: MetadataProbe, ahead: _Lookahead, source: str,
             cancelled: Cancel | None) -> None:  # fmt: skip
        """Import file `n` as one act; it joins the batch once it is done (or failed)."""
        path = self.files[n]
        if not self.batch:
            self.marks = (len(self.result.imported), len(self.result.failed))
            self.batch_started = time.monotonic()
        if not path.is_file():  # a FIFO or device would block or never end
            self.result.failed.append((str(path), _("not a regular file")))
        else:
            try:
                item = import_file(self.case, path, source=source, probe=probe,
                                   metadata=ahead.take(n), on_bytes=self.advance,
                                   cancelled=cancelled)  # fmt: skip
            except OSError as err:
                if err.errno == errno.ENOSPC:
                    raise StorageFull() from err
                self.result.failed.append((str(path), err.strerror or str(err)))
            else:
                self.result.imported.append(item)
                self.batch_bytes += item.size
        self.batch.append(n)

    def _due(self) -> bool:
        return (self.one_by_one or self.batch_bytes >= BATCH_BYTES
                or len(self.batch) >= BATCH_FILES
                or time.monotonic() - self.batch_started >= BATCH_SECONDS)  # fmt: skip

    def _commit(self) -> None:
        self.case.commit()
        self.batch, self.batch_bytes = [], 0

    def _after_full_disk(self) -> int:
        """The disk filled up: keep what the batch finished if it still fits, and stop
        (StorageFull says everything before the file that did not fit is safe). If SQLite
        had to give the batch up, make that true: go back to the batch's first file and go
        on with a commit per file."""
        if self.case.conn.in_transaction:  # only the failing file's act was rolled back
            with suppress(StorageFull):
                self._commit()
        lost, self.batch, self.batch_bytes = self.batch, [], 0
        if not lost or self.one_by_one:
            raise import_storage_full()
        self.one_by_one = True
        del self.result.imported[self.marks[0] :], self.result.failed[self.marks[1] :]
        return lost[0]


class _Lookahead:
    """Metadata of the files ahead, read in the sandboxed workers (each its own helper
    thread and process, files dealt out in turn) while this thread stores earlier files;
    at most LOOKAHEAD results wait, so memory stays bounded."""

    def __init__(self, files: list[Path],
                 workers: list[tuple[MetadataProbe, ThreadPoolExecutor]]) -> None:  # fmt: skip
        self._files, self._workers = files, workers
        self._pending: dict[int, Future[Extracted]] = {}
        self._next = 0

    def _submit(self, n: int) -> Future[Extracted]:
        probe, thread = self._workers[n % len(self._workers)]
        return thread.submit(probe.extract, str(self._files[n]))

    def take(self, n: int) -> Future[Extracted]:
        """File `n`'s metadata (asked for again if it was taken before: a replayed file)."""
        if n < self._next and n not in self._pending:
            return self._submit(n)
        while self._next < min(len(self._files), n + LOOKAHEAD + 1):
            self._pending[self._next] = self._submit(self._next)
            self._next += 1
        return self._pending.pop(n)

    def cancel(self) -> None:
        """Files that will not be imported (cancelled, full disk) are not read."""
        for future in self._pending.values():
            future.cancel()


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
    metadata: Future[Extracted],
    on_bytes: Callable[[int], None] | None = None,
    cancelled: Cancel | None = None,
) -> ImportedItem:
    """Import one file as one act: its bytes, its metadata and its `item.import`.
    `metadata` is `probe.extract(path)` under way in another thread: an image's or a
    video's metadata is read in the probe's process while this thread stores the bytes."""
    name = true_name(path)
    item_id = str(uuid.uuid4())
    with open(path, "rb") as f, case.act("item.import", subject=item_id) as act:
        scan = MarkerScan(f.read)  # C2PA markers, seen as the bytes stream by (DESIGN §9)
        blob = store_stream(act.conn, scan.read, on_bytes, cancelled)
        meta = metadata.result()
        stored = stored_metadata(meta)
        details = {"original_name": name, "size": blob.size, "mime": meta.mime,
                   "source": source, "method": "copy", **metadata_digests(stored)}  # fmt: skip
        entry = act.log(digest=blob.sha256, details=details)
        row = NewItem(item_id, blob, name, meta.mime, entry.at, source, "copy", entry.seq)
        insert_item(act.conn, row, stored)
    warnings = list(meta.warnings)
    if scan.found:
        warnings += after_import(case, probe, item_id, blob.sha256, str(path), meta.mime)
    # A ProofMode zip, recognised by its content: its members become derived items.
    warnings += bundle.after_import(case, probe, item_id, str(path), meta.mime)
    return ImportedItem(item_id, name, blob.sha256, blob.size, not blob.new, warnings)
