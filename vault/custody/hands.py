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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import sqlcipher3.dbapi2 as sqlcipher

from vault.case.identity import Identity
from vault.case.people import introduced
from vault.custody.checked import CheckedLog
from vault.custody.entry import Entry, read_entries, read_entry_texts

if TYPE_CHECKING:
    from vault.package.model import ChainKey, Lineage

# Acts about the case as a whole: shown in a report's case log, never under an exhibit.
CASE_LEVEL = frozenset({"case.verify", "report.generate", "anchor.timestamp", "case.migrate"})
_NOTE_ACTIONS = ("note.add", "note.amend")
_MOVES = ("item.import", "package.export", "package.import", "item.derive")


@dataclass(frozen=True)
class Chain:
    """One case's signed log as this case holds it: its own, or a kept sender chain."""

    case_id: str
    title: str
    number: str
    organization: str
    hand: int  # 1 for the first hands, this case is the last
    own: bool
    people: dict[str, Identity]
    # The entries vouched for, read again when asked; for the own chain of a per-item
    # `Hands`, none (its entries are looked up by item).
    log: CheckedLog = field(repr=False)

    def who(self, fingerprint: str) -> Identity | None:
        """The actor as this chain's signed entries introduced them."""
        return self.people.get(fingerprint)


@dataclass(frozen=True)
class Event:
    """One entry about an item, with the chain it belongs to and its actor."""

    chain: Chain
    entry: Entry

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
    if action in ("package.export", "package.import"):
        for item in details.get("items") or []:
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
_OWN = -1  # the own chain's number: the last of `chains`


