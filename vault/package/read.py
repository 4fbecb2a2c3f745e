"""Reading a package once, front to back: a folder, a `.zip` or a `.zip.age`.

Every file is hashed as it streams past; only the small files the checks need (tag files,
case.json, the logs, keys) are kept in memory, within a budget. A `.zip.age` is decrypted on
the fly: no plaintext of it ever reaches the disk. Memory stays bounded whatever the package
holds: the kept bytes, the number of files and the length of their names all have limits,
and a package beyond them is refused with the reason.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from vault.errors import Cancelled, InvalidInput
from vault.i18n import _
from vault.package.age import decrypting_reader
from vault.package.ziparchive import BadArchive
from vault.package.zipreader import read_members
from vault.progress import Cancel, Progress

Member = tuple[str, int | None, Callable[[int], bytes]]  # size None: known once read
ORIGINALS = "data/originals/"
# A tag file, case.json or log bigger than this is not kept in memory (nor checked: the
# verifier says so): the log of a 100,000-item case is about 100 MiB, its case.json 56 MiB
# and its manifests 45 MiB.
KEEP_LIMIT = 128 << 20
KEEP_TOTAL = 256 << 20  # all kept files together
# More files than this is refused: each costs memory to check (a 100,000-item case's
# package holds a few more than 100,000).
MAX_FILES = 250_000
MAX_NAMES = 32 << 20  # bytes of file names, all together
READ_SIZE = 1 << 20
DEFAULT_ALGORITHMS = ("sha256", "sha512")


@dataclass(slots=True, init=False)  # one per file: a package may hold 100,000
class ScannedFile:
    """A file's size and digests, and the bytes of the small files the checks read (see
    _kept), kept compressed: a big package's log, case.json and manifests are tens of
    megabytes of JSON and hex that compress several to one (issue 17). Reading `data`
    inflates a fresh copy: read it once, where it is needed."""

    size: int
    digests: dict[str, str]
    packed: bytes | None

    def __init__(
        self, size: int, digests: dict[str, str], data: bytes | None, packed: bytes | None = None
    ) -> None:
        self.size, self.digests, self.packed = size, digests, packed
        if data is not None:
            self.data = data

    @property
    def data(self) -> bytes | None:
        return None if self.packed is None else zlib.decompress(self.packed)

    @data.setter
    def data(self, value: bytes | None) -> None:
        self.packed = None if value is None else zlib.compress(value, 1)

    def pieces(self) -> Iterator[bytes]:
        """The kept bytes inflated a piece at a time (none when the file is not kept)."""
        if self.packed is None:
            return
        inflater = zlib.decompressobj()
        for at in range(0, len(self.packed), READ_SIZE // 4):
            yield inflater.decompress(self.packed[at : at + READ_SIZE // 4])
        yield inflater.flush()


@dataclass
class ScannedBag:
    """Every file of a package with its digests; `problems` are refusals found on the way."""

    files: dict[str, ScannedFile] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    encrypted: bool = False
    unreadable: bool = False  # the archive itself was refused (damaged or hostile)
    # A file the checks read that was not kept, and why: "size" (beyond KEEP_LIMIT),
    # "total" (beyond KEEP_TOTAL with those before it) or "grew" (while it was read).
    unkept: dict[str, str] = field(default_factory=dict)


def package_kind(path: Path) -> str:
    """'folder', 'zip' or 'age', from what the path is and how it is named."""
    if path.is_dir():
        return "folder"
    name = path.name.lower()
    return "age" if name.endswith(".age") else "zip"


class PackageSource:
    """A package opened once. An archive's file stays open across every pass over it, so a
    file put in its place between verifying and importing is never read; a folder's files
    are opened as they are read, so whoever imports re-checks each digest it stores."""

    def __init__(self, path: Path, secret: str | None, raw: BinaryIO | None) -> None:
        self.path, self.kind, self._secret, self._raw = path, package_kind(path), secret, raw

    @contextmanager
    def members(self) -> Iterator[Iterator[Member]]:
        """The package's files as (name relative to the bag, size, read) in stream order;
        each call reads the package again from its start."""
        if self._raw is None:
            yield _folder_members(self.path)
            return
        self._raw.seek(0)
        stream = self._raw
        if self.kind == "age":
            if not self._secret:
                raise InvalidInput(_("This package is encrypted: give its passphrase."))
            stream = decrypting_reader(self._raw, self._secret)
        yield _strip_top_folder(read_members(stream))


@contextmanager
def open_package(path: Path | str, secret: str | None = None) -> Iterator[PackageSource]:
    """Open a package for one or more passes; an archive's file is opened here, once."""
    path = Path(path)
    if not path.exists():
        raise InvalidInput(_("There is no package at {path}.").format(path=path))
    if package_kind(path) == "folder":
        yield PackageSource(path, secret, None)
        return
    with open(path, "rb") as raw:
        yield PackageSource(path, secret, raw)


