"""Custody entries as a table: seq, local and UTC time, who, what, about what, and the
entry-hash prefix. Rows named by a verification finding are highlighted with the reason."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from ui.widgets.row_table_model import RowTableModel
from ui.widgets.text import display_text, local_and_utc
from vault.custody.entry import Entry, Finding
from vault.i18n import _

FINDING_COLOUR = QColor("#ffd6d6")
WARNING_COLOUR = QColor("#fff3c4")
HASH_PREFIX = 16


def action_label(action: str | None, kept: bool = False) -> str:
    """A readable name for an action; unknown ones show as they are. `kept`: the entry is
    from an earlier holder's log, where an entry without content is one the package
    withheld (its hashes travelled; its content did not)."""
    labels = {
        "case.create": _("Case created"),
        "identity.add": _("Investigator added"),
        "item.import": _("Item imported"),
        "item.describe": _("Item described"),
        "note.add": _("Note added"),
        "note.amend": _("Note amended"),
        "item.access": _("Item accessed"),
        "item.derive": _("Item derived"),
        "custody.transfer": _("Custody transferred"),
        "package.export": _("Package exported"),
        "package.import": _("Package received"),
        "report.generate": _("Report generated"),
        "case.verify": _("Case verified"),
        "case.migrate": _("Case file upgraded"),
    }
    if action is None and kept:
        return _("Withheld (only its hashes travelled)")
    if action is None:
        return _("(content missing or unreadable)")
    return labels.get(action, display_text(action))


class CustodyTableModel(RowTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._names: dict[str, str] = {}
        self._subjects: dict[str, str] = {}
        self._findings: dict[int, list[Finding]] = {}

    def headers(self) -> list[str]:
        return [
            _("Seq"),
            _("Local time"),
            "UTC",
            _("Actor"),
            _("Action"),
            _("Subject"),
            _("Entry hash"),
        ]

    def set_entries(
        self, entries: list[Entry], names: dict[str, str], subjects: dict[str, str] | None = None
    ) -> None:
        """`names`: fingerprint -> person; `subjects`: item or note id -> what to show."""
        self._names, self._subjects = names, subjects or {}
        self.set_rows(entries)

    def set_findings(self, findings: list[Finding]) -> None:
        self.beginResetModel()
        self._findings = {}
        for finding in findings:
            if finding.seq is not None:
                self._findings.setdefault(finding.seq, []).append(finding)
        self.endResetModel()

    def clear(self) -> None:
        self.set_entries([], {})
        self.set_findings([])

    def entry(self, row: int) -> Entry:
        return self._rows[row]

    def highlighted_rows(self) -> list[int]:
        return [row for row, e in enumerate(self._rows) if e.seq in self._findings]

    def cell(self, entry: Entry, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells(entry)[column]
        findings = self._findings.get(entry.seq)
        if role == Qt.ItemDataRole.BackgroundRole and findings:
            errors = any(f.level == "error" for f in findings)
            return QBrush(FINDING_COLOUR if errors else WARNING_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole and findings:
            return "\n".join(display_text(f.reason) for f in findings)
        return None

    def _subject(self, subject: Any) -> str:
        if not subject:
            return "—"
        label = self._subjects.get(subject) if isinstance(subject, str) else None
        return display_text(label) if label else display_text(subject)[:8]

    def _cells(self, entry: Entry) -> list[str]:
        content = entry.content or {}
        local, utc = local_and_utc(str(content.get("at", "")))
        name = self._names.get(entry.actor, "")
        actor = f"{display_text(name)} · {entry.actor[:8]}" if name else entry.actor[:16]
        subject = content.get("subject")
        return [
            str(entry.seq),
            local,
            utc,
            actor,
            action_label(entry.action),
            self._subject(subject),
            entry.entry_hash.hex()[:HASH_PREFIX] + "…",
        ]
