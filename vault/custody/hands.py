"""Custody from the first hands (DESIGN §5, §7): for a received item, every kept sender
chain's entries about it (its import, descriptions, notes, exports), each signed by an actor
whom that chain's own `case.create` / `identity.add` introduced, then the hand-overs
(`package.import`), then this case's own acts.

Only chains that a `package.import` of this case links to (by case id and head, through
`vault.package.model.Lineage`) are read, and each only up to the furthest head linked: a
kept log that nothing links to vouches for nothing (`verify` warns about it). Entries whose
content was withheld from a package say nothing about any item and are skipped. The kept
chains themselves are re-verified by `verify` (`verify_lineage`); this module reads them.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

import sqlcipher3.dbapi2 as sqlcipher

from vault.case.identity import Identity
from vault.case.people import Introduction, introduced, public_keys, signed_in_place
from vault.custody.checked import CheckedLog
from vault.custody.entry import Entry, is_signed_content, read_entries, read_entry_texts
from vault.custody.logchain import LoggedChain, notable
from vault.custody.packed import PackedArray, packed_details
from vault.errors import InvalidInput
from vault.i18n import _

if TYPE_CHECKING:
    from vault.package.model import ChainKey, Lineage

# Acts about the case as a whole: shown in a report's case log, never under an exhibit.
CASE_LEVEL = frozenset({"case.verify", "report.generate", "anchor.timestamp", "case.migrate"})
_NOTE_ACTIONS = ("note.add", "note.amend")
_MOVES = ("item.import", "package.export", "package.import", "item.derive")


@dataclass(frozen=True)
class Chain:
    """One case's signed log as this case holds it: its own, or a kept sender chain."""

    key: str | ChainKey  # the own chain's is the case id
    title: str | None  # as its case.create signed it; None when that entry is not authentic
    hand: int  # 1 for the first hands, this case is the last
    own: bool
    people: dict[str, Identity]
    # The entries vouched for, read again when asked; for the own chain of a per-item
    # `Hands`, none (its entries are looked up by item).
    log: CheckedLog = field(repr=False)

    @property
    def case_id(self) -> str:
        return self.key if isinstance(self.key, str) else self.key[0]

    def who(self, fingerprint: str) -> Identity | None:
        """The actor as this chain's signed entries introduced them."""
        return self.people.get(fingerprint)


@dataclass(frozen=True)
class Event:
    """One entry about an item, with the chain it belongs to and its actor."""

    chain: Chain
    entry: Entry
    place: int | None = None  # its row in a kept chain (None: the entry's seq is its row's)

    @property
    def actor(self) -> Identity | None:
        return self.chain.who(self.entry.actor)

    @property
    def actor_name(self) -> str:
        person = self.actor
        return person.name if person else self.entry.actor[:16]

    def to_json(self) -> dict[str, Any]:
        """One hand of `items --json`'s `hands` list (docs/CLI.md)."""
        person = self.actor
        return {
            "case": self.chain.case_id,
            "seq": self.entry.seq,
            "actor": self.entry.actor,
            "name": person.name if person else None,
            "role": person.role if person else None,
            "organization": person.organization if person else None,
            "action": self.entry.action,
            "at": self.entry.at,
        }


def concerned_items(entry: Entry) -> set[str]:
    """The item ids an entry is about: its subject, a note's item, a package's item list,
    a derived item's parent. Case-level acts (verifications, reports) concern no item."""
    content = entry.content
    action = entry.action
    if not content or action is None or action in CASE_LEVEL:
        return set()
    details, found = entry.details, set()
    if action in _NOTE_ACTIONS:
        about = details.get("about")
        if isinstance(about, str):
            found.add(about)
    elif entry.subject is not None:
        found.add(entry.subject)
    items = details.get("items") if action in ("package.export", "package.import") else None
    if isinstance(items, (list, PackedArray)):  # any other shape: verify's finding
        for item in items:
            item_id = item.get("id") if isinstance(item, dict) else item
            if isinstance(item_id, str):
                found.add(item_id)
    parent = details.get("parent") if action == "item.derive" else None
    if isinstance(parent, str):
        found.add(parent)
    return found


# What the own chain is first read for: who its actors are and which kept chains its
# receipts link to.
_FIRST_ACTIONS = ("case.create", "identity.add", "package.import")
_FIRST_READ = f"WHERE action IN {_FIRST_ACTIONS}"

