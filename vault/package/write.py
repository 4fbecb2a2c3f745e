"""Writing a bag under a temporary name beside the target, sealed by an atomic rename.

A folder gets its files directly; a zip (optionally age-encrypted) is produced as one
forward-only stream, so each original is read twice: once for its CRC and digests (the
zip header needs them first), once to copy it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import os
import secrets
import shutil
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from vault.errors import FileExists
from vault.package.age import encrypting_writer
from vault.package.bagit import declaration, manifest_chunks
from vault.package.filesink import FileSink
from vault.package.ziparchive import ZipStreamWriter
from vault.platform import flush_tree
from vault.private import create_file, make_folder

Chunks = Callable[[], Iterable[bytes]]
ALGORITHMS = ("sha256", "sha512")


def _spans() -> dict[str, slice]:
    """Where each algorithm's digest lies in `_Digester.digests`."""
    spans, start = {}, 0
    for algorithm in ALGORITHMS:
        size = hashlib.new(algorithm).digest_size
        spans[algorithm], start = slice(start, start + size), start + size
    return spans


_SPANS = _spans()


class _Digester:
    def __init__(self, crc: bool = True) -> None:
        self.hashers = [hashlib.new(a) for a in ALGORITHMS]
        self.crc = self.size = 0
        self._crc = crc  # only a zip needs it

    def update(self, chunk: bytes) -> None:
        for h in self.hashers:
            h.update(chunk)
        if self._crc:
            self.crc = zlib.crc32(chunk, self.crc)
        self.size += len(chunk)

    def sha256(self) -> str:
        """The SHA-256 (hex) of what went in so far; more may follow."""
        return self.hashers[0].copy().hexdigest()

    def digests(self) -> bytes:
        """Every algorithm's digest, raw, in the order of ALGORITHMS."""
        return b"".join(h.digest() for h in self.hashers)


class Spool(ABC):
    """Bytes made once, written later: a big export's custody log and case.json are hashed
    as they are made, and written without being made again or held whole (issue 17)."""

    @abstractmethod
    def write(self, data: bytes) -> None: ...

    @abstractmethod
    def close(self) -> str:
        """End it; the SHA-256 (hex) of everything written (`BagWriter.add_spool` may
        append a tail, signed after this digest)."""


class _MemorySpool(Spool):
    """Kept zlib-compressed in memory, for a zip, which reads it twice. Level 1: the log's
    hex digests barely compress, and speed matters more than the last bytes."""

    def __init__(self) -> None:
        self._compressor = zlib.compressobj(1)
        self._parts: list[bytes] = []
        self._digest = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self._digest.update(data)
        if packed := self._compressor.compress(data):
            self._parts.append(packed)

    def close(self) -> str:
        self._parts.append(self._compressor.flush())
        return self._digest.hexdigest()

    def chunks(self) -> Iterator[bytes]:
        """What was written, in pieces (after close)."""
        unpacker = zlib.decompressobj()
        for part in self._parts:
            if data := unpacker.decompress(part):
                yield data
        if rest := unpacker.flush():
            yield rest


