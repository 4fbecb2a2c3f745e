"""A package's chain held as its log's bytes and indexes (issue 17) reads exactly as the list
of its parsed entries: by index, in order, by seq, by entry hash, and what entered where."""

from __future__ import annotations

import hashlib

import pytest

from tests.helpers.case import new_case
from vault.custody import logchain
from vault.custody.entry import Entry, entered_digests, parse_jsonl
from vault.custody.logchain import BULK, LoggedChain, by_seq, entry_hashes, first_with_seq
from vault.errors import InvalidInput
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.evidence.notes import add_note, describe_item
from vault.package.export import export
from vault.text import utf8_lines


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The custody.jsonl of a real package: imports, a note, a description, the export."""
    folder = tmp_path_factory.mktemp("logchain")
    (folder / "in").mkdir()
    for n in range(6):
        (folder / "in" / f"statement-{n}.txt").write_text(f"Witness statement {n}\n")
    with new_case(folder) as case:
        import_paths(case, [folder / "in"])
        first = list_items(case.conn)[0]
        add_note(case, "Seen at the crossroads", about=first.id)
        describe_item(case, first.id, {"title": "Exhibit 1", "location": "Kharkiv"})
        export(case, folder / "pkg")
    return (folder / "pkg" / "data" / "custody.jsonl").read_bytes()


def _read(log: bytes, unheld: frozenset[str] = frozenset({BULK})) -> LoggedChain:
    chain = LoggedChain(log, unheld)
    for _entry in chain.reading():
        pass
    return chain


def test_a_logged_chain_reads_as_the_list_of_its_entries(log: bytes) -> None:
    entries = list(parse_jsonl(utf8_lines(log)))
    chain = _read(log)
    assert len(chain) == len(entries) > 8
    assert list(chain) == entries
    assert [chain[n] for n in range(len(chain))] == entries
    assert chain[-1] == entries[-1] and list(chain[2:5]) == entries[2:5]
    assert list(entry_hashes(chain)) == [e.entry_hash for e in entries]
    with pytest.raises(IndexError):
        chain[len(entries)]


def test_only_the_item_imports_are_let_go_of_and_each_is_indexed(log: bytes) -> None:
    entries = list(parse_jsonl(utf8_lines(log)))
    chain = _read(log)
    assert list(chain.notable()) == [e for e in entries if e.action != BULK]
    first: dict[str, int] = {}
    for n, entry in enumerate(entries):
        for item_id in entered_digests(entry):
            first.setdefault(item_id, n)
    assert chain.entered_at() == first
    assert chain.imported_names == {
        (e.subject, e.details["original_name"]) for e in entries if e.action == BULK
    }


def test_a_reader_that_needs_no_export_lets_its_list_of_every_item_go_too(log: bytes) -> None:
    """Export reads a kept chain for its links and descriptions only: the sender's export
    entries, each listing every item, are parsed again only if asked for."""
    entries = list(parse_jsonl(utf8_lines(log)))
    chain = _read(log, frozenset({BULK, "package.export"}))
    assert list(chain.notable()) == [
        e for e in entries if e.action not in (BULK, "package.export")
    ]  # fmt: skip
    assert entries[-1].action == "package.export" and chain[-1] == entries[-1]
    assert list(chain) == entries


def test_an_entry_is_found_by_its_hash_and_by_its_seq(log: bytes) -> None:
    entries = list(parse_jsonl(utf8_lines(log)))
    chain = _read(log)
    assert chain.regular
    for n, entry in enumerate(entries):
        assert chain.last_index_of(entry.entry_hash.hex()) == n
        assert first_with_seq(chain, entry.seq) == entry == by_seq(chain)(entry.seq)
    assert chain.last_index_of(entries[0].entry_hash.hex().upper()) is None
    assert chain.last_index_of(entries[0].entry_hash.hex()[1:] + "0") is None
    assert first_with_seq(chain, len(entries)) is None and by_seq(chain)(-1) is None


def test_a_chain_out_of_order_is_looked_up_as_a_list_would_be(log: bytes) -> None:
    lines = log.splitlines(keepends=True)
    shuffled = b"".join([lines[1], lines[0], *lines[2:]])
    chain, entries = _read(shuffled), list(parse_jsonl(utf8_lines(shuffled)))
    assert not chain.regular
    for seq in range(len(entries)):
        wanted: Entry | None = next((e for e in entries if e.seq == seq), None)
        assert first_with_seq(chain, seq) == wanted == by_seq(chain)(seq)


def test_a_malformed_line_is_refused_as_the_whole_log_would_be(log: bytes) -> None:
    broken = log + b'{"seq": 1, "seq": 2}\n'
    with pytest.raises(InvalidInput) as whole:
        list(parse_jsonl(utf8_lines(broken)))
    with pytest.raises(InvalidInput) as logged:
        _read(broken)
    assert str(logged.value) == str(whole.value)


def test_an_empty_log_is_an_empty_chain() -> None:
    chain = _read(b"")
    assert len(chain) == 0 and list(chain) == [] and chain.last_index_of("0" * 64) is None


@pytest.mark.parametrize("block", [97, 1 << 18])  # lines straddling blocks; one block
def test_once_read_the_log_is_kept_compressed_and_reads_back_verbatim(
    log: bytes, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logchain, "BLOCK", block)
    spaced = log.replace(b"\n", b"\r\n\n \n", 2)  # blank lines hold no entry; CRs dropped
    chain = _read(spaced)
    assert sum(map(len, chain._blocks)) < len(spaced) and not chain._pending
    assert list(chain.lines()) == [line for line in utf8_lines(spaced) if line.strip()]
    assert list(chain) == list(parse_jsonl(utf8_lines(spaced)))
    assert [chain[n] for n in reversed(range(len(chain)))] == list(reversed(list(chain)))


def _tail_of(data: bytes) -> tuple[bool, str, bytes]:
    """What an export entry signs of a log, taken from the whole bytes."""
    if not data.endswith(b"\n"):
        return (False, "", b"")
    cut = data.rfind(b"\n", 0, len(data) - 1) + 1
    return (True, hashlib.sha256(data[:cut]).hexdigest(), data[cut:-1])


@pytest.mark.parametrize("piece", [7, 4096, None])  # inflated in pieces, or whole
@pytest.mark.parametrize("ending", [b"", b"\n", b"\r\n", b"\n\n", b"\n  \n"])
def test_a_log_read_in_pieces_reads_and_ends_as_it_would_whole(
    log: bytes, piece: int | None, ending: bytes
) -> None:
    data = log.rstrip(b"\n") + ending
    pieces = [data] if piece is None else [data[n : n + piece] for n in range(0, len(data), piece)]
    chain = LoggedChain(iter(pieces))
    assert list(chain.reading()) == list(parse_jsonl(utf8_lines(data)))
    assert chain.tail == _tail_of(data)
    assert list(chain.lines()) == [line for line in utf8_lines(data) if line.strip()]