def _folder_members(root: Path) -> Iterator[Member]:
    # Names, not Path objects: a Path costs a kilobyte or more (each of its parts a string),
    # and a big package holds tens of thousands of files (issue 17).
    prefix = os.path.join(str(root), "")
    names = [path[len(prefix) :].replace(os.sep, "/") for path in _walk(root, MAX_FILES + 1)]
    names.sort(key=_path_order)
    for rel in names:
        path = prefix + rel
        mode = os.lstat(path).st_mode
        if not stat.S_ISREG(mode):
            raise BadArchive(
                _("The package holds a link or special file: {name!r}").format(name=rel)
            )
        with open(path, "rb") as f:
            yield rel, os.fstat(f.fileno()).st_size, f.read


def _path_order(rel: str) -> str:
    """Sort key placing names as sorting their Paths does: part by part (a separator sorts
    before any character), with case folded where the file system folds it."""
    return os.path.normcase(rel).replace(os.sep, "\0").replace("/", "\0")


def _walk(root: Path, limit: int | None = None) -> Iterator[str]:
    """Every non-folder below `root`, at most `limit` of them. A loop, not recursion: a
    hostile package may nest folders thousands deep."""
    pending, found = [str(root)], 0
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                    continue
                found += 1
                if limit is not None and found > limit:
                    return
                yield entry.path


def _strip_top_folder(members: Iterator[Member]) -> Iterator[Member]:
    """A zip may hold the bag at its root or inside one folder; names are made bag-relative."""
    prefix: str | None = None
    for name, size, read in members:
        if prefix is None:
            top = name.split("/", 1)[0] + "/"
            prefix = "" if "/" not in name or name.startswith("data/") else top
        if not name.startswith(prefix):
            raise BadArchive(_("The archive holds files outside the package folder."))
        yield name[len(prefix) :], size, read


def algorithms_for(path: Path) -> tuple[str, ...]:
    """Which digests to compute: a folder's own manifests say; a stream gets ours."""
    if package_kind(path) != "folder":
        return DEFAULT_ALGORITHMS
    names = {p.name.split("-", 1)[1][:-4] for p in Path(path).glob("*manifest-*.txt")}
    return tuple(sorted((names & hashlib.algorithms_available) | set(DEFAULT_ALGORITHMS)))


def _kept(name: str) -> bool:
    """The files the checks read: tag files, case.json, the logs, the keys and the
    time-stamp anchors, earlier holders' included (vault.package.anchors)."""
    if "/" not in name:
        return True
    if name in ("data/case.json", "data/custody.jsonl"):
        return True
    folder, _sep, base = name.rpartition("/")
    if folder.startswith("data/anchors/") and base.endswith(".tsr"):
        return True  # an earlier holder's token: data/anchors/<case id>/<seq>.tsr
    return (folder, base.rpartition(".")[2]) in (
        ("data/lineage", "jsonl"), ("data/keys", "pem"),
        ("data/anchors", "tsr"), ("data/anchors/tsa", "pem"),
    )  # fmt: skip


