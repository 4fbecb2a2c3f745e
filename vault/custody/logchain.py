"""A custody chain held as its log's bytes and compact indexes (issue 17): a package's,
or a case's kept sender chain as its rows stream from the case file.

A big package's log is mostly `item.import` entries: 20,000 of them parsed cost about
3 KB each, held through every check. Here each disclosed `item.import` is parsed once, as
it streams past the chain's verification, and only what later checks read of it is kept:
where its line stands (8 bytes), its entry hash (32 bytes), and per item the index of the
first entry that brought it in and the name its import signed. Every other entry (the
creation, identities, notes, descriptions, exports, imports of packages, anchors, withheld
entries) is few and kept whole. An entry not kept is parsed again from its line when it is
asked for, so the chain reads exactly as the list of its entries would. Once read, the
log's bytes are kept compressed, in blocks (a log of JSON and hex compresses about four to
one): a line asked for inflates the one or two blocks it stands in.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import overload

from vault.custody.entry import Entry, entered_digests, parse_line
from vault.text import utf8_line

BULK = "item.import"  # the one action a big log holds thousands of
BLOCK = 1 << 18  # bytes of log compressed together: what is inflated to read one line
_HEX32 = re.compile(r"[0-9a-f]{64}")


class LoggedChain(Sequence[Entry]):
    """The entries of one `custody.jsonl`, read with `reading()` (once, strictly, as
    `parse_jsonl` does); afterwards a sequence of them, most parsed again on demand."""

    def __init__(
        self, log: bytes | Iterable[bytes] = b"", unheld: frozenset[str] = frozenset({BULK})
    ) -> None:
        # The log's bytes, whole or in pieces (inflated as they are read): never held whole
        # here, only as compressed blocks.
        self._source: Iterable[bytes] | None = [log] if isinstance(log, bytes) else log
        self._blocks: list[bytes] = []
        self._pending = bytearray()  # read, not yet compressed into a block
        self._read = 0  # bytes read so far
        self._inflated: tuple[int, bytes] = (-1, b"")  # the block inflated last
        self._starts = array("Q")  # where each entry's line starts and ends in the log
        self._ends = array("Q")
        self._hashes = bytearray()  # each entry's entry_hash, 32 bytes apiece
        self._kept: dict[int, Entry] = {}  # index -> every entry but a disclosed `unheld` one
        self._unheld = unheld  # actions parsed again when asked (a reader that needs none)
        self._entered: dict[str, int] = {}  # item id -> index of the first entry bringing it
        self._imported = bytearray()  # each entry's: the digest a bulk import records, or 0s
        self.imported_names: set[tuple[str, str]] = set()  # (item id, name) of bulk imports
        self.regular = True  # every entry's seq is its index: entry `seq` is self[seq]
        self.tail: tuple[bool, str, bytes] = (False, "", b"")  # see reading()

    def reading(self) -> Iterator[Entry]:
        """Parse the log line by line, indexing each entry, and yield it (to verify it);
        raises InvalidInput as `parse_jsonl` does. Call once, on a new chain. Once read,
        `tail` is (whether the log ends with a line break, the SHA-256 of the bytes before
        its last line, that line's bytes): what an export entry signs of its log."""
        source, self._source = self._source, None
        assert source is not None, "a chain is read once"
        before, last, ends_with_break = hashlib.sha256(), None, False
        for n, (start, end, raw) in enumerate(_lines(self._packing(source)), start=1):
            if last is not None:
                before.update(last + b"\n")
            last, ends_with_break = raw, end < self._read
            entry = parse_line(raw.decode("utf-8", "replace").removesuffix("\r"), n)
            if entry is not None:
                self._index(entry, start, end)
                yield entry
        self._pack(final=True)
        if ends_with_break and last is not None:
            self.tail = (True, before.hexdigest(), last)

    def _packing(self, source: Iterable[bytes]) -> Iterator[bytes]:
        """The log's pieces as they are read, each also kept, compressed in blocks."""
        self._read = 0
        for piece in source:
            self._read += len(piece)
            self._pending += piece
            self._pack()
            yield piece

    def _pack(self, final: bool = False) -> None:
        while len(self._pending) >= BLOCK or (final and self._pending):
            self._blocks.append(zlib.compress(self._pending[:BLOCK], 1))
            del self._pending[:BLOCK]

    def _index(self, entry: Entry, start: int, end: int) -> None:
        at = len(self._starts)
        self._starts.append(start)
        self._ends.append(end)
        self.regular = self.regular and entry.seq == at
        self._hashes += entry.entry_hash
        for item_id in entered_digests(entry):
            self._entered.setdefault(item_id, at)
        recorded = entered_digests(entry).get(entry.subject or "") if _bulk(entry) else None
        known = isinstance(recorded, str) and _HEX32.fullmatch(recorded)
        self._imported += bytes.fromhex(recorded) if known else bytes(32)  # type: ignore[arg-type]
        if entry.content is None or entry.action not in self._unheld:
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
        entry = parse_line(self.line(index), index + 1)  # it parsed when read: no error
        assert entry is not None
        return entry

    def line(self, index: int) -> str:
        """The text of entry `index`'s line, verbatim (as `utf8_lines` reads it)."""
        data = self._span(self._starts[index], self._ends[index])
        return utf8_line(data, 0, len(data))

    def lines(self) -> Iterator[str]:
        """Every entry's line, verbatim, in order: the log as it is kept (blank lines,
        which hold no entry, left out)."""
        return (self.line(n) for n in range(len(self)))

    def _span(self, start: int, end: int) -> bytes:
        return b"".join(
            self._block(n)[max(start - n * BLOCK, 0) : end - n * BLOCK]
            for n in range(start // BLOCK, max(end - 1, start) // BLOCK + 1)
        )

    def _block(self, n: int) -> bytes:
        if self._inflated[0] != n:
            self._inflated = (n, zlib.decompress(self._blocks[n]))
        return self._inflated[1]

    def __iter__(self) -> Iterator[Entry]:
        return (self[n] for n in range(len(self)))

    def notable(self, end: int | None = None) -> Iterator[Entry]:
        """Every entry but the disclosed item.imports (and other `unheld` actions), in
        order: what a check that looks for any other action needs to read; with `end`,
        those before index `end`."""
        return (entry for n, entry in self._kept.items() if end is None or n < end)

    def entered_at(self) -> dict[str, int]:
        """item id -> index of the first entry that brought it in (see entered_digests)."""
        return self._entered

    def imported(self, index: int, item_id: str) -> str | None:
        """The SHA-256 (hex) that the disclosed item.import at `index`, the first entry to
        bring `item_id` in, records: read from the index, so tracing thousands of items
        parses none of them again. None when that entry is not one (read the entry)."""
        if self._entered.get(item_id) != index:
            return None
        digest = bytes(self._imported[32 * index : 32 * index + 32])
        return digest.hex() if any(digest) else None

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


def _lines(pieces: Iterable[bytes]) -> Iterator[tuple[int, int, bytes]]:
    """(start, end, bytes) of each line of the bytes `pieces` make, split as `line_spans`
    splits them (at LF; a final LF ends the last line), without joining the pieces."""
    rest, base = b"", 0
    for piece in pieces:
        data, at = rest + piece, 0
        while (stop := data.find(b"\n", at)) >= 0:
            yield base + at, base + stop, data[at:stop]
            at = stop + 1
        rest, base = data[at:], base + at
    if rest:
        yield base, base + len(rest), rest


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