_At = tuple[int, int]  # an entry of chain number n (its index in `chains`) at its place


@dataclass
class _Index:
    """Where one chain speaks of each item and note: the places of its entries."""

    items: dict[str, list[int]] = field(default_factory=dict)  # ascending places
    notes: dict[str, int] = field(default_factory=dict)
    shared: dict[int, Entry] = field(default_factory=dict)  # about many items: held, packed

    def add(self, place: int, entry: Entry) -> None:
        concerned = concerned_items(entry)  # one place, however many items
        if len(concerned) > 1 and entry.content is not None:
            self.shared[place] = replace(entry, content=packed_details(entry.content))
        for item_id in concerned:
            self.items.setdefault(item_id, []).append(place)
        if entry.action in _NOTE_ACTIONS and entry.subject is not None:
            self.notes.setdefault(entry.subject, place)

    def within(self, log: CheckedLog) -> _Index:
        """This index of only the entries `log` still notes (after its `cut`)."""
        found = _Index()
        for item_id, places in self.items.items():
            if kept := [place for place in places if log.noted(place)]:
                found.items[item_id] = kept
        found.notes = {note: place for note, place in self.notes.items() if log.noted(place)}
        found.shared = {place: e for place, e in self.shared.items() if log.noted(place)}
        return found


class Hands:
    """Every chain of a case, first hands first, indexed by item and by note. Built once
    per report or listing (each chain read once), then asked per item.

    An entry about one item is held as its place only, and read again (checked to be the
    same text) when that item is asked about: a report of a 20,000-item case held every
    entry of every chain. An entry about many (a package's) is held once, its lists
    packed. A kept chain is indexed as its rows stream past: only the entries that link
    chains and introduce people stay parsed while the chains are put in order.

    With `per_item`, the case's own log is not read whole: its entries about an item are
    looked up by index when asked (`item_events`), so a 100,000-entry case answers its
    first selection in the app at once; a report or listing, which asks about every item,
    reads the log once instead."""

    def __init__(self, conn: sqlcipher.Connection, case_id: str, *, per_item: bool = False):
        # Imported here: the package model pulls in image libraries that `items` and the
        # app's start-up never need when the case received nothing.
        from vault.package.model import Lineage, chain_order, kept_keys

        self._conn = conn if per_item else None
        self.chains: list[Chain] = []
        self._indexes: list[_Index] = []  # each chain's, in the order of `chains`
        own_log = CheckedLog(partial(_own_rows, conn))
        own_index, first = _read_own(conn, own_log, per_item)
        kept = {key: _read_kept(conn, key) for key in kept_keys(conn)}
        lineage = Lineage({**{key: chain for key, (_l, chain, _i) in kept.items()}, case_id: first})
        order = chain_order(case_id, lineage)
        reach = _reach(order, lineage, case_id)
        for n, key in enumerate(order[:-1]):  # the own chain comes last
            log, chain, index = kept.pop(key)
            log.cut(reach[key])
            self.chains.append(_chain(key, n + 1, False, list(chain.notable(reach[key])), log))
            self._indexes.append(index.within(log) if reach[key] < len(chain) else index)
        self.chains.append(_chain(case_id, len(order), True, first, own_log))
        self._indexes.append(own_index)

    def _read(self, places: Iterable[_At]) -> dict[_At, Entry]:
        """The entries at `places`: held ones as they are, the others read again, a query
        per chain."""
        found: dict[_At, Entry] = {}
        wanted: dict[int, list[int]] = {}
        for n, place in places:
            held = self._indexes[n].shared.get(place)
            if held is not None:
                found[(n, place)] = held
            else:
                wanted.setdefault(n, []).append(place)
        for n, at in wanted.items():
            found.update(((n, p), entry) for p, entry in self.chains[n].log.entries(at).items())
        return found

    def own_entry(self, seq: int) -> Entry | None:
        """Entry `seq` of the case's own log: held if it is about many items (a receipt
        that every received exhibit names as its entering entry), else read again."""
        held = self._indexes[-1].shared.get(seq)
        return held if held is not None else self.own.log.entry(seq)

    @property
    def own(self) -> Chain:
        return self.chains[-1]

    @property
    def received(self) -> bool:
        return len(self.chains) > 1

    def item(self, item_id: str) -> list[Event]:
        """Every entry about the item, first hands first, each chain in its own order."""
        return self.histories([item_id])[item_id]

    def histories(self, item_ids: Iterable[str]) -> dict[str, list[Event]]:
        """`item` of each of the items, their entries read together."""
        places = {
            item_id: [(n, p) for n, index in enumerate(self._indexes)
                      for p in index.items.get(item_id, ())]
            for item_id in item_ids
        }  # fmt: skip
        entries = self._read(itertools.chain.from_iterable(places.values()))
        return {
            item_id: [Event(self.chains[n], entries[(n, p)], p) for n, p in at]
            + self._looked_up(item_id)
            for item_id, at in places.items()
        }

    def _looked_up(self, item_id: str) -> list[Event]:
        """Per item, the own log's entries about it, looked up by the log's index."""
        if self._conn is None:
            return []
        from vault.evidence.items import item_events  # evidence builds on custody

        own = self.own
        return [Event(own, entry) for entry in item_events(self._conn, item_id)
                if item_id in concerned_items(entry)]  # fmt: skip

    def kept_events(self) -> Iterator[Event]:
        """Every entry of every kept chain, first hands first, read again as it goes."""
        for chain in self.chains:
            if not chain.own:
                yield from (Event(chain, e, chain.log.place(n)) for n, e in enumerate(chain.log))

    def moves(self, item_id: str, history: list[Event] | None = None) -> list[Event]:
        """The chain of hands: where the item entered, left and arrived, chain by chain
        (from its `history` when it was read already)."""
        events = self.item(item_id) if history is None else history
        return [e for e in events if e.entry.action in _MOVES]

    def moves_json(self, item_id: str, history: list[Event] | None = None) -> list[dict[str, Any]]:
        """The chain of hands as `items --json` prints it (README, JSON output)."""
        return [event.to_json() for event in self.moves(item_id, history)]

    def note(self, note_id: str, seq: int | None = None) -> Event | None:
        """The entry that wrote a note (`note.add` / `note.amend`), in whichever chain: a
        received note keeps its author and time. `seq`: where the note's row says it was
        written, read when the log's index columns no longer name it."""
        for n, index in enumerate(self._indexes):  # the first hands' first
            if (at := index.notes.get(note_id)) is not None:
                return Event(self.chains[n], self._read([(n, at)])[(n, at)], at)
        if self._conn is None:
            return None
        entries = read_entries(
            self._conn, "WHERE subject = ? AND action IN ('note.add', 'note.amend')", (note_id,)
        )  # found by the index columns; only an entry whose content names the note counts
        if seq is not None:
            entries = itertools.chain(entries, read_entries(self._conn, "WHERE seq = ?", (seq,)))
        first = next(
            (e for e in entries if e.action in _NOTE_ACTIONS and e.subject == note_id), None
        )
        return Event(self.own, first) if first is not None else None

    def description(self, item_id: str) -> tuple[dict[str, Any], Event | None]:
        """The latest `item.describe` of the item in any chain (a later holder's wins) that
        is signed by someone its chain introduced, and the event that recorded it; ({}, None)
        when no one described it. The app shows it before any verify."""
        return latest_description(item_id, self.item(item_id), signed_in_its_chain)

    def people(self) -> Iterator[tuple[Chain, Identity]]:
        """Every actor of every chain, grouped by chain, first hands first."""
        for chain in self.chains:
            for person in chain.people.values():
                yield chain, person