class Hands:
    """Every chain of a case, first hands first, indexed by item and by note. Built once
    per report or listing (each chain read once), then asked per item.

    An entry about one item is held as its place only, and read again (checked to be the
    same text) when that item is asked about: a report of a 20,000-item case held every
    entry of every chain. An entry about many (a package's) is held parsed, once.

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
        self._items: dict[str, list[_At]] = {}  # kept chains' entries, first hands first
        self._notes: dict[str, _At] = {}
        self._own_items: dict[str, list[_At]] = {}  # the own log's, unless per item
        self._own_notes: dict[str, _At] = {}
        self._shared: dict[_At, Entry] = {}  # entries about many items, held once
        own_log = CheckedLog(partial(_own_rows, conn))
        first = self._read_own(conn, own_log, per_item)
        logs = {key: CheckedLog(partial(_kept_rows, conn, key)) for key in kept_keys(conn)}
        kept = {key: list(log.noting(_kept_rows(conn, key, "", ()))) for key, log in logs.items()}
        lineage = Lineage({**{k: [e for _p, e in v] for k, v in kept.items()}, case_id: first})
        order = chain_order(case_id, lineage)
        reach = _reach(order, lineage, case_id)
        del lineage  # each kept chain is let go once indexed
        for n, key in enumerate(order[:-1]):  # the own chain comes last
            rows = kept.pop(key)[: reach[key]]
            logs[key].cut(reach[key])
            self.chains.append(_chain(key, n + 1, False, [e for _p, e in rows], logs[key]))
            for place, entry in rows:
                self._index(n, place, entry, self._items, self._notes)
        self.chains.append(_chain(case_id, len(order), True, first, own_log))

    def _read_own(self, conn: sqlcipher.Connection, log: CheckedLog, per_item: bool) -> list[Entry]:
        """Index the own log (unless per item) and return the entries that introduce its
        actors and link its receipts to kept chains, by their signed actions (per item:
        looked up by the log's index columns, which verify checks)."""
        if per_item:
            return list(read_entries(conn, _FIRST_READ))
        first = []
        for place, entry in log.noting(_own_rows(conn, "", ())):
            self._index(_OWN, place, entry, self._own_items, self._own_notes)
            if entry.action in _FIRST_ACTIONS:
                first.append(entry)
        return first

    def _index(
        self, n: int, place: int, entry: Entry, items: dict[str, list[_At]], notes: dict[str, _At]
    ) -> None:
        concerned, at = concerned_items(entry), (n, place)  # one place, however many items
        if len(concerned) > 1:
            self._shared[at] = entry
        for item_id in concerned:
            items.setdefault(item_id, []).append(at)
        if entry.action in _NOTE_ACTIONS and entry.subject is not None:
            notes.setdefault(entry.subject, at)

    def _read(self, places: Iterable[_At]) -> dict[_At, Entry]:
        """The entries at `places`: held ones as they are, the others read again, a query
        per chain."""
        found: dict[_At, Entry] = {}
        wanted: dict[int, list[int]] = {}
        for n, place in places:
            held = self._shared.get((n, place))
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
        held = self._shared.get((_OWN, seq))
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
        places = {i: self._items.get(i, []) + self._own_items.get(i, []) for i in item_ids}
        entries = self._read(itertools.chain.from_iterable(places.values()))
        return {
            item_id: [Event(self.chains[n], entries[(n, p)]) for n, p in at]
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
                yield from (Event(chain, entry) for entry in chain.log)

    def moves(self, item_id: str, history: list[Event] | None = None) -> list[Event]:
        """The chain of hands: where the item entered, left and arrived, chain by chain
        (from its `history` when it was read already)."""
        events = self.item(item_id) if history is None else history
        return [e for e in events if e.entry.action in _MOVES]

    def moves_json(self, item_id: str, history: list[Event] | None = None) -> list[dict[str, Any]]:
        """The chain of hands as `items --json` prints it (README, JSON output)."""
        return [event.to_json() for event in self.moves(item_id, history)]

    def note(self, note_id: str) -> Event | None:
        """The entry that wrote a note (`note.add` / `note.amend`), in whichever chain: a
        received note keeps its author and time."""
        place = self._notes.get(note_id) or self._own_notes.get(note_id)
        if place is not None:
            return Event(self.chains[place[0]], self._read([place])[place])
        if self._conn is None:
            return None
        entries = read_entries(
            self._conn, "WHERE subject = ? AND action IN ('note.add', 'note.amend')", (note_id,)
        )
        first = next(iter(entries), None)
        return Event(self.own, first) if first is not None else None

    def description(self, item_id: str) -> tuple[dict[str, Any], Event | None]:
        """The latest `item.describe` of the item in any chain (a later holder's wins), and
        the event that recorded it; ({}, None) when no one described it."""
        return latest_description(item_id, self.item(item_id))

    def people(self) -> Iterator[tuple[Chain, Identity]]:
        """Every actor of every chain, grouped by chain, first hands first."""
        for chain in self.chains:
            for person in chain.people.values():
                yield chain, person


def latest_description(item_id: str, history: list[Event]) -> tuple[dict[str, Any], Event | None]:
    """`Hands.description` from the item's history (`Hands.item`) already read."""
    latest: Event | None = None
    for event in history:
        if event.entry.action == "item.describe" and event.entry.subject == item_id:
            latest = event
    return (dict(latest.entry.details), latest) if latest else ({}, None)


def _own_rows(
    conn: sqlcipher.Connection, where: str, params: tuple[object, ...]
) -> Iterator[tuple[int, Entry, str | bytes]]:
    rows = read_entry_texts(conn, f"WHERE {where}" if where else "", params, json.loads)
    return ((entry.seq, entry, text) for entry, text in rows)  # seq: the rows' column


def _kept_rows(
    conn: sqlcipher.Connection, key: ChainKey, where: str, params: tuple[object, ...]
) -> Iterator[tuple[int, Entry, str]]:
    from vault.package.model import lineage_rows

    return lineage_rows(conn, key, where, params)


def _reach(order: list[Any], lineage: Lineage, case_id: str) -> dict[Any, int]:
    """How many entries of each chain are vouched for: up to the furthest linked head."""
    reach: dict[Any, int] = {case_id: len(lineage.chains.get(case_id, []))}
    for key in order:
        for entry in lineage.chains.get(key, []):
            linked = lineage.link(entry)
            if linked is not None:
                target, head = linked
                reach[target] = max(reach.get(target, 0), head + 1)
    return reach


def _chain(
    key: str | ChainKey, hand: int, own: bool, entries: list[Entry], log: CheckedLog
) -> Chain:
    case_id = key if isinstance(key, str) else key[0]
    people = {fp: intro.identity for fp, intro in introduced(entries).items()}
    created = entries[0].details if entries and entries[0].action == "case.create" else {}
    return Chain(
        case_id,
        _text(created.get("title")),
        _text(created.get("number")),
        _text(created.get("organization")),
        hand,
        own,
        people,
        log,
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
