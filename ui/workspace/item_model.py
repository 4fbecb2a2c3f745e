"""The evidence list as a Qt model over `vault.evidence.listing.ItemLister`: every item's key
is known at once, rows are read and checked a window at a time as they are painted, and
thumbnails come from a bounded cache, loaded only for painted rows (issue 17 §4).

A paint does as little as it can on the UI thread (issue 17 §4, scrolling a 100,000-item
list): a row it does not find reads a screen of rows (`PAINT_ROWS`), not more; the rows
ahead of the scroll are read after the paint, `PAINT_ROWS` per turn of the event loop; a
thumbnail not decoded yet is drawn as a blank square and read, checked and decoded after
the paint, a few milliseconds' worth per turn (`read_after_paint()` follows each turn)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal

from ui.widgets.row_table_model import Index, RowTableModel
from ui.widgets.text import display_text, human_size, local_and_utc
from ui.widgets.thumbnail_cache import ThumbnailCache, placeholder
from vault.case.view import LastVerification
from vault.evidence.items import Item
from vault.evidence.listing import IndexRow, ItemLister, ItemRow
from vault.i18n import _
from vault.provenance.codes import state_explained, state_words

_TIP = Qt.ItemDataRole.ToolTipRole
ItemRole = Qt.ItemDataRole.UserRole + 1
# The roles a cell answers; a view asks for a dozen more per cell on every paint.
_ROLES = frozenset({
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, _TIP,
    Qt.ItemDataRole.AccessibleTextRole, ItemRole,
})  # fmt: skip

NAME, TYPE, CAPTURED, GPS, SIZE, SEAL, PROVENANCE = range(7)
# Rows read ahead of the scroll (after the paint): a few screens (a 1000 px high list shows
# ~17 rows); a paint that finds a row unread reads PAINT_ROWS from it, a screen's worth, and
# the reads ahead go PAINT_ROWS at a time between paints.
WINDOW = 64
PAINT_ROWS = 12
# Thumbnails read, checked and decoded per turn of the event loop after a paint: at least
# one, then as many as fit this budget; at most PENDING_THUMBNAILS wait (the latest painted).
THUMBNAIL_BUDGET_S = 0.008
PENDING_THUMBNAILS = 48
FULL_ITEMS = 16  # whole items kept for the details pane (the selected one and recent)
BADGES = {"trusted": "✓✓", "valid": "✓", "invalid": "✗", "unverifiable": "?"}


UNVERIFIED_MARK = "⚠ "


def unverified_tip() -> str:
    """Why an older item's metadata is flagged (translated when asked for)."""
    return _(
        "Recorded by an older version of Evidence Vault: this item's metadata and thumbnail "
        "were stored without a signed digest. They are unverified until Verify custody "
        "recomputes them from the original."
    )


def captured_text(at: object) -> str:
    """A capture time as the list shows it ("2024-05-01 10:00:00"), "" when unknown."""
    return display_text(at).replace("T", " ") if isinstance(at, str) and at else ""


def type_text(mime: str) -> str:
    """The type, short ("JPEG", "MP4", "PDF", "text"); the tooltip has the whole type."""
    major, _slash, minor = mime.partition("/")
    if major == "text":
        return "text"
    for prefix in ("x-", "vnd."):
        minor = minor.removeprefix(prefix)
    return display_text(minor.upper() or mime)


def name_tip(item: ItemRow) -> str:
    """The whole name (the cell elides it in the middle), as plain text; for a working copy,
    what it is."""
    name = display_text(item.original_name)
    if item.derived_from is None:
        return name
    return name + "\n" + _("Working copy of another item (its details say which)")


def copy_of_text(item: Item, names: dict[str, str]) -> str:
    """ "Working copy of NAME (redact), SHA-256 …" for a derived item; "" for an original."""
    derivation = item.derivation or {}
    parent = item.derived_from
    if parent is None:
        return ""
    operation = derivation.get("operation")
    op = operation.get("op") if isinstance(operation, dict) else None
    name = names.get(parent)
    shown = display_text(name) if name else _("an item not in this case ({id})").format(id=parent)
    return _("Working copy ({op}) of {name}\noriginal's SHA-256 {sha}").format(
        op=display_text(op or "?"), name=shown,
        sha=display_text(derivation.get("parent_sha256") or ""))  # fmt: skip