Vouched = Callable[[Event], bool]  # whether what an event's entry says may be shown


def signed_in_its_chain(event: Event) -> bool:
    """Whether the event's entry is as it was signed, where it was signed, by a key that its
    own chain's signed entries introduced (`people.signed_in_place`: a few signature checks,
    for one item's entries, not a whole log)."""
    chain = event.chain
    keys = public_keys(chain.people.values())
    return signed_in_place(event.entry, chain.case_id, keys, event.place)


def latest_description(
    item_id: str, history: list[Event], vouched: Vouched
) -> tuple[dict[str, Any], Event | None]:
    """The latest `item.describe` of the item in its history (`Hands.item`, already read)
    whose values are the signed ones and that `vouched` accepts: a report's verification
    (`ReportFacts.vouched_event`) or the app's own check (`signed_in_its_chain`)."""
    latest: Event | None = None
    for event in _describing(item_id, history):
        if _as_signed(event, vouched):
            latest = event
    return (dict(latest.entry.details), latest) if latest else ({}, None)


def doubted_description(item_id: str, history: list[Event], vouched: Vouched) -> bool:
    """Whether the history holds an `item.describe` of the item that is not as signed: its
    "sensitive" mark cannot be read, so the item is treated as sensitive (sparing the viewer
    costs a click; showing what was marked sensitive is the harm)."""
    return not all(_as_signed(event, vouched) for event in _describing(item_id, history))


