"""A chain's entries held as their places (seqs) and the SHA-256 of their stored text,
and read again from the case when asked (issue 17: a report of a 20,000-item case held
every parsed entry of its log and of its kept sender chains, about 2.5 KB apiece, from
start to end).

An entry read again must be the very text first read: if it is not, the case file changed
under the reader, and the reader stops rather than show it. (A report verifies the case
just before it reads the chains for its custody, and the case is locked while open.)"""

from __future__ import annotations

import bisect
import hashlib
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator

from vault.custody.entry import Entry
from vault.errors import VaultError
from vault.i18n import _

# (a condition on the rows' `seq` column for a WHERE clause, "" for every row; its
# parameters) -> the chain's rows that meet it in that column's order, each as that column
# (the entry's place: for a kept chain it need not be the seq its line claims), the entry
# and its stored text
Rows = Callable[[str, tuple[object, ...]], Iterable[tuple[int, Entry, str | bytes]]]

_BATCH = 500  # seqs per query: well under SQLite's limit on parameters


class CheckedLog:
    """One chain's entries, noted as first read (`noting`), read again when asked."""

    def __init__(self, rows: Rows) -> None:
        self._rows = rows
        self._seqs = array("q")  # ascending: the chain is noted in seq order
        self._digests = bytearray()  # 32 bytes an entry, in the same order

    def noting(self, rows: Iterable[tuple[int, Entry, str | bytes]]) -> Iterator[tuple[int, Entry]]:
        """Each row of `rows` (the chain's first reading, in order) as its place and entry,
        noted as it goes by."""
        for place, entry, text in rows:
            self.note(place, text)
            yield place, entry

    def note(self, place: int, text: str | bytes) -> None:
        """Note the next entry of the chain's first reading: its place and stored text."""
        self._seqs.append(place)  # ascending: the rows' primary key, in its order
        self._digests += _digest(text)

    def noted(self, place: int) -> bool:
        """Whether an entry at `place` is noted."""
        return self._at(place) is not None

    def place(self, n: int) -> int:
        """The place of the `n`th entry noted."""
        return self._seqs[n]

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

    def entry(self, place: int) -> Entry | None:
        """The entry noted at `place`, read again; None when none was noted."""
        return self.entries([place]).get(place)

    def entries(self, places: Collection[int]) -> dict[int, Entry]:
        """place -> the noted entries among `places`, read again and checked."""
        wanted = sorted({place for place in places if self._at(place) is not None})
        found: dict[int, Entry] = {}
        for start in range(0, len(wanted), _BATCH):
            batch = tuple(wanted[start : start + _BATCH])
            marks = ",".join("?" * len(batch))
            for place, entry, text in self._rows(f"seq IN ({marks})", batch):
                self._check(place, text)
                found[place] = entry
        if len(found) != len(wanted):
            raise _changed()
        return found

    def _at(self, seq: int) -> int | None:
        at = bisect.bisect_left(self._seqs, seq)
        return at if at < len(self._seqs) and self._seqs[at] == seq else None

    def _check(self, place: int, text: str | bytes) -> None:
        at = self._at(place)
        if at is None or self._digests[32 * at : 32 * at + 32] != _digest(text):
            raise _changed()


def _digest(text: str | bytes) -> bytes:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).digest()


def _changed() -> VaultError:
    return VaultError(_(
        "The case file's custody log changed while it was being read; close the case, "
        "open it again and verify it."
    ))  # fmt: skip
