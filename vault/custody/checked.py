"""A chain's entries held as their seqs and the SHA-256 of their stored text, and read again
from the case when asked (issue 17: a report of a 20,000-item case held every parsed entry
of its log and of its kept sender chains, about 2.5 KB apiece, from start to end).

An entry read again must be the very text first read (and verified): if it is not, the
case file changed under the reader, and the reader stops rather than show it."""

from __future__ import annotations

import bisect
import hashlib
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator

from vault.custody.entry import Entry
from vault.errors import VaultError
from vault.i18n import _

# (a condition on `seq` for a WHERE clause, "" for every entry; its parameters) -> the
# chain's entries that meet it, in seq order, each with its stored text
Rows = Callable[[str, tuple[object, ...]], Iterable[tuple[Entry, str | bytes]]]

_BATCH = 500  # seqs per query: well under SQLite's limit on parameters


class CheckedLog:
    """One chain's entries, noted as first read (`keep`), read again when asked."""

    def __init__(self, rows: Rows) -> None:
        self._rows = rows
        self._seqs = array("q")  # ascending: the chain is noted in seq order
        self._digests = bytearray()  # 32 bytes an entry, in the same order

    def keep(self, entry: Entry, text: str | bytes) -> None:
        """Note an entry as it is first read (in seq order) with its stored text."""
        if self._seqs and entry.seq <= self._seqs[-1]:
            raise ValueError("a chain is noted in seq order")
        self._seqs.append(entry.seq)
        self._digests += _digest(text)

    def noting(self, rows: Iterable[tuple[Entry, str | bytes]]) -> Iterator[Entry]:
        """Each entry of `rows` (the chain's first reading), noted as it goes by."""
        for entry, text in rows:
            self.keep(entry, text)
            yield entry

    def cut(self, length: int) -> None:
        """Forget every entry after the first `length` noted (those nothing vouches for)."""
        del self._seqs[length:]
        del self._digests[32 * length :]

    def __len__(self) -> int:
        return len(self._seqs)

    def __iter__(self) -> Iterator[Entry]:
        """Every noted entry in order, read again a batch at a time."""
        for start in range(0, len(self._seqs), _BATCH):
            found = self.entries(self._seqs[start : start + _BATCH])
            yield from (found[seq] for seq in self._seqs[start : start + _BATCH])

    def entry(self, seq: int) -> Entry | None:
        """The noted entry `seq`, read again; None when none was noted."""
        return self.entries([seq]).get(seq)

    def entries(self, seqs: Collection[int]) -> dict[int, Entry]:
        """seq -> the noted entries among `seqs`, read again and checked."""
        wanted = sorted({seq for seq in seqs if self._at(seq) is not None})
        found: dict[int, Entry] = {}
        for start in range(0, len(wanted), _BATCH):
            batch = tuple(wanted[start : start + _BATCH])
            marks = ",".join("?" * len(batch))
            for entry, text in self._rows(f"seq IN ({marks})", batch):
                self._check(entry, text)
                found[entry.seq] = entry
        if len(found) != len(wanted):
            raise _changed()
        return found

    def _at(self, seq: int) -> int | None:
        at = bisect.bisect_left(self._seqs, seq)
        return at if at < len(self._seqs) and self._seqs[at] == seq else None

    def _check(self, entry: Entry, text: str | bytes) -> None:
        at = self._at(entry.seq)
        if at is None or self._digests[32 * at : 32 * at + 32] != _digest(text):
            raise _changed()


def _digest(text: str | bytes) -> bytes:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).digest()


def _changed() -> VaultError:
    return VaultError(_(
        "The case file's custody log changed while it was being read; close the case, "
        "open it again and verify it."
    ))  # fmt: skip
