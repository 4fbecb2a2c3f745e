"""The open case: header, the evidence (list | preview | details) and the custody log.

All reads and writes of the case happen here, on the main thread, and only while no job
runs (`session.busy`); jobs (import, verify) run through the session's worker, and the
views reload when the session says the case changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget

from ui.dialogs.preview_dialog import PreviewDialog
from ui.dialogs.redact_dialog import RedactDialog, can_redact
from ui.errors import show_error
from ui.jobs.session import CaseSession
from ui.jobs.worker import Job, JobContext
from ui.widgets.text import display_text, plain_label, signed_title
from ui.widgets.thumbnail_cache import ThumbnailCache
from ui.workspace.case_header import CaseHeader
from ui.workspace.custody_view import CustodyView
from ui.workspace.details_pane import DetailsPane
from ui.workspace.item_events_tab import written_by
from ui.workspace.item_list import ItemListPane
from ui.workspace.item_model import ItemTableModel
from ui.workspace.media_player import can_play
from ui.workspace.preview_pane import PreviewPane, can_preview, decode_preview, veiled
from ui.workspace.warned_counter import WarnedCounter
from vault.case.handle import Case
from vault.case.view import CaseReader, LastVerification
from vault.custody.anchors import AnchorSummary, case_anchors, timestamp_case
from vault.custody.hands import Event
from vault.custody.tsa import list_tsas
from vault.custody.verify import CaseVerification, record_verification, verify_case
from vault.errors import VaultError
from vault.evidence.derive import DerivedItem
from vault.evidence.ingest import ImportResult, import_paths
from vault.evidence.items import Item
from vault.evidence.notes import Note, add_note, amend_note, describe_item, text_withheld
from vault.evidence.sensitive import blurred
from vault.evidence.stills import save_frame
from vault.i18n import _, ngettext
from vault.provenance.check import Rechecked, recheck_items

EVIDENCE_TAB, LOG_TAB = 0, 1
# Up to this many items, the custody log is read with the list; beyond, when it is shown.
EAGER_LOG_ITEMS = 1_000
# The count of items with warnings starts this long after a reload: the first screen's rows
# and thumbnails are read first.
COUNT_AFTER_MS = 300
BANNER_STYLE = (
    "background: #b00020; color: white; padding: 12px; font-weight: bold; font-size: 15px"
)


SIGNATURE_SLICE = 100  # signatures a tick: 13-20 ms of checks on this machine kind


class CaseWorkspace(QWidget):
    """Emits `import_finished(ImportResult)` and `verify_finished(CaseVerification)`."""

    import_finished = Signal(object)
    verify_finished = Signal(object)
    timestamp_finished = Signal(object)
    frame_saved = Signal(object)  # the DerivedItem of a still saved from a video
    recheck_finished = Signal(object)  # the Rechecked of a "Check provenance again"
    warned_counted = Signal(int)  # items with warnings, once every listed item is counted

    def __init__(self, session: CaseSession) -> None:
        super().__init__()
        self.session = session
        self.thumbnails = ThumbnailCache(self._load_thumbnail)
        self.item_model = ItemTableModel(self.thumbnails, lambda: not self.session.busy)
        self.header = CaseHeader()
        self.items = ItemListPane(self.item_model)
        # "with warnings: N", counted in a thread of its own (stop_workers() joins it).
        self.warned_counter = WarnedCounter(lambda: self.reader.own_connection())
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_AFTER_MS)
        # the signatures the sensitive mark left, checked a slice a tick (vault/case/signatures.py)
        self._signature_timer = QTimer(self)
        self._signature_timer.timeout.connect(self._check_signatures)
        self.preview = PreviewPane()
        self.details = DetailsPane()
        self.custody = CustodyView()
        self.banner = plain_label(_("Rolled back or rewritten"))
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Case views"))
        self.tabs.addTab(self._evidence_page(), _("Evidence"))
        self.tabs.addTab(self.custody, _("Custody log"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        self._names: dict[str, str] = {}
        self._log_stale = True  # the custody log is read when first shown (big cases)
        self.eager_log_items = EAGER_LOG_ITEMS
        # The entries a verification found at fault (their items' seals say ✗).
        self._problems: tuple[int | None, frozenset[int]] | None = None
        self._anchors: AnchorSummary | None = None  # checked on open, verify and time-stamp
        self.preview_window: PreviewDialog | None = None
        self.redact_window: RedactDialog | None = None
        self._select_next: str | None = None  # a new working copy, selected once listed
        self.recheck_box: QMessageBox | None = None
        # Care for the viewer: sensitive items (or all, by setting) are blurred until revealed
        # for this session; nothing of this is stored.
        self.blur_all = False
        self.sensitive: set[str] = set()
        self.revealed: set[str] = set()
        self.reveal_button = QPushButton(_("Reveal for this session"))
        self.reveal_button.setAccessibleName(_("Reveal the picture for this session"))
        self.reveal_button.hide()
        self.redact_button = QPushButton(_("Redact a copy…"))
        self.redact_button.setAccessibleName(_("Redact a working copy"))
        self.redact_button.setEnabled(False)
        preview_layout = self.preview.layout()
        assert preview_layout is not None  # PreviewPane lays itself out
        preview_layout.addWidget(self.reveal_button)
        preview_layout.addWidget(self.redact_button)
        self._connect()

    def _evidence_page(self) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setAccessibleName(_("Evidence"))
        for pane in (self.items, self.preview, self.details):
            splitter.addWidget(pane)
        # List, preview, details: at 1280 px the list's columns all show (see fit_columns)
        # with room for names, and the details keep room for their values (a SHA-256 in
        # two lines); the preview takes what is left (double-click opens it large).
        splitter.setSizes([630, 160, 470])
        for index, stretch in enumerate((1, 2, 1)):  # a wider window widens the preview most
            splitter.setStretchFactor(index, stretch)
        return splitter

    def _connect(self) -> None:
        self.items.item_selected.connect(self.on_item_selected)
        self.items.preview_requested.connect(self.on_preview_requested)
        self.redact_button.clicked.connect(self.on_redact_requested)
        self.reveal_button.clicked.connect(self.on_reveal_requested)
        self.preview.frame_requested.connect(self.start_frame)
        self.details.details.describe_requested.connect(self.on_describe_requested)
        self.details.details.recheck_requested.connect(lambda item: self.start_recheck([item]))
        self.details.notes.note_add_requested.connect(self.on_note_add_requested)
        self.details.notes.note_amend_requested.connect(self.on_note_amend_requested)
        self.custody.verify_requested.connect(self.start_verify)
        self.custody.timestamp_requested.connect(self.start_timestamp)
        self.session.case_changed.connect(self.reload)
        self.tabs.currentChanged.connect(lambda _index: self._show_log_if_wanted())
        self.session.job_started.connect(self.on_job_started)
        self.session.job_ended.connect(self.on_job_ended)
        self._count_timer.timeout.connect(self._count_warned)
        self.warned_counter.counted.connect(self._on_warned_counted)
        # The count waits while the list scrolls: its paints come first (warned_counter.py).
        self.items.table.verticalScrollBar().valueChanged.connect(
            lambda _value: self.warned_counter.hold()
        )
        app = QCoreApplication.instance()
        if app is not None:  # quitting without closing the window still joins the count
            app.aboutToQuit.connect(self.stop_workers)

    @property
    def case(self) -> Case:
        """The open case, for the core's act functions; reads go through `reader`."""
        assert self.session.case is not None, "the case is locked"
        return self.session.case

    @property
    def reader(self) -> CaseReader:
        return self.session.reader

    def reload(self) -> None:
        """Re-read the case into the views, keeping the selection. No-op while a job runs."""
        if self.session.busy or not self.session.open:
            return
        reader = self.reader
        self._show_witness(reader)
        self._names = reader.actor_names()
        actor = reader.actor
        info, signed = reader.info, reader.info_signed  # never the case file's row instead
        title = signed_title(info.title if signed else None)
        self.header.show_case(title, info.number if signed else "", actor.name, actor.fingerprint)
        last = reader.last_verification()
        self.header.show_verification(last, self._names)
        selected = self.items.current_row()
        self._show_sensitive(reader.sensitive_ids())
        self.items.blockSignals(True)  # the selection is restored below, once
        self.item_model.set_lister(reader.lister(), reader.item)
        self.items.blockSignals(False)
        self._count_timer.start()
        self._show_seals(last)
        self.item_model.set_provenance(reader.provenance())
        self._log_stale = True
        self._show_log_if_wanted()
        chosen, self._select_next = self._select_next, None
        self._reselect(chosen or (selected.id if selected else None))

    def _count_warned(self) -> None:
        """Count, off the UI thread, the items with warnings not counted yet (all of them
        once, then those listed since: an item's warnings never change)."""
        if self.session.open and not self.session.busy:
            self.warned_counter.count_to(self.item_model.last_key())

    def _on_warned_counted(self, upto_key: int, count: int) -> None:
        self.items.show_warned(upto_key, count)
        if upto_key >= self.item_model.last_key():
            self.warned_counted.emit(count)

    def settled(self) -> bool:
        """Whether every item listed has been counted for "with warnings: N" and the
        list has drawn the thumbnails a paint deferred (screenshots and tests wait)."""
        counted = self.warned_counter.upto >= self.item_model.last_key()
        return counted and not self.item_model.deferred()

    def _show_sensitive(self, sensitive: set[str]) -> bool:
        """Blur what is sensitive now (whether that changed); check, a slice at a time,
        the signatures left."""
        changed = sensitive != self.sensitive
        if changed:
            self.sensitive = sensitive
            self.thumbnails.clear()
        if self.reader.pending_signatures:
            self._signature_timer.start()
        return changed

    def _check_signatures(self) -> None:
        """One slice of SIGNATURE_SLICE checks (well under the 100 ms a stall may last);
        once none is left, the marks are folded again (no reading) and only the pictures
        follow: what the user is typing in the details stays."""
        if self.session.busy or not self.session.open:
            self._signature_timer.stop()  # the next reload starts it again
            return
        if self.reader.check_signatures(SIGNATURE_SLICE):
            return
        self._signature_timer.stop()
        selected = self.items.current_item()
        was_hidden = selected is not None and self.hidden(selected.id)
        if self._show_sensitive(self.reader.sensitive_ids()):
            self.items.table.viewport().update()
            if selected is not None and self.hidden(selected.id) != was_hidden:
                self._show_preview(selected)

    def stop_workers(self) -> None:
        """Stop and join every thread this workspace started (the case closes, locks or
        the window is rebuilt or quits); what they counted is forgotten."""
        self._count_timer.stop()
        self._signature_timer.stop()
        self.warned_counter.forget()
        self.items.show_warned(0, 0)

    def _show_log_if_wanted(self) -> None:
        """The custody log is read when shown, or at once when the case is small: a log
        of 100,000 entries is not read before the evidence list's first screen."""
        if not self._log_stale or self.session.busy or not self.session.open:
            return
        shown = self.tabs.currentIndex() == LOG_TAB
        if not shown and self.item_model.total() > self.eager_log_items:
            return
        self._log_stale = False
        reader = self.reader
        entries = reader.log_entries()
        self.custody.show_entries(entries, self._names, reader.subject_labels(reader.items()))
        try:
            self.custody.show_kept(reader.kept_events())
        except VaultError as err:  # a kept log edited in the case file: verify says what
            self._show_unreadable(err)
        self._show_anchors(reader, len(entries))

    def _show_seals(self, last: LastVerification | None) -> None:
        """The seals and the header read the same recorded verification; which items it
        found at fault is known only for a run made in this session."""
        problems = self._problems
        if problems is not None and last is not None and problems[0] is None:
            problems = self._problems = (last.seq, problems[1])
        known = problems is not None and last is not None and problems[0] == last.seq
        self.item_model.show_verification(last, problems[1] if known and problems else None)

    def _show_anchors(self, reader: CaseReader, length: int) -> None:
        """DESIGN §8: what the anchors prove, said from the moment the case opens. Tokens
        are checked once (and again by verify and time-stamp); later acts only lengthen
        the tail that rests on the local clock (only time-stamping adds an anchor)."""
        if self._anchors is None:
            self._anchors = reader.anchors()
        self._anchors = replace(self._anchors, length=length)
        self.custody.show_anchors(self._anchors)

    def _show_witness(self, reader: CaseReader) -> None:
        """DESIGN §8: a rolled-back or rewritten case is said first, and loudly."""
        finding = reader.witness_finding
        if finding is None:
            self.banner.hide()
            return
        self.banner.setText("⚠ " + _(
            "This case file is not the one this computer last saw. It was rolled back to an "
            "older copy, cut short, or rewritten. Do not rely on it until this is explained."
        ) + "\n" + display_text(finding.reason))  # fmt: skip
        self.banner.show()

    def _from_every_chain(
        self, item: Item, notes: list[Note]
    ) -> tuple[dict[str, Any], Event | None, tuple[list[Note], dict[str, Event]], list[Event]]:
        """The item's description and who signed it, its notes as signed and their authors,
        and its custody, read from every chain; none of them when a kept log cannot be read
        (the banner says so, and the case stays open for verify)."""
        reader = self.reader
        try:
            return (
                reader.description(item.id),
                reader.described_by(item.id),
                reader.shown_notes(notes),
                reader.history(item.id),
            )
        except VaultError as err:
            self._show_unreadable(err)
            unread = _("Who wrote this note cannot be read (see above); its text is not shown.")
            return {}, None, ([text_withheld(note, unread) for note in notes], {}), []

    def _show_unreadable(self, err: VaultError) -> None:
        """What of the case file cannot be read (a kept log edited since it was received):
        said in the banner, under the witness's finding if there is one, so the case stays
        open for verify."""
        said = "⚠ " + display_text(str(err))
        if self.banner.isVisible() and said not in self.banner.text():
            said = self.banner.text() + "\n" + said
        self.banner.setText(said)
        self.banner.show()

    def _reselect(self, item_id: str | None) -> None:
        """Select the item again (its details re-read), or nothing if it is not shown."""
        self.items.blockSignals(True)
        self.items.table.clearSelection()
        self.items.blockSignals(False)
        if not (item_id and self.items.select_item(item_id)):
            self.on_item_selected(None)

    def clear(self) -> None:
        """The case is locking: every item, thumbnail, note and entry leaves the views."""
        self.stop_workers()  # its connection closes before the case does
        self.item_model.clear()
        self.thumbnails.clear()
        self.preview.show_nothing()
        self.details.clear()
        self.custody.clear()
        self._names = {}
        self._anchors = None
        self._log_stale = True

    def _load_thumbnail(self, item_id: str) -> bytes | None:
        try:  # checked against the signed record its row was read with
            data = self.item_model.listed_thumbnail(item_id)
        except KeyError:
            data = self.reader.thumbnail(item_id)
        return blurred(data) if self.hidden(item_id) else data

    def hidden(self, item_id: str) -> bool:
        """Whether the item's pictures are blurred now (sensitive, or all by setting)."""
        return (self.blur_all or item_id in self.sensitive) and item_id not in self.revealed

    def set_blur_all(self, blur: bool) -> None:
        self.blur_all = blur
        self.thumbnails.clear()
        self.reload()

    def on_reveal_requested(self) -> None:
        item = self.items.current_item()
        if item is None:
            return
        self.revealed.add(item.id)
        self.thumbnails.clear()
        self.reload()

    def on_item_selected(self, item: Item | None) -> None:
        self.redact_button.setEnabled(item is not None and can_redact(item))
        self.reveal_button.hide()
        if item is None:
            self.preview.show_nothing()
            self.details.clear()
            return
        model = self.item_model
        if not self.session.busy:
            self._show_relatives(item)
        self.details.details.show_item(item, model.seal(item), model.unverified(item))
        if self.session.busy:
            self.preview.show_waiting(item)
            return
        self._show_case_data(item)

    def _show_relatives(self, item: Item) -> None:
        """The names of the item's original (for a copy) and of its working copies."""
        reader = self.reader
        parent = reader.item(item.derived_from) if item.derived_from else None
        details = self.details.details
        details.names = {parent.id: parent.original_name} if parent is not None else {}
        details.copies = {item.id: reader.copy_names(item.id)}

    def _show_case_data(self, item: Item) -> None:
        reader = self.reader
        described, by, (notes, authors), history = self._from_every_chain(
            item, reader.notes(about=item.id)
        )
        self.details.details.show_extra(reader.tags(item.id), described, written_by(by))
        self.details.details.show_provenance(self.item_model.provenance(item.id))
        self.details.notes.show_notes(notes, {k: written_by(e) for k, e in authors.items()})
        self.details.events.show_history(history)
        self._show_preview(item)

    def _show_preview(self, item: Item) -> None:
        """The item's picture (blurred if it is hidden), player or file card."""
        reader = self.reader
        hidden = self.hidden(item.id)
        self.reveal_button.setVisible(hidden)
        if can_preview(item):
            image = decode_preview(reader.original(item.id))
            self.preview.show_image(item, veiled(image) if hidden else image)
        elif can_play(item):  # video and audio stream from the case file (§11)
            if not self.preview.showing_media(item.id):  # a reload keeps it playing
                self.preview.show_media(item, reader.playback(item.id))
        else:
            self.preview.show_file(item)

    def on_preview_requested(self) -> None:
        item = self.items.current_item()
        if item is None:
            return
        self.preview_window = PreviewDialog(item, self.preview.image(), self)
        self.preview_window.open()

    def on_redact_requested(self) -> None:
        """Open the redaction dialog on the selected photo, decoded from the case in memory."""
        item = self.items.current_item()
        if item is None or not can_redact(item) or not self._writable():
            return
        try:
            data = b"".join(self.reader.original(item.id))
            self.redact_window = RedactDialog(self.session, item, data, self)
        except VaultError as err:
            show_error(self, err)
            return
        self.redact_window.redacted.connect(self.on_redacted)
        self.redact_window.open()

    def on_redacted(self, made: DerivedItem) -> None:
        self._select_next = made.id  # listed by the reload that follows the job

    def _writable(self) -> bool:
        if self.session.busy:
            show_error(
                self,
                VaultError(
                    _(
                        "Wait until the current task finishes, then try "
                        "again. Your text is still there."
                    )
                ),
            )
            return False
        return True

    def _write(self, act: Callable[[], object]) -> bool:
        """Run one recorded act; errors reach the user and the typed text stays."""
        if not self._writable():
            return False
        try:
            act()
        except (VaultError, OSError) as err:
            show_error(self, err)
            return False
        self.reload()
        return True

    def on_describe_requested(self, item_id: str, fields: dict) -> None:
        self._write(lambda: describe_item(self.case, item_id, fields))

    def on_note_add_requested(self, text: str) -> None:
        item = self.items.current_item()
        about = item.id if item else None
        if self._write(lambda: add_note(self.case, text, about=about)):
            self.details.notes.note_written()

    def on_note_amend_requested(self, note_id: str, text: str) -> None:
        if self._write(lambda: amend_note(self.case, note_id, text)):
            self.details.notes.note_written()

    def start_import(self, paths: Sequence[Path], source: str = "") -> Job | None:
        if not self._writable():
            return None
        case = self.case

        def task(ctx: JobContext) -> ImportResult:
            return import_paths(
                case, list(paths), source=source, progress=ctx.progress,
                cancelled=ctx.cancelled, on_file=ctx.file_started,
            )  # fmt: skip

        return self.session.run(task, _("Importing"), self.on_import_succeeded, self.on_job_failed)

    def start_frame(self, item_id: str, at_ms: int) -> Job | None:
        """Save the video's frame at `at_ms` as a derived item (DESIGN §10), in a job."""
        if not self._writable():
            return None
        case = self.case
        return self.session.run(lambda _ctx: save_frame(case, item_id, at_ms),
                                _("Saving the frame"), self.frame_saved.emit,
                                self.on_job_failed)  # fmt: skip

    def on_import_succeeded(self, result: ImportResult) -> None:
        self.import_finished.emit(result)

    def start_verify(self) -> Job | None:
        if not self._writable():
            return None
        case = self.case

        def task(ctx: JobContext) -> CaseVerification:
            report = verify_case(case, progress=ctx.progress, cancelled=ctx.cancelled)
            record_verification(case, report)
            return report

        self.custody.show_running()
        return self.session.run(
            task, _("Verifying custody"), self.on_verify_succeeded, self.on_job_failed
        )

    def start_timestamp(self) -> Job | None:
        """Ask the first configured service for a token over the head (the one network
        call the app makes, and only when asked). Offline: the error says the head waits."""
        if not self._writable():
            return None
        tsas = list_tsas()
        if not tsas:
            show_error(self, VaultError(_(
                "No time-stamping service is configured. Add the one you trust in Settings."
            )))  # fmt: skip
            return None
        case, tsa = self.case, tsas[0]

        def task(_ctx: JobContext) -> AnchorSummary:
            timestamp_case(case, tsa)
            return case_anchors(case)

        return self.session.run(
            task, _("Time-stamping"), self.on_timestamp_succeeded, self.on_job_failed
        )

    def start_recheck(self, item_ids: list[str] | None = None) -> Job | None:
        """Check the provenance of `item_ids` (None: the whole case) again with today's
        certificate lists, off the UI thread; each new result is appended (the CLI's
        `provenance --recheck` core), never an edit."""
        if self.session.busy:
            show_error(self, VaultError(_("Wait until the current task finishes, then try again.")))
            return None
        case = self.case

        def task(ctx: JobContext) -> Rechecked:
            return recheck_items(case, item_ids, progress=ctx.progress, cancelled=ctx.cancelled)

        return self.session.run(
            task, _("Checking provenance again"), self.on_recheck_succeeded, self.on_job_failed
        )

    def on_recheck_succeeded(self, done: Rechecked) -> None:
        lines = [
            ngettext(
                "Checked {n} item again: {k} new provenance result recorded.",
                "Checked {n} items again: {k} new provenance results recorded.",
                done.checked,
            ).format(n=done.checked, k=len(done.results))
        ]
        names = self.item_model.names_read()
        lines += [
            _("Not checked: {name}: {why}").format(
                name=display_text(names.get(item, item)), why=why
            )
            for item, why in done.skipped.items()
        ]
        self.recheck_box = QMessageBox(QMessageBox.Icon.Information, _("Provenance"),
                                       "\n".join(lines), parent=self)  # fmt: skip
        self.recheck_box.open()
        self.recheck_finished.emit(done)

    def on_timestamp_succeeded(self, summary: AnchorSummary) -> None:
        self._anchors = summary
        self.custody.show_anchors(summary)
        self.tabs.setCurrentIndex(LOG_TAB)
        self.timestamp_finished.emit(summary)

    def on_job_started(self, _job: Job, _title: str) -> None:
        # The job's writes never wait for the count: it goes on after the job, from where
        # it stopped (the reload when the job ends).
        self._count_timer.stop()
        self.warned_counter.stop()
        # Playback goes on: it reads through a connection of its own (CaseReader.playback).
        self.custody.verify.setEnabled(False)
        self.custody.timestamp.setEnabled(False)

    def on_verify_succeeded(self, report: CaseVerification) -> None:
        bad = frozenset(f.seq for f in report.findings if f.level == "error" and f.seq is not None)
        self._problems = (None, bad)  # bound to the recorded entry at the next reload
        # Older items' unsigned metadata: checked once verify recomputed it and said nothing
        # about the item's entry (a warning, such as "could not be recomputed", keeps the flag).
        noted = {f.seq for f in report.findings}
        self.item_model.set_checked(frozenset(seq for seq in noted if seq is not None))
        self.custody.show_verification(report)
        self._anchors = report.anchors
        self.custody.show_anchors(report.anchors)
        self.tabs.setCurrentIndex(LOG_TAB)
        self.verify_finished.emit(report)

    def on_job_failed(self, err: BaseException) -> None:
        self.custody.show_result_none()
        show_error(self, err)

    def on_job_ended(self) -> None:
        self.custody.verify.setEnabled(True)
        self.custody.timestamp.setEnabled(True)
