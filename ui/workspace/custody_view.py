"""The whole custody log, and verification: a clear pass that says what was checked, or
the findings, with their entries highlighted in the log."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.text import display_text, local_and_utc, plain_label, tips_for_elided_cells
from ui.workspace.custody_model import CustodyTableModel
from ui.workspace.item_events_tab import ACTION, HistoryTableModel
from vault.custody.anchors import AnchorSummary
from vault.custody.entry import Entry
from vault.custody.hands import Event
from vault.custody.verify import CaseVerification
from vault.i18n import _, ngettext

PASS_STYLE = "background: #d8f3dc; color: #1b4332; padding: 8px; font-weight: bold"
FAIL_STYLE = "background: #ffd6d6; color: #7a0010; padding: 8px; font-weight: bold"


def pass_text(report: CaseVerification) -> str:
    return _(
        "Custody verified. Log entries checked (every hash, signature and the unbroken "
        "sequence): {entries}. Items re-hashed from their stored bytes: {items}. Notes "
        "checked against their digests: {notes}. Nothing was changed."
    ).format(entries=report.chain.length, items=report.items_checked, notes=report.notes_checked)


class CustodyView(QWidget):
    """Emits `verify_requested()`; shows entries and a verification result."""

    verify_requested = Signal()
    timestamp_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName(_("Custody log"))
        self.model = CustodyTableModel()
        self.verify = QPushButton(_("Verify custody"))
        self.verify.setAccessibleName(_("Verify custody"))
        self.verify.setToolTip(_("Recompute every hash and signature and re-hash every item"))
        self.verify.clicked.connect(self.verify_requested)
        self.timestamp = QPushButton(_("Time-stamp now"))
        self.timestamp.setAccessibleName(_("Time-stamp now"))
        self.timestamp.setToolTip(_(
            "Ask your time-stamping service to sign the custody head: proof, from outside "
            "this computer, that every entry so far existed by then"
        ))  # fmt: skip
        self.timestamp.clicked.connect(self.timestamp_requested)
        self.anchors = plain_label(_("Trusted time"))
        self.anchors.hide()
        self.explain = plain_label(
            text=_(
                "Every act on this case appears here, signed and chained to "
                "the one before: imports, notes, descriptions, exports, "
                "reports, verifications. Nothing can be removed."
            )
        )
        self.result = plain_label(_("Verification result"))
        self.findings = QListWidget()
        self.findings.setAccessibleName(_("Verification findings"))
        self.findings.itemActivated.connect(self.on_finding_activated)
        self.table = self._table()
        self.kept_label = plain_label(
            text=_(
                "Logs of earlier holders, kept as received with their packages: custody from "
                "the first hands, each act signed by its holder's key."
            )
        )
        self.kept_model = HistoryTableModel()
        self.kept = QTableView()
        self.kept.setAccessibleName(_("Kept logs of earlier holders"))
        self.kept.setModel(self.kept_model)
        self.kept.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.kept.verticalHeader().setVisible(False)
        kept_header = self.kept.horizontalHeader()
        kept_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        kept_header.setSectionResizeMode(ACTION, QHeaderView.ResizeMode.Stretch)
        tips_for_elided_cells(self.kept)
        self._layout()
        self.show_result_none()
        self.show_kept([])

    def _table(self) -> QTableView:
        table = QTableView()
        table.setAccessibleName(_("Custody entries"))
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((50, 150, 180, 180, 150, 260, 160)):
            table.setColumnWidth(column, width)
        tips_for_elided_cells(table)  # a long subject or name: whole in its tooltip
        return table

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.explain, 1)
        top.addWidget(self.verify)
        top.addWidget(self.timestamp)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.result)
        layout.addWidget(self.anchors)
        layout.addWidget(self.findings)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.kept_label)
        layout.addWidget(self.kept, 1)

    def show_entries(
        self, entries: list[Entry], names: dict[str, str], subjects: dict[str, str]
    ) -> None:
        self.model.set_entries(entries, names, subjects)
        self.table.scrollToBottom()

    def show_kept(self, events: list[Event]) -> None:
        """The kept sender logs (received cases); hidden for a case that received nothing."""
        self.kept_model.set_rows(events)
        self.kept_label.setVisible(bool(events))
        self.kept.setVisible(bool(events))

    def show_result_none(self) -> None:
        self.result.hide()
        self.findings.hide()
        self.model.set_findings([])

    def show_running(self) -> None:
        self.result.setStyleSheet("")
        self.result.setText(_("Verifying… the window stays usable meanwhile."))
        self.result.show()
        self.findings.hide()

    def show_verification(self, report: CaseVerification) -> None:
        local, utc = local_and_utc(report.at)
        when = _("Checked {local} ({utc}).").format(local=local, utc=utc)
        self.model.set_findings(report.findings)
        self.findings.clear()
        for finding in report.findings:
            line = QListWidgetItem(display_text(str(finding)))
            line.setData(Qt.ItemDataRole.UserRole, finding.seq)
            self.findings.addItem(line)
        self.findings.setVisible(bool(report.findings))
        if report.ok:
            self.result.setStyleSheet(PASS_STYLE)
            self.result.setText("✓ " + pass_text(report) + " " + when)
        else:
            errors = sum(1 for f in report.findings if f.level == "error")
            self.result.setStyleSheet(FAIL_STYLE)
            self.result.setText(
                "✗ "
                + ngettext(
                    "Custody did NOT verify: {n} problem. The entries concerned are highlighted "
                    "below. Do not rely on this case until they are explained.",
                    "Custody did NOT verify: {n} problems. The entries concerned are highlighted "
                    "below. Do not rely on this case until they are explained.",
                    errors,
                ).format(n=errors)
                + " "
                + when
            )
        self.result.show()
        rows = self.model.highlighted_rows()
        if rows:
            self.table.scrollTo(self.model.index(rows[0], 0))

    def show_anchors(self, summary: AnchorSummary) -> None:
        """What is proven about time, in plain words: each anchor, then the unanchored tail,
        then each anchor's problem and each clock-ahead warning (DESIGN §8)."""
        own = {a.seq for a in summary.anchors}  # an anchor's own problem is on its line
        lines = summary.lines() + [
            f"⚠ {display_text(str(f))}" for f in summary.findings if f.seq not in own
        ]
        # Without an anchor the first line already says "no trusted time"; a heading
        # saying "Trusted time:" above it would read as a contradiction.
        text = "\n".join(lines)
        if summary.anchors:
            text = _("Trusted time:") + "\n" + text
        self.anchors.setText(text[:1].upper() + text[1:])  # the first line starts a sentence
        self.anchors.show()

    def on_finding_activated(self, line: QListWidgetItem) -> None:
        seq = line.data(Qt.ItemDataRole.UserRole)
        for row in self.model.highlighted_rows():
            if self.model.entry(row).seq == seq:
                self.table.selectRow(row)

    def clear(self) -> None:
        self.model.clear()
        self.show_kept([])
        self.show_result_none()
        self.anchors.hide()
