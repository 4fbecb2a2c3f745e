"""A custody chain held as its log's bytes and compact indexes (issue 17): a package's.

A big package's log is mostly `item.import` entries: 20,000 of them parsed cost about
3 KB each, held through every check. Here each disclosed `item.import` is parsed once, as
it streams past the chain's verification, and only what later checks read of it is kept:
where its line stands (8 bytes), its entry hash (32 bytes), and per item the index of the
first entry that brought it in and the name its import signed. Every other entry (the
creation, identities, notes, descriptions, exports, imports of packages, anchors, withheld
entries) is few and kept whole. An entry not kept is parsed again from its line when it is
asked for, so the chain reads exactly as the list of its entries would.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import overload

from vault.custody.entry import Entry, entered_digests, parse_line
from vault.text import line_spans, utf8_line

BULK = "item.import"  # the one action a big log holds thousands of
_HEX32 = re.compile(r"[0-9a-f]{64}")


class LoggedChain(Sequence[Entry]):
    """The entries of one `custody.jsonl`, read with `reading()` (once, strictly, as
    `parse_jsonl` does); afterwards a sequence of them, most parsed again on demand."""

    def __init__(self, log: bytes = b"") -> None:
        self.log = log
        self._starts = array("Q")  # where each entry's line starts in `log`
        self._hashes = bytearray()  # each entry's entry_hash, 32 bytes apiece
        self._kept: dict[int, Entry] = {}  # index -> every entry but a disclosed item.import
        self._entered: dict[str, int] = {}  # item id -> index of the first entry bringing it
        self.imported_names: set[tuple[str, str]] = set()  # (item id, name) of bulk imports
        self.regular = True  # every entry's seq is its index: entry `seq` is self[seq]

    def reading(self) -> Iterator[Entry]:
        """Parse the log line by line, indexing each entry, and yield it (to verify it);
        raises InvalidInput as `parse_jsonl` does. Call once, on a new chain."""
        for n, (start, end) in enumerate(line_spans(self.log), start=1):
            entry = parse_line(utf8_line(self.log, start, end), n)
            if entry is not None:
                self._index(entry, start)
                yield entry

    def _index(self, entry: Entry, start: int) -> None:
        at = len(self._starts)
        self._starts.append(start)
        self.regular = self.regular and entry.seq == at
        self._hashes += entry.entry_hash
        for item_id in entered_digests(entry):
            self._entered.setdefault(item_id, at)
        if not _bulk(entry):
            self._kept[at] = entry
        elif isinstance(entry.subject, str) and isinstance(
            name := entry.details.get("original_name"), str
        ):
            self.imported_names.add((entry.subject, name))

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Entry]: ...
    def __getitem__(self, index: int | slice) -> Entry | Sequence[Entry]:
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        kept = self._kept.get(index)
        return kept if kept is not None else self._parse(index)

    def _parse(self, index: int) -> Entry:
        start = self._starts[index]
        end = self.log.find(b"\n", start)
        line = utf8_line(self.log, start, len(self.log) if end < 0 else end)
        entry = parse_line(line, index + 1)  # it parsed when the chain was read: no error
        assert entry is not None
        return entry

    def __iter__(self) -> Iterator[Entry]:
        return (self[n] for n in range(len(self)))

    def notable(self) -> Iterator[Entry]:
        """Every entry but the disclosed item.imports, in order: what a check that looks
        for any other action needs to read."""
        return iter(self._kept.values())

    def entered_at(self) -> dict[str, int]:
        """item id -> index of the first entry that brought it in (see entered_digests)."""
        return self._entered

    def hashes(self) -> Iterator[bytes]:
        """Every entry's entry_hash, in order."""
        return (bytes(self._hashes[n : n + 32]) for n in range(0, len(self._hashes), 32))

    def last_index_of(self, entry_hash: str) -> int | None:
        """Index of the last entry whose entry_hash is `entry_hash` (lowercase hex), or None."""
        if not _HEX32.fullmatch(entry_hash):
            return None
        wanted, end = bytes.fromhex(entry_hash), len(self._hashes)
        while (found := self._hashes.rfind(wanted, 0, end)) >= 0:
            if found % 32 == 0:
                return found // 32
            end = found + 31  # a match straddling two hashes: look further back
        return None


def by_seq(entries: Sequence[Entry]) -> Callable[[int], Entry | None]:
    """seq -> the last entry with that seq, found without parsing a regular logged chain."""
    if isinstance(entries, LoggedChain) and entries.regular:
        return lambda seq: entries[seq] if 0 <= seq < len(entries) else None
    return {e.seq: e for e in entries}.get


def first_with_seq(entries: Sequence[Entry], seq: int) -> Entry | None:
    """The first entry with `seq`, found without parsing a regular logged chain."""
    if isinstance(entries, LoggedChain) and entries.regular:
        return entries[seq] if 0 <= seq < len(entries) else None
    return next((e for e in entries if e.seq == seq), None)


def _bulk(entry: Entry) -> bool:
    return entry.content is not None and entry.action == BULK


def notable(chain: Iterable[Entry]) -> Iterable[Entry]:
    """The entries of `chain` a check for anything but item.import must read: a logged
    chain's notable ones, any other chain's every entry."""
    return chain.notable() if isinstance(chain, LoggedChain) else chain


def entry_hashes(chain: Iterable[Entry]) -> Iterable[bytes]:
    """Every entry_hash of `chain`, in order, without parsing a logged chain again."""
    return chain.hashes() if isinstance(chain, LoggedChain) else (e.entry_hash for e in chain)