def _check_limits(bag: ScannedBag, names: int) -> None:
    if len(bag.files) >= MAX_FILES:
        raise BadArchive(
            _("The package holds more than {n} files: too many to check.").format(n=MAX_FILES)
        )
    if names > MAX_NAMES:
        raise BadArchive(_("The package's file names are too long, together, to check."))


def scan(
    members: Iterator[Member],
    algorithms: tuple[str, ...] = DEFAULT_ALGORITHMS,
    total: int = 0,
    progress: Progress | None = None,
    cancelled: Cancel | None = None,
) -> ScannedBag:
    """Hash every member with every algorithm; keep the small non-original files."""
    bag, done, names, kept_total = ScannedBag(), 0, 0, 0
    with ThreadPoolExecutor(len(algorithms)) as pool:
        for name, size, read in members:
            names += len(name)
            _check_limits(bag, names)
            if name in bag.files:
                bag.problems.append(_("{name} appears twice in the archive").format(name=name))
            wanted = _kept(name)
            # A size the archive gives only after the bytes is held to the limits as read.
            bound = min(KEEP_LIMIT, KEEP_TOTAL - kept_total) if size is None else size
            fits = bound <= KEEP_LIMIT and kept_total + bound <= KEEP_TOTAL
            keep = wanted and fits
            hashers = [hashlib.new(a) for a in algorithms]
            packer, packed, taken = zlib.compressobj(1), [], 0
            while chunk := read(READ_SIZE):
                if cancelled and cancelled():
                    raise Cancelled()
                # hashlib releases the GIL on large buffers: the digests run side by side.
                list(pool.map(lambda h, c=chunk: h.update(c), hashers))
                taken += len(chunk)
                if keep:  # compressed as it streams by: never held whole, nor copied
                    packed.append(packer.compress(chunk))
                    keep = taken <= bound  # a folder's file may grow while it is read
                done += len(chunk)
                if progress:
                    progress(done, max(total, done))
            digests = {a: h.hexdigest() for a, h in zip(algorithms, hashers, strict=True)}
            kept = b"".join([*packed, packer.flush()]) if keep else None
            kept_total += taken if keep else 0
            bag.files[name] = ScannedFile(taken if size is None else size, digests, None, kept)
            if wanted and not keep:
                bag.unkept[name] = _why_unkept(size, taken, fits)
    return bag


def _why_unkept(size: int | None, taken: int, fits: bool) -> str:
    """ "size" (beyond KEEP_LIMIT), "total" (the kept files together) or "grew"."""
    if size is None:
        return "size" if taken > KEEP_LIMIT else "total"
    return "grew" if fits else "size" if size > KEEP_LIMIT else "total"


def package_size(path: Path) -> int:
    """Bytes to read, for progress: the folder's files or the archive itself."""
    path = Path(path)
    if path.is_dir():
        return sum(os.stat(p).st_size for p in _walk(path) if os.path.isfile(p))
    return path.stat().st_size


def read_package(
    package: Path | PackageSource,
    secret: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancel | None = None,
) -> ScannedBag:
    """Scan a package (a path, or a source already open, read again from its start);
    damage or hostility in the container becomes a problem."""
    if isinstance(package, PackageSource):
        return _read_source(package, progress, cancelled)
    with open_package(package, secret) as source:
        return _read_source(source, progress, cancelled)


def _read_source(
    source: PackageSource, progress: Progress | None, cancelled: Cancel | None
) -> ScannedBag:
    path = source.path
    bag = ScannedBag()
    try:
        with source.members() as members:
            bag = scan(members, algorithms_for(path), package_size(path), progress, cancelled)
    except BadArchive as err:
        bag.problems.append(str(err))
        bag.unreadable = True
    except UnicodeDecodeError:
        bag.problems.append(_("The archive holds a file name that is not readable text."))
        bag.unreadable = True
    bag.encrypted = package_kind(path) == "age"
    return bag
