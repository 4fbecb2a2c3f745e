"""The evidence list as a Qt model over `vault.evidence.items.list_items`. Rows hold the Item
records (cheap); thumbnails come from a bounded cache, loaded only for painted rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from ui.widgets.row_table_model import RowTableModel
from ui.widgets.text import display_text, human_size, local_and_utc
from ui.widgets.thumbnail_cache import ThumbnailCache
from vault.case.view import LastVerification
from vault.evidence.items import Item
from vault.i18n import _
from vault.provenance.codes import state_explained, state_words

_TIP = Qt.ItemDataRole.ToolTipRole
ItemRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2

NAME, TYPE, CAPTURED, GPS, SIZE, SEAL, PROVENANCE = range(7)
BADGES = {"trusted": "✓✓", "valid": "✓", "invalid": "✗", "unverifiable": "?"}


UNVERIFIED_MARK = "⚠ "


def unverified_tip() -> str:
    """Why an older item's metadata is flagged (translated when asked for)."""
    return _(
        "Recorded by an older version of Evidence Vault: this item's metadata and thumbnail "
        "were stored without a signed digest. They are unverified until Verify custody "
        "recomputes them from the original."
    )


def has_gps(item: Item) -> bool:
    return bool(item.metadata.get("gps_lat") and item.metadata.get("gps_lon"))


def captured_text(item: Item) -> str:
    at = item.metadata.get("captured_at") or ""
    return display_text(at).replace("T", " ")


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
    """Items of the open case. `may_read()` says whether the case can be read right now
    (no job writing); when it cannot, rows show what is already in memory."""

    def __init__(self, thumbnails: ThumbnailCache, may_read: Callable[[], bool]) -> None:
        super().__init__()
        self._thumbnails = thumbnails
        self._may_read = may_read
        self._seals: dict[str, bool] = {}
        self._last: LastVerification | None = None
        self._names: dict[str, str] = {}
        self._provenance: dict[str, dict[str, Any]] = {}
        self._checked: set[str] = set()  # unsigned rows that verify recomputed and found equal

    def headers(self) -> list[str]:
        # The seal column is a mark wide: its header is the mark, its name the tooltip.
        return [_("Name"), _("Type"), _("Captured"), "GPS", _("Size"), "✓", _("Provenance")]

    def header_tips(self) -> dict[int, str]:
        return {SEAL: _("Seal: the item's bytes still hash to the digest recorded at import")}

    def set_items(self, items: list[Item]) -> None:
        self._names = {item.id: item.original_name for item in items}
        self.set_rows(items)

    def name_of(self, item_id: str) -> str | None:
        """The original name of an item of the case (a copy's parent), if it is here."""
        return self._names.get(item_id)

    def copies_of(self, item_id: str) -> list[Item]:
        return [item for item in self._rows if item.derived_from == item_id]

    def clear(self) -> None:
        """Forget every item and thumbnail (the case is locked)."""
        self.set_items([])
        self._seals.clear()
        self._provenance.clear()
        self._checked.clear()
        self._thumbnails.clear()

    def set_seals(self, seals: dict[str, bool]) -> None:
        """item id -> True (bytes verified intact) or False (a finding about it)."""
        self._seals = dict(seals)
        if self._rows:
            self.dataChanged.emit(self.index(0, SEAL), self.index(len(self._rows) - 1, SEAL))

    def show_verification(
        self, last: LastVerification | None, problems: frozenset[str] | None = None
    ) -> None:
        """Seals from the last recorded verification, the one the header's badge shows too:
        items entered before it are intact if it passed; if it failed, `problems` (the ids
        it found at fault, known when it ran in this session) says which. Items entered
        after it are not verified yet."""
        self._last = last
        checked = [i for i in self._rows if last is not None and i.entered_seq < last.seq]
        if last is not None and last.passed:
            self.set_seals({item.id: True for item in checked})
        elif problems is not None:
            self.set_seals({item.id: item.id not in problems for item in checked})
        else:
            self.set_seals({})

    def seal(self, item_id: str) -> bool | None:
        return self._seals.get(item_id)

    def set_provenance(self, results: dict[str, list[dict[str, Any]]]) -> None:
        """item id -> its provenance results, oldest first; the badge shows the latest."""
        self._provenance = {item: found[-1] for item, found in results.items() if found}
        if self._rows:
            last = len(self._rows) - 1
            self.dataChanged.emit(self.index(0, PROVENANCE), self.index(last, PROVENANCE))

    def provenance(self, item_id: str) -> dict[str, Any] | None:
        """The item's latest provenance result, None when it carries no proof."""
        return self._provenance.get(item_id)

    def set_checked(self, item_ids: set[str]) -> None:
        """Items whose unsigned metadata and thumbnail (older case files) a verification
        recomputed from the original and found as stored: shown unflagged from now on."""
        self._checked = set(item_ids)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, SEAL))

    def unverified(self, item: Item) -> bool:
        """Whether what the item shows beyond its signed record (metadata, thumbnail) was
        never signed and not yet checked by a verification (issue 9 §1)."""
        return bool(item.unsigned) and item.id not in self._checked

    def item(self, row: int) -> Item:
        return self._rows[row]

    def items(self) -> list[Item]:
        return list(self._rows)

    def cell(self, item: Item, column: int, role: int) -> Any:
        if role == ItemRole:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == SortRole:
            return self._sort_key(item, column)
        if role == Qt.ItemDataRole.DecorationRole and column == NAME:
            return self._thumbnail(item)
        if role == Qt.ItemDataRole.ToolTipRole and column == SEAL:
            return self._seal_tip(item.id)
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and column in (CAPTURED, GPS)
            and (self.unverified(item))
        ):
            return unverified_tip()
        if role == Qt.ItemDataRole.ToolTipRole and column == NAME:
            return copy_of_text(item, self._names)
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

    def _thumbnail(self, item: Item) -> Any:
        if self.unverified(item):
            return None  # never drawn as evidence until a verification checked it
        if self._may_read() or self._thumbnails.cached(item.id):
            return self._thumbnails.get(item.id)
        return None

    def _display(self, item: Item, column: int) -> str:
        if column == NAME:
            mark = "↳ " if item.derived_from else ""  # a working copy, linked to its original
            return mark + display_text(item.original_name)
        if column == TYPE:
            return display_text(item.mime)
        flag = UNVERIFIED_MARK if self.unverified(item) else ""
        if column == CAPTURED:
            return flag + captured_text(item) if captured_text(item) else ""
        if column == GPS:
            return flag + "◉" if has_gps(item) else ""
        if column == SIZE:
            return human_size(item.size)
        if column == PROVENANCE:
            result = self._provenance.get(item.id)
            if result is None:
                return ""
            state = str(result.get("state"))
            return f"{BADGES.get(state, '?')} {state_words(state)}"
        seal = self._seals.get(item.id)
        return "" if seal is None else ("✓" if seal else "✗")

    def _sort_key(self, item: Item, column: int) -> Any:
        if column == SIZE:
            return item.size
        if column == CAPTURED:
            return captured_text(item).casefold()
        if column == GPS:
            return int(has_gps(item))
        return self._display(item, column).casefold()

    def _seal_tip(self, item_id: str) -> str:
        seal = self._seals.get(item_id)
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
