"""The main window: the start page or the open case, menus and toolbar, drag-and-drop
import, the progress strip, lock (button, Ctrl+L, idle timeout) and settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.import_summary_dialog import ImportSummaryDialog
from ui.dialogs.new_case_dialog import NewCaseDialog
from ui.dialogs.open_case_dialog import DEFAULT_RETRY_DELAY_MS, OpenCaseDialog
from ui.dialogs.settings_dialog import SettingsDialog
from ui.errors import show_error
from ui.idle_watcher import IdleWatcher
from ui.jobs.progress import JobProgress
from ui.jobs.session import CaseSession
from ui.jobs.worker import Job
from ui.language import use_language
from ui.look import apply_look
from ui.settings import AppSettings
from ui.start_page import StartPage
from ui.widgets.icons import icon
from ui.widgets.paths import Choose, choose_files
from ui.widgets.text import signed_title
from ui.workspace.case_workspace import EVIDENCE_TAB, CaseWorkspace
from vault.case.handle import Case
from vault.custody.tsa import list_tsas
from vault.errors import VaultError
from vault.evidence.ingest import ImportResult
from vault.i18n import _, current_language

APP_NAME = "Evidence Vault"
MS_PER_MINUTE = 60_000


def stop_question(parent: QWidget, *, for_another_case: bool = False) -> QMessageBox:
    """Asked when the window closes, or another case is to be created or opened, while a
    task runs. Stopping is the destructive answer, so Enter and Escape both keep the task
    running."""
    if for_another_case:
        text = _(
            "A task is still running in this case. Stop it and close the case? Everything "
            "finished so far is kept and logged; the rest is not done."
        )
        stop = _("Stop the task and close the case")
    else:
        text = _(
            "A task is still running. Stop it and close? Everything finished so far is "
            "kept and logged; the rest is not done."
        )
        stop = _("Stop the task and close")
    box = QMessageBox(
        QMessageBox.Icon.Question,
        APP_NAME,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAccessibleName(_("Stop the running task?"))
    box.button(QMessageBox.StandardButton.Yes).setText(stop)
    keep = box.button(QMessageBox.StandardButton.No)
    keep.setText(_("Keep working"))
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setEscapeButton(keep)
    return box


class MainWindow(QMainWindow):
    """Emits `case_opened()` and `case_locked()`."""

    case_opened = Signal()
    case_locked = Signal()

    def __init__(self, settings: AppSettings, retry_base_ms: int = DEFAULT_RETRY_DELAY_MS) -> None:
        super().__init__()
        self.settings = settings
        self.retry_base_ms = retry_base_ms
        self.session: CaseSession | None = None
        self.workspace: CaseWorkspace | None = None
        self.dialog: QDialog | None = None
        self._actions: list[QAction] = []
        self.summary: ImportSummaryDialog | None = None
        self.idle = IdleWatcher(settings.auto_lock_minutes() * MS_PER_MINUTE)
        self.idle.idle_timed_out.connect(self.on_idle_timed_out)
        self.setAcceptDrops(True)
        self.resize(1280, 800)
        self._build()

    def _build(self) -> None:
        """(Re)build every widget in the current language, keeping the open case."""
        self.setWindowTitle(APP_NAME)
        self.menuBar().clear()
        for bar in self.findChildren(QToolBar):
            self.removeToolBar(bar)
            bar.deleteLater()
        self._drop_actions()
        self._make_actions()
        self._make_menus()
        self.stack = QStackedWidget()
        self.start_page = StartPage(
            self.settings.recent_entries(), self.settings.remembers_recent()
        )
        self.start_page.new_case_requested.connect(self.new_case)
        self.start_page.open_case_requested.connect(self.open_case)
        self.stack.addWidget(self.start_page)
        self.progress = JobProgress()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.progress)
        self.setCentralWidget(central)
        if self.session is not None:
            self._show_workspace(self.session)
        self._update_actions()

    def _drop_actions(self) -> None:
        """Forget the previous build's actions: a rebuilt window that kept them would hold
        two actions per shortcut, and Qt then fires neither ("Ambiguous shortcut")."""
        for action in self._actions:
            self.removeAction(action)
            action.setShortcut(QKeySequence())
            action.deleteLater()
        self._actions = []

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str = "",
        icon_name: str = "",
    ) -> QAction:
        action = QAction(text, self)
        self._actions.append(action)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"{text.rstrip('…')} ({shortcut})")
        if icon_name:
            action.setIcon(icon(icon_name))
        action.triggered.connect(slot)
        return action

    def _make_actions(self) -> None:
        self.new_action = self._action(_("New case…"), self.new_case, "Ctrl+Shift+N", "new-case")
        self.open_action = self._action(
            _("Open case…"), lambda: self.open_case(None), "Ctrl+O", "open-case"
        )
        self.import_action = self._action(
            _("Import…"), self.on_import_triggered, "Ctrl+I", "import"
        )
        self.note_action = self._action(_("Add note"), self.on_note_triggered, "Ctrl+N", "note")
        self.filter_action = self._action(_("Filter"), self.on_filter_triggered, "Ctrl+F")
        self.verify_action = self._action(
            _("Verify custody"), self.on_verify_triggered, "", "verify"
        )
        self.recheck_action = self._action(_("Check provenance again"), self.on_recheck_triggered)
        self.lock_action = self._action(_("Lock"), self.lock, "Ctrl+L", "lock")
        self.settings_action = self._action(
            _("Settings…"), self.on_settings_triggered, "", "settings"
        )
        self.quit_action = self._action(_("Quit"), self.close, "Ctrl+Q", "quit")
        self.export_action = self._action(
            _("Export package…"), self.on_export_triggered, "", "export"
        )
        self.receive_action = self._action(
            _("Receive package…"), self.on_receive_triggered, "", "receive"
        )
        self.report_action = self._action(_("Report…"), self.on_report_triggered, "", "report")
        self.certificate_action = self._action(
            _("Report certificate…"), self.on_certificate_triggered
        )
        self.addAction(self.filter_action)

    def _make_menus(self) -> None:
        case_menu = self.menuBar().addMenu(_("&Case"))
        for action in (
            self.new_action,
            self.open_action,
            None,
            self.import_action,
            self.note_action,
            self.verify_action,
            self.recheck_action,
            None,
            self.export_action,
            self.receive_action,
            self.report_action,
            self.certificate_action,
            None,
            self.lock_action,
            self.settings_action,
            self.quit_action,
        ):
            case_menu.addSeparator() if action is None else case_menu.addAction(action)
        case_menu.setToolTipsVisible(True)
        bar = QToolBar(_("Main actions"))
        bar.setAccessibleName(_("Main actions"))
        bar.setObjectName("main-actions")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (
            self.import_action,
            self.note_action,
            self.verify_action,
            self.export_action,
            self.receive_action,
            self.report_action,
        ):
            bar.addAction(action)
        spacer = QWidget()
        spacer.setSizePolicy(
            spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred
        )
        bar.addWidget(spacer)
        bar.addAction(self.lock_action)
        bar.addAction(self.settings_action)
        self.addToolBar(bar)

    def _update_actions(self) -> None:
        has_case = self.session is not None
        idle = self.session is not None and not self.session.busy
        for action in (
            self.import_action,
            self.note_action,
            self.verify_action,
            self.filter_action,
            self.export_action,
            self.receive_action,
            self.report_action,
            self.certificate_action,
            self.recheck_action,
        ):
            action.setEnabled(idle)
        self.lock_action.setEnabled(has_case)

    def _close_for_another(self) -> bool:
        """New case / Open case with a case open: that case is closed first (asking first
        if a task runs). False if the user kept it."""
        if self.session is None:
            return True
        if self.session.busy and not self._confirm_stop(for_another_case=True):
            return False
        self._close_case()  # cancels the task and waits for its thread to let go
        return True

    def new_case(self) -> None:
        if not self._close_for_another():
            return
        self.dialog = NewCaseDialog(self)
        self.dialog.case_created.connect(self.on_case_ready)
        self.dialog.open()

    def open_case(self, path: Path | None = None) -> OpenCaseDialog | None:
        if not self._close_for_another():
            return None
        dialog = OpenCaseDialog(self.settings.recent_cases(), path, self.retry_base_ms, self)
        dialog.case_opened.connect(self.on_case_ready)
        self.dialog = dialog
        dialog.open()
        return dialog

    def on_case_ready(self, case: Case) -> None:
        self.settings.remember_case(case.path)
        self._show_recent()
        self.session = CaseSession(case)
        self.session.job_started.connect(self.on_job_started)
        self.session.job_ended.connect(self._update_actions)
        self.session.job_ended.connect(self.progress.on_job_finished)
        self._show_workspace(self.session)
        self.idle.start()
        self._update_actions()
        self.case_opened.emit()

    def _show_workspace(self, session: CaseSession) -> None:
        self.workspace = CaseWorkspace(session)
        self.workspace.blur_all = self.settings.blur_all()
        self.workspace.import_finished.connect(self.on_import_finished)
        self.workspace.items.import_requested.connect(self.on_import_triggered)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        if session.case is not None:  # the title its case.create signed, never the row's
            case = session.case
            title = signed_title(case.info.title if case.info_signed else None)
            self.setWindowTitle(f"{title} — {APP_NAME}")
        self.workspace.reload()

    def on_job_started(self, job: Job, title: str) -> None:
        self.progress.track(job, title)
        self._update_actions()

    def import_paths(self, paths: list[Path]) -> Job | None:
        if self.workspace is None or not paths:
            return None
        return self.workspace.start_import(paths, _("Imported in the desktop app"))

    def on_import_triggered(self) -> None:
        if self.workspace is None:
            return
        files = choose_files(self, _("Choose files to import"), what=Choose.OPEN_MANY)
        self.import_paths([Path(f) for f in files])

    def on_import_finished(self, result: ImportResult) -> None:
        self.summary = ImportSummaryDialog(result, self)
        self.summary.open()

    def on_note_triggered(self) -> None:
        if self.workspace is not None:
            self.workspace.tabs.setCurrentIndex(EVIDENCE_TAB)
            self.workspace.details.setCurrentWidget(self.workspace.details.notes)
            self.workspace.details.notes.focus_editor()

    def on_filter_triggered(self) -> None:
        if self.workspace is not None:
            self.workspace.tabs.setCurrentIndex(EVIDENCE_TAB)
            self.workspace.items.focus_filter()

    def on_verify_triggered(self) -> None:
        if self.workspace is not None:
            self.workspace.start_verify()

    # Export, Receive and Report import their dialogs when first opened: the package and
    # report code (reportlab) is slow to load and not needed to show the window.
    def on_export_triggered(self) -> None:
        from ui.dialogs.export_dialog import ExportDialog

        if self.session is not None and self.workspace is not None:
            items = self.workspace.items
            self._open_dialog(
                ExportDialog(self.session, items.shown_ids(), items.selected_ids(), self)
            )

    def on_receive_triggered(self) -> None:
        from ui.dialogs.receive_dialog import ReceiveDialog

        if self.session is not None and self.workspace is not None:
            self._open_dialog(ReceiveDialog(self.session, self))

    def on_report_triggered(self) -> None:
        from ui.dialogs.report_dialog import ReportDialog

        if self.session is not None and self.workspace is not None:
            shown = self.workspace.items.shown_ids()
            self._open_dialog(ReportDialog(self.session, shown, self))

    def on_recheck_triggered(self) -> None:
        if self.workspace is not None:
            self.workspace.start_recheck(None)

    def on_certificate_triggered(self) -> None:
        from ui.dialogs.certificate_dialog import CertificateDialog

        if self.session is not None and self.workspace is not None:
            self._open_dialog(CertificateDialog(self.session, self))

    def _open_dialog(self, dialog: QDialog) -> None:
        """Export, Receive or Report: window-modal; the case reloads when it changed."""
        self.dialog = dialog
        for name in ("export_finished", "report_finished"):
            if hasattr(dialog, name):
                getattr(dialog, name).connect(self.offer_timestamp)
        dialog.open()

    def offer_timestamp(self, *_result: object) -> QMessageBox | None:
        """After an export or a report, when a time-stamping service is configured, offer to
        anchor the head now (DESIGN §8); nothing is contacted unless the user says yes."""
        if self.workspace is None or not list_tsas():
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question, "Evidence Vault", _(
                "Time-stamp the custody head now? Your time-stamping service then proves "
                "that every entry so far, this one included, existed by now."
            ), QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self,
        )  # fmt: skip
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        workspace = self.workspace

        session = workspace.session

        def when_idle() -> None:
            session.job_ended.disconnect(when_idle)
            workspace.start_timestamp()

        def answered(button: object) -> None:
            if box.standardButton(button) != QMessageBox.StandardButton.Yes:  # type: ignore[arg-type]
                return
            # The offer comes as the export's job reports success, before it has ended: a
            # quick Yes waits for it instead of meeting "wait until the task finishes".
            if session.busy:
                session.job_ended.connect(when_idle)
            else:
                workspace.start_timestamp()

        box.buttonClicked.connect(answered)
        self.timestamp_offer = box
        box.open()
        return box

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.workspace is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    def lock(self) -> None:
        """Close the case: stop any job (what finished is kept), forget everything shown,
        and ask for the passphrase again."""
        if self.session is None:
            return
        path = self.session.case.path if self.session.case else None
        self._close_case()
        self.case_locked.emit()
        self.open_case(path)

    def _close_case(self) -> None:
        self.idle.stop()
        if self.workspace is not None:
            self.workspace.clear()
            self.stack.removeWidget(self.workspace)
            self.workspace.deleteLater()
            self.workspace = None
        if self.session is not None:
            self.session.close()
            self.session = None
        self.progress.hide()
        self.setWindowTitle(APP_NAME)
        self._update_actions()

    def on_idle_timed_out(self) -> None:
        if self.session is not None and self.session.busy:
            self.idle.start()  # a long import is not idleness; lock when it is done
            return
        self.lock()

    def on_settings_triggered(self) -> None:
        dialog = SettingsDialog(
            current_language(), self.settings.auto_lock_minutes(), self,
            remember_recent=self.settings.remembers_recent(), blur_all=self.settings.blur_all(),
            high_contrast=self.settings.high_contrast(),
        )  # fmt: skip
        dialog.forget_recent_requested.connect(self.forget_recent)
        dialog.accepted.connect(lambda: self.apply_blur_all(dialog.blur_all.isChecked()))
        dialog.accepted.connect(
            lambda: self.apply_settings(
                dialog.chosen_language(), dialog.chosen_minutes(),
                remember_recent=dialog.chosen_remember_recent(),
                high_contrast=dialog.chosen_high_contrast(),
            )
        )  # fmt: skip
        self.dialog = dialog
        dialog.open()

    def _show_recent(self) -> None:
        self.start_page.show_recent(
            self.settings.recent_entries(), self.settings.remembers_recent()
        )

    def forget_recent(self) -> None:
        """Settings › Forget all remembered paths: gone from disk and from the start page."""
        self.settings.forget_recent()
        self._show_recent()

    def apply_blur_all(self, blur: bool) -> None:
        self.settings.set_blur_all(blur)
        if self.workspace is not None:
            self.workspace.set_blur_all(blur)

    def apply_settings(
        self,
        language: str,
        minutes: int,
        *,
        remember_recent: bool | None = None,
        high_contrast: bool | None = None,
    ) -> None:
        if remember_recent is not None:
            self.settings.set_remembers_recent(remember_recent)
            self._show_recent()
        self.settings.set_auto_lock_minutes(minutes)
        self.idle.set_interval(minutes * MS_PER_MINUTE)
        restyle = high_contrast is not None and high_contrast != self.settings.high_contrast()
        if restyle:
            self.settings.set_high_contrast(bool(high_contrast))
            apply_look(QApplication.instance(), high_contrast=bool(high_contrast))  # type: ignore[arg-type]
        if language == current_language() and not restyle:
            return
        if self.session is not None and self.session.busy:  # the window cannot be rebuilt
            show_error(
                self,
                VaultError(
                    _(
                        "The language changes when the current task has "
                        "finished. Open Settings again then."
                    )
                ),
            )
            return
        self.settings.set_language(language)
        use_language(language)
        if self.workspace is not None:
            self.workspace.stop_workers()  # the rebuilt workspace starts its own
            self.stack.removeWidget(self.workspace)
            self.workspace.deleteLater()
        self._build()

    def shut_down(self) -> None:
        """Ctrl+C or SIGTERM: stop the running task without asking (what finished is kept
        and logged), close the case and the window."""
        self._close_case()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.session is not None and self.session.busy and not self._confirm_stop():
            event.ignore()
            return
        self._close_case()
        event.accept()

    def _confirm_stop(self, *, for_another_case: bool = False) -> bool:
        box = stop_question(self, for_another_case=for_another_case)
        box.exec()
        answer = box.standardButton(box.clickedButton())
        box.deleteLater()
        return answer == QMessageBox.StandardButton.Yes