class _FileSpool(Spool):
    """Its own file, written at once in a folder package's temporary folder (which holds
    the package in clear anyway), hashed for both manifests as it goes and moved into
    place by `FolderWriter.add_spool`: nothing compressed, nothing copied."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.file = create_file(path)
        self.digester = _Digester(crc=False)

    def write(self, data: bytes) -> None:
        self.digester.update(data)
        self.file.write(data)

    def close(self) -> str:
        self.file.flush()  # a full disk shows now, before the export entry is logged
        return self.digester.sha256()

    def finish(self, tail: bytes) -> None:
        """Append `tail` and close the file (then it is moved into place)."""
        self.write(tail)
        self.file.close()

    def discard(self) -> None:
        """Close the file, whatever could not be written (a failed export, on a full disk)."""
        with contextlib.suppress(OSError):  # its last bytes did not fit; the descriptor is
            self.file.close()  # closed all the same


class BagWriter:
    """Common bookkeeping: digests of every file, the tag files, and sealing."""

    def __init__(self, final: Path) -> None:
        self.final = final
        self.temp = final.with_name(f".{final.name}.partial-{secrets.token_hex(4)}")
        # path -> its digests, raw (`_Digester.digests`): 96 bytes a file, where hex strings
        # in a dict took 470, 9 MB of a 20,000-item export (issue 17).
        self._digests: dict[str, bytes] = {}
        self.sizes: dict[str, int] = {}

    def add(self, path: str, chunks: Chunks) -> str:
        """Write one file; returns its SHA-256 (hex)."""
        return self._record(path, self._store(path, chunks))

    def _record(self, path: str, digester: _Digester) -> str:
        self._digests[path], self.sizes[path] = digester.digests(), digester.size
        return self.digest(path, "sha256")

    def add_bytes(self, path: str, data: bytes) -> str:
        return self.add(path, lambda: [data])

    def paths(self) -> list[str]:
        """Every file written so far, in the order it was added."""
        return list(self._digests)

    def digest(self, path: str, algorithm: str) -> str:
        """The hex digest of a file written, by one of ALGORITHMS."""
        return self._digests[path][_SPANS[algorithm]].hex()

    def spool(self) -> Spool:
        """Where to make a file's bytes before its turn to be written (`add_spool`)."""
        return _MemorySpool()

    def add_spool(self, path: str, spool: Spool, tail: bytes = b"") -> None:
        """Write what `spool` holds (closed), then `tail`, as the file `path`."""
        assert isinstance(spool, _MemorySpool)
        self.add(path, lambda: itertools.chain(spool.chunks(), [tail]))

    def expect_folders(self, folders: Iterable[str]) -> None:
        """Folders the files to come will go in ('data/originals/<id>'): a folder writer
        starts making them now, while the export reads the case (mkdir was the costliest
        system call of a big export); a zip has none."""

    def written(self) -> None:
        """Return once every file added so far is written (raising what failed): before
        the export entry is logged, so that a full disk leaves no entry behind."""

    def payload_sizes(self) -> list[int]:
        return [s for p, s in self.sizes.items() if p.startswith("data/")]

    def seal(self, bag_info: str) -> None:
        """Write the tag files, flush everything to disk and rename into place."""
        payload = [p for p in self._digests if p.startswith("data/")]
        self.add_bytes("bagit.txt", declaration().encode())
        self.add_bytes("bag-info.txt", bag_info.encode("utf-8"))
        for a in ALGORITHMS:
            self.add(f"manifest-{a}.txt", self._manifest(payload, a))
        tags = [p for p in self._digests if not p.startswith("data/")]
        for a in ALGORITHMS:
            self.add(f"tagmanifest-{a}.txt", self._manifest(tags, a))
        self._flush()
        if self.final.exists():
            raise FileExists()
        os.rename(self.temp, self.final)
        _fsync_dir(self.final.parent)

    def _manifest(self, paths: list[str], algorithm: str) -> Chunks:
        """A manifest's bytes, made as they are written (see `manifest_chunks`)."""
        digest = functools.partial(self.digest, algorithm=algorithm)
        return functools.partial(manifest_chunks, paths, digest)

    def _store(self, path: str, chunks: Chunks) -> _Digester:
        raise NotImplementedError

    def _flush(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError


class FolderWriter(BagWriter):
    """Files made on a second thread (vault/package/filesink.py) while this one reads and
    hashes the next; durable all at once (one syncfs) before the rename seals them."""

    def __init__(self, final: Path) -> None:
        super().__init__(final)
        make_folder(self.temp)  # owner only: the package holds evidence in clear
        self._root = os.fspath(self.temp)
        self._made: set[str] = {self._root}  # every folder made under it, by plain path
        self._sink = FileSink()
        self._spools: list[_FileSpool] = []

    def spool(self) -> Spool:
        made = _FileSpool(os.path.join(self._root, f".spool-{len(self._spools)}"))
        self._spools.append(made)
        return made

    def add_spool(self, path: str, spool: Spool, tail: bytes = b"") -> None:
        assert isinstance(spool, _FileSpool)
        spool.finish(tail)
        target = self._local(path)
        self._sink.drain()  # the folders queued so far are made
        for folder in self._new_folders(target.rpartition(os.sep)[0]):
            make_folder(folder)
        os.rename(spool.path, target)
        self._record(path, spool.digester)

    def _store(self, path: str, chunks: Chunks) -> _Digester:
        target = self._local(path)
        folders = self._new_folders(target.rpartition(os.sep)[0])
        opening: str | None = target
        digester = _Digester(crc=False)
        held: bytes | None = None  # one piece behind, so a one-piece file is one write
        for chunk in chunks():
            digester.update(chunk)
            if held is not None:
                self._sink.write(folders, opening, held, False)
                folders, opening = (), None
            held = chunk
        self._sink.write(folders, opening, held or b"", True)
        return digester

    def expect_folders(self, folders: Iterable[str]) -> None:
        made = [self._new_folders(self._local(folder)) for folder in folders]
        self._sink.write(tuple(itertools.chain.from_iterable(made)), None, b"", False)
        self._sink.flush()  # to the thread now, not with the first files

    def _local(self, path: str) -> str:
        """A bag path ('data/originals/<id>/<name>', made safe by model.py) on this disk;
        plain strings, as a big export has tens of thousands."""
        return self._root + os.sep + path.replace("/", os.sep)

    def _new_folders(self, folder: str) -> tuple[str, ...]:
        """The folders to make, outermost first, for a file in `folder` (each made once,
        known without a stat: the temporary folder and all under it are ours)."""
        missing: list[str] = []
        while folder not in self._made and len(folder) > len(self._root):
            missing.append(folder)
            folder = os.path.dirname(folder)
        self._made.update(missing)
        return tuple(reversed(missing))

    def written(self) -> None:
        self._sink.drain()

    def _flush(self) -> None:
        self._sink.finish()
        flush_tree(self.temp)

    def abort(self) -> None:
        self._sink.stop()
        for spool in self._spools:
            spool.discard()  # Windows removes no open file
        shutil.rmtree(self.temp, ignore_errors=True)


class ZipWriter(BagWriter):
    def __init__(self, final: Path, passphrase: str | None, recipients: list[str]) -> None:
        super().__init__(final)
        self.file: BinaryIO = create_file(self.temp)  # closed by seal or abort; owner only
        encrypted = bool(passphrase or recipients)
        self.stream = encrypting_writer(self.file, passphrase, recipients) if encrypted else None
        self.zip = ZipStreamWriter(self.stream or self.file)

    def _store(self, path: str, chunks: Chunks) -> _Digester:
        digester = _Digester()
        for chunk in chunks():
            digester.update(chunk)
        self.zip.add(path, digester.crc, digester.size, iter(chunks()))
        return digester

    def _flush(self) -> None:
        self.zip.close()
        if self.stream:
            self.stream.close()
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()

    def abort(self) -> None:
        try:
            if self.stream:
                self.stream.close()
        except Exception:  # noqa: BLE001 - the export already failed; cleaning up is what matters
            pass
        self.file.close()
        self.temp.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_writer(final: Path, passphrase: str | None, recipients: list[str]) -> BagWriter:
    """A folder writer, or a zip writer for `*.zip` / `*.zip.age`."""
    if final.name.lower().endswith((".zip", ".zip.age")):
        return ZipWriter(final, passphrase, recipients)
    return FolderWriter(final)