class ItemTableModel(RowTableModel):
    """Items of the open case, read a window at a time (vault/evidence/listing.py): the
    model holds every item's row key, and the checked rows of the windows painted so far;
    filtering and sorting read every item's stored values once, when first asked for.
    `may_read()` says whether the case can be read right now (no job writing); when it
    cannot, rows show what is already in memory. Emits `read_after_paint()` after each turn
    of the reads a paint left (rows ahead, thumbnails drawn blank; `deferred()`: any left)."""

    read_after_paint = Signal()

    def __init__(self, thumbnails: ThumbnailCache, may_read: Callable[[], bool]) -> None:
        super().__init__()
        self._thumbnails = thumbnails
        self._placeholder = placeholder()
        self._pending: OrderedDict[str, tuple[int, int]] = OrderedDict()  # id -> (position, key)
        self._ahead: list[int] = []  # keys to read after the paint, in order
        self._by_id: dict[str, ItemRow] = {}  # the rows read, by item id
        self._texts: dict[int, tuple[str, ...]] = {}  # key -> its row's name ... size texts
        self._after_paint = QTimer(self)  # one turn of the event loop: rows, then thumbnails
        self._after_paint.setSingleShot(True)
        self._after_paint.setInterval(0)
        self._after_paint.timeout.connect(self._read_after_paint)
        self._may_read = may_read
        self._lister: ItemLister | None = None
        self._all: list[int] = []  # every item's key, in the order it entered the case
        self._keys: list[int] = []  # the keys shown, filtered and sorted
        self._cache: dict[int, ItemRow] = {}
        self._index: list[IndexRow] | None = None
        self._query: Callable[[IndexRow], bool] | None = None
        self._order: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._load_item: Callable[[str], Item | None] = lambda _id: None
        self._full: OrderedDict[str, Item] = OrderedDict()
        self._last: LastVerification | None = None
        self._problems: frozenset[int] | None = None  # entries a verification found at fault
        self._provenance: dict[str, dict[str, Any]] = {}
        # Entries a verification found something about: the unsigned metadata of items
        # entered by any other entry was recomputed and found as stored (None: not verified).
        self._noted: frozenset[int] | None = None

    def headers(self) -> list[str]:
        # The seal and provenance columns are a mark wide: their headers are marks, their
        # names the tooltips and accessible names (the list keeps its room for the names).
        return [_("Name"), _("Type"), _("Captured"), "GPS", _("Size"), "✓", "✦"]

    def header_tips(self) -> dict[int, str]:
        return {
            SEAL: _("Seal: the item's bytes still hash to the digest recorded at import"),
            PROVENANCE: _("Provenance: Content Credentials (C2PA) or a ProofMode proof, "
                          "as checked at import"),
        }  # fmt: skip

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.AccessibleTextRole:
            return {SEAL: _("Seal"), PROVENANCE: _("Provenance")}.get(section)
        return super().headerData(section, orientation, role)

    def set_lister(
        self, lister: ItemLister | None, load_item: Callable[[str], Item | None] | None = None
    ) -> None:
        """Show the case `lister` reads (None: no case): its keys only, rows as painted."""
        self.beginResetModel()
        self._lister = lister
        self._all = lister.keys() if lister is not None else []
        self._cache.clear()
        self._by_id.clear()
        self._texts.clear()
        self._forget_deferred()
        self._full.clear()
        self._index = None
        if load_item is not None:
            self._load_item = load_item
        self._keys = self._arranged()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._keys)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid():
            return None
        row = self.row(index.row())
        if row is not None and role == Qt.ItemDataRole.DecorationRole and index.column() == NAME:
            return self._thumbnail(row, index.row())
        return None if row is None else self.cell(row, index.column(), role)

    def row(self, position: int) -> ItemRow | None:
        """The checked row shown at `position`, reading its window if needed (None while
        the case cannot be read and the row was never read)."""
        key = self._keys[position]
        found = self._cache.get(key)
        if found is None and self._lister is not None and self._may_read():
            keys = self._keys[position : position + PAINT_ROWS]
            self._read([k for k in keys if k not in self._cache])
            found = self._cache.get(key)
        return found

    def _read(self, keys: list[int]) -> None:
        assert self._lister is not None
        rows = self._lister.rows(keys)
        self._cache.update(rows)
        self._by_id.update((row.id, row) for row in rows.values())

    def prefetch(self, first: int, last: int) -> None:
        """Read the window after `last` and the one before `first` (the rows shown) ahead
        of the scroll, after the paint and PAINT_ROWS per turn of the event loop, so the
        next page paints from memory and no turn stalls the window for long."""
        if self._lister is None or not self._may_read() or not self._keys:
            return
        ahead = range(min(last + 1, len(self._keys) - 1), min(last + WINDOW, len(self._keys)))
        behind = range(max(first - WINDOW // 2, 0), max(first, 0))
        self._ahead = [self._keys[p] for p in (*ahead, *behind) if self._keys[p] not in self._cache]
        if self._ahead:
            self._after_paint.start()

    def _read_after_paint(self) -> None:
        """One turn's share of the work a paint left: rows ahead first (the next page needs
        them), else the thumbnails drawn blank."""
        if self._lister is None or not self._may_read():
            self._forget_deferred()  # asked again when painted again
            self.read_after_paint.emit()
            return
        if self._ahead:
            batch, self._ahead = self._ahead[:PAINT_ROWS], self._ahead[PAINT_ROWS:]
            self._read([k for k in batch if k not in self._cache])
        else:
            self._decode_pending()
        if self._ahead or self._pending:
            self._after_paint.start()
        self.read_after_paint.emit()

    def _decode_pending(self) -> None:
        """Read, check and decode the latest painted thumbnails, THUMBNAIL_BUDGET_S' worth,
        and repaint their cells."""
        started, done, drawn = time.perf_counter(), 0, list[int]()
        while self._pending and (not done or time.perf_counter() - started < THUMBNAIL_BUDGET_S):
            item_id, (position, key) = self._pending.popitem(last=True)
            self._thumbnails.get(item_id)
            done += 1
            if 0 <= position < len(self._keys) and self._keys[position] == key:
                drawn.append(position)
        if drawn:
            decoration = [Qt.ItemDataRole.DecorationRole]
            for position in drawn:
                cell = self.index(position, NAME)
                self.dataChanged.emit(cell, cell, decoration)

    def _forget_deferred(self) -> None:
        self._after_paint.stop()
        self._ahead = []
        self._pending.clear()

    def deferred(self) -> bool:
        """Whether a paint left rows or thumbnails to read (tests and screenshots wait)."""
        return bool(self._ahead or self._pending)

    def listed_thumbnail(self, item_id: str) -> bytes | None:
        """The thumbnail of a row read for the list, checked against the signed record the
        row was checked with (KeyError: no such row read)."""
        if self._lister is None:
            raise KeyError(item_id)
        return self._lister.thumbnail(self._by_id[item_id])

    def full_item(self, row: ItemRow) -> Item | None:
        """Everything about one item (metadata, warnings, derivation), for the details."""
        item = self._full.get(row.id)
        if item is None and self._may_read():
            item = self._load_item(row.id)
            if item is not None:
                self._full[row.id] = item
                while len(self._full) > FULL_ITEMS:
                    self._full.popitem(last=False)
        return item

    def position_of_key(self, key: int) -> int | None:
        """Where the item of row key `key` is shown, if it is."""
        try:
            return self._keys.index(key)
        except ValueError:
            return None

    def position_of_id(self, item_id: str) -> int | None:
        """Where the item is shown, if it is (one query for its key; no row is read)."""
        if self._lister is None:
            return None
        for row in self._cache.values():
            if row.id == item_id:
                return self.position_of_key(row.key)
        key = self._lister.key_of(item_id) if self._may_read() else None
        return None if key is None else self.position_of_key(key)

    def shown_ids(self) -> list[str]:
        """The ids of the items shown, in the order shown."""
        index = self.index_rows()
        if index is not None:
            ids = {r.key: r.id for r in index}
            return [ids[key] for key in self._keys if key in ids]
        return [row.id for row in self.items()]

    def clear(self) -> None:
        """Forget every item and thumbnail (the case is locked)."""
        self.set_lister(None)
        self._last, self._problems = None, None
        self._provenance.clear()
        self._noted = None
        self._thumbnails.clear()

    # Filtering and sorting (ui/workspace/item_filter.py says which rows match).

    def set_query(self, query: Callable[[IndexRow], bool] | None) -> None:
        """Show only the items `query` accepts (None: all)."""
        self._query = query
        self._rearrange()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._order = (column, order)
        self._rearrange()

    def _rearrange(self) -> None:
        self.beginResetModel()
        self._forget_deferred()  # positions change
        self._keys = self._arranged()
        self.endResetModel()

    def _arranged(self) -> list[int]:
        column, order = self._order
        if self._query is None and column < 0:
            return list(self._all)  # no item's values are needed
        index = self.index_rows()
        if index is None:
            return list(self._all)  # shown as entered until the case can be read
        rows = index if self._query is None else [r for r in index if self._query(r)]
        if column >= 0:
            reverse = order == Qt.SortOrder.DescendingOrder
            rows = sorted(rows, key=lambda r: self._sort_key(r, column), reverse=reverse)
        return [r.key for r in rows]

    def index_rows(self) -> list[IndexRow] | None:
        """Every item's stored values, read once (None while the case cannot be read)."""
        if self._index is None and self._lister is not None and self._may_read():
            self._index = self._lister.index()
        return [] if self._lister is None else self._index

    def total(self) -> int:
        return len(self._all)

    def last_key(self) -> int:
        """The highest row key in the case (0: none); keys only grow."""
        return self._all[-1] if self._all else 0

    def names_read(self) -> dict[str, str]:
        """item id -> name, for the items whose rows were read (painted) so far."""
        return {row.id: row.original_name for row in self._cache.values()}

    def items(self) -> list[ItemRow]:
        """Every item shown, checked (reads them all: for small cases and tests)."""
        rows = [self.row(position) for position in range(len(self._keys))]
        return [row for row in rows if row is not None]

    # Seals, provenance and the older items' unsigned metadata.

    def _changed_column(self, first: int, last: int) -> None:
        if self._keys:
            self.dataChanged.emit(self.index(0, first), self.index(len(self._keys) - 1, last))

    def show_verification(
        self, last: LastVerification | None, problems: frozenset[int] | None = None
    ) -> None:
        """Seals from the last recorded verification, the one the header's badge shows too:
        items entered before it are intact if it passed; if it failed, `problems` (the
        entries it found at fault, known when it ran in this session) says which. Items entered
        after it are not verified yet."""
        self._last, self._problems = last, problems
        self._changed_column(SEAL, SEAL)

    def seal(self, item: ItemRow | Item | IndexRow) -> bool | None:
        """True (bytes verified intact), False (a finding about it), None (not verified)."""
        last = self._last
        if last is None or item.entered_seq >= last.seq:
            return None
        if last.passed:
            return True
        return None if self._problems is None else item.entered_seq not in self._problems

    def set_provenance(self, results: dict[str, list[dict[str, Any]]]) -> None:
        """item id -> its provenance results, oldest first; the badge shows the latest."""
        self._provenance = {item: found[-1] for item, found in results.items() if found}
        self._changed_column(PROVENANCE, PROVENANCE)

    def provenance(self, item_id: str) -> dict[str, Any] | None:
        """The item's latest provenance result, None when it carries no proof."""
        return self._provenance.get(item_id)

    def set_checked(self, noted: frozenset[int]) -> None:
        """A verification recomputed the unsigned metadata and thumbnails (older case files)
        from the originals: items entered by entries it found nothing about (`noted` are
        those it did) are shown unflagged from now on."""
        self._noted = noted
        self._texts.clear()  # the ⚠ flags of the capture time and GPS change
        self._changed_column(0, SEAL)

    def unverified(self, item: ItemRow | Item) -> bool:
        """Whether what the item shows beyond its signed record (metadata, thumbnail) was
        never signed and not yet checked by a verification (issue 9 §1)."""
        return bool(item.unsigned) and (self._noted is None or item.entered_seq in self._noted)

    def cell(self, item: ItemRow, column: int, role: int) -> Any:
        if role == ItemRole:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == Qt.ItemDataRole.DecorationRole and column == NAME:
            return self._thumbnail(item, -1)
        if role == Qt.ItemDataRole.ToolTipRole and column == SEAL:
            return self._seal_tip(item)
        if role == _TIP and column in (CAPTURED, GPS) and self.unverified(item):
            return unverified_tip()
        if role == _TIP and column == NAME:
            return name_tip(item)
        if role == _TIP and column == TYPE:
            return display_text(item.mime)
        if column == PROVENANCE and role in (_TIP, Qt.ItemDataRole.AccessibleTextRole):
            return self._provenance_words(item.id, role == _TIP)
        return None

    def _provenance_words(self, item_id: str, tip: bool) -> str:
        result = self._provenance.get(item_id)
        if result is None:
            return "" if tip else _("No provenance")
        state = str(result.get("state"))
        kind = "C2PA" if result.get("kind") == "c2pa" else "ProofMode"
        badge = _("Provenance ({kind}): {state}").format(kind=kind, state=state_words(state))
        if not tip:
            return badge
        codes = [str(c) for c in result.get("codes") or []]
        return f"{badge}\n{state_explained(state, codes=codes)}"

    def _thumbnail(self, item: ItemRow, position: int) -> Any:
        if not item.thumbnail:
            return None  # its signed record says it has none: nothing to read
        if self.unverified(item):
            return None  # never drawn as evidence until a verification checked it
        if self._thumbnails.cached(item.id):
            return self._thumbnails.get(item.id)
        if not self._may_read():
            return None
        # Read after the paint; a blank square meanwhile keeps the name where it will be.
        self._pending[item.id] = (position, item.key)
        self._pending.move_to_end(item.id)
        while len(self._pending) > PENDING_THUMBNAILS:
            self._pending.popitem(last=False)  # scrolled past: asked again if painted again
        self._after_paint.start()
        return self._placeholder

    def _display(self, item: ItemRow, column: int) -> str:
        if column <= SIZE:  # made once per row read: a paint asks for them again and again
            texts = self._texts.get(item.key)
            if texts is None:
                texts = self._texts[item.key] = tuple(self._text(item, c) for c in range(SIZE + 1))
            return texts[column]
        return self._text(item, column)

    def _text(self, item: ItemRow, column: int) -> str:
        if column == NAME:
            mark = "↳ " if item.derived_from else ""  # a working copy, linked to its original
            return mark + display_text(item.original_name)
        if column == TYPE:
            return type_text(item.mime)
        flag = UNVERIFIED_MARK if self.unverified(item) else ""
        if column == CAPTURED:
            shown = captured_text(item.captured_at)
            return flag + shown if shown else ""
        if column == GPS:
            return flag + "◉" if item.gps else ""
        if column == SIZE:
            return human_size(item.size)
        if column == PROVENANCE:
            result = self._provenance.get(item.id)
            if result is None:
                return ""
            state = str(result.get("state"))
            return f"{BADGES.get(state, '?')} {state_words(state)}"
        seal = self.seal(item)
        return "" if seal is None else ("✓" if seal else "✗")

    def _sort_key(self, row: IndexRow, column: int) -> Any:
        if column == SIZE:
            return row.size
        if column == CAPTURED:
            return row.captured_at
        if column == GPS:
            return int(row.gps)
        if column == TYPE:
            return row.mime
        if column == SEAL:
            seal = self.seal(row)
            return -1 if seal is None else int(seal)
        if column == PROVENANCE:
            return str((self._provenance.get(row.id) or {}).get("state", ""))
        return row.name.casefold()

    def _seal_tip(self, item: ItemRow) -> str:
        seal = self.seal(item)
        if seal is None:
            if self._last is not None and not self._last.passed:
                return _("The last verification found problems. Verify again to see which.")
            return _("Not verified yet: the case was never verified, or this item came later.")
        if seal:
            when = local_and_utc(self._last.at)[0] if self._last else ""
            return _("Its bytes hashed to the digest recorded at import (verified {when}).").format(
                when=when
            )
        return _("Verification found a problem with this item. See the custody log.")