def _describing(item_id: str, history: list[Event]) -> Iterator[Event]:
    return (e for e in history if e.entry.action == "item.describe" and e.entry.subject == item_id)


def _as_signed(event: Event, vouched: Vouched) -> bool:
    return vouched(event) and is_signed_content(event.entry.content, event.entry.content_hash)


def _own_rows(
    conn: sqlcipher.Connection, where: str, params: tuple[object, ...]
) -> Iterator[tuple[int, Entry, str | bytes]]:
    rows = read_entry_texts(conn, f"WHERE {where}" if where else "", params, json.loads)
    return ((entry.seq, entry, text) for entry, text in rows)  # seq: the rows' column


def _read_own(
    conn: sqlcipher.Connection, log: CheckedLog, per_item: bool
) -> tuple[_Index, list[Entry]]:
    """The own log's index (empty per item) and the entries that introduce its actors and
    link its receipts to kept chains, by their signed actions (per item: looked up by the
    log's index columns, which verify checks)."""
    index = _Index()
    if per_item:
        return index, list(read_entries(conn, _FIRST_READ))
    first = []
    for place, entry in log.noting(_own_rows(conn, "", ())):
        index.add(place, entry)
        if entry.action in _FIRST_ACTIONS:
            first.append(entry)
    return index, first


def _read_kept(conn: sqlcipher.Connection, key: ChainKey) -> tuple[CheckedLog, LoggedChain, _Index]:
    """A kept chain read once, as its rows stream: noted, indexed, and held only as what
    orders and links chains (`LoggedChain`)."""
    from vault.package.model import kept_log

    log, index = CheckedLog(partial(_kept_rows, conn, key)), _Index()
    chain = kept_log(conn, key, noted=log.note)
    try:
        for n, entry in enumerate(chain.reading()):
            index.add(log.place(n), entry)
    except InvalidInput as err:
        raise InvalidInput(_(
            "The log of case {id}, kept from a received package, cannot be read ({why}). "
            "Run verify to see what changed in the case file."
        ).format(id=key[0], why=err)) from None  # fmt: skip
    return log, chain, index


def _kept_rows(
    conn: sqlcipher.Connection, key: ChainKey, where: str, params: tuple[object, ...]
) -> Iterator[tuple[int, Entry, str]]:
    from vault.package.model import lineage_rows

    return lineage_rows(conn, key, where, params)


def _reach(order: list[Any], lineage: Lineage, case_id: str) -> dict[Any, int]:
    """How many entries of each chain are vouched for: up to the furthest linked head."""
    reach: dict[Any, int] = {case_id: len(lineage.chains.get(case_id, []))}
    for key in order:
        for entry in notable(lineage.chains.get(key, [])):
            linked = lineage.link(entry)
            if linked is not None:
                target, head = linked
                reach[target] = max(reach.get(target, 0), head + 1)
    return reach


def _chain(
    key: str | ChainKey, hand: int, own: bool, entries: list[Entry], log: CheckedLog
) -> Chain:
    case_id, creator = (key, None) if isinstance(key, str) else key
    known = introduced(entries, case_id, creator)
    people = {fp: intro.identity for fp, intro in known.items()}
    return Chain(key, _title(entries, case_id, known), hand, own, people, log)


def _title(entries: list[Entry], case_id: str, known: dict[str, Introduction]) -> str | None:
    """The title the chain's case.create signed: only if that entry introduced its creator
    (so it is authentic) and names this case."""
    first = entries[0] if entries else None
    if (
        first is None
        or first.action != "case.create"
        or (first.content or {}).get("case") != case_id
    ):
        return None
    creator = known.get(first.actor)
    title = first.details.get("title")
    return title if creator is not None and creator.seq == 0 and isinstance(title, str) else None
