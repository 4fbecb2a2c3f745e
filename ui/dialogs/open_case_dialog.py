"""Open case: which file (recent paths or Browse) and its passphrase. A wrong passphrase
keeps the dialog open with the message; each further failure makes the next try wait
longer, so guessing is slow."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QVBoxLayout, QWidget

from ui.errors import error_message
from ui.widgets.dialog_parts import action_buttons, line_edit, path_row
from ui.widgets.paths import choose_into
from ui.widgets.text import display_text, plain_label
from vault.case.handle import Case
from vault.case.unlock import UnlockThrottle
from vault.errors import VaultError, WrongPassphrase
from vault.i18n import _, ngettext

DEFAULT_RETRY_DELAY_MS = 1000
MAX_RETRY_DELAY_MS = 30_000
RETRY_TICK_MS = 1000


def retry_delay_ms(failures: int, base_ms: int) -> int:
    """No wait after the first failure, then base, 2×base, 4×base... up to a cap.
    The rule is the core's (vault.case.unlock.UnlockThrottle), shared with the CLI."""
    throttle = UnlockThrottle(1, base_ms / 1000, MAX_RETRY_DELAY_MS / 1000)
    return round(throttle.delay_after(failures) * 1000)


class OpenCaseDialog(QDialog):
    """Asks for a case file and its passphrase; `case_opened` carries the open Case."""

    case_opened = Signal(object)

    def __init__(
        self,
        recent: list[Path],
        path: Path | None = None,
        retry_base_ms: int = DEFAULT_RETRY_DELAY_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Open case"))
        self.setAccessibleName(_("Open case"))
        self.case: Case | None = None
        self.failures = 0
        self._retry_base_ms = retry_base_ms
        self._retry_left_ms = 0
        self._failure_text = ""
        self._retry_timer = QTimer(self)
        self._retry_timer.timeout.connect(self.on_retry_tick)
        self.recent = self._recent_list(recent)
        self.path = line_edit(_("Case file"), text=str(path or (recent[0] if recent else "")))
        self.passphrase = line_edit(_("Passphrase"), secret=True)
        self.message = plain_label(_("Problem"))
        self.message.setStyleSheet("color: #b00020")
        self._layout()
        self.passphrase.setFocus()

    def _recent_list(self, recent: list[Path]) -> QListWidget:
        widget = QListWidget()
        widget.setAccessibleName(_("Recent cases"))
        widget.addItems([display_text(p) for p in recent])
        # itemClicked too: clicking the already selected path fills it in again after
        # the user typed over it (currentTextChanged alone does not fire then).
        widget.currentTextChanged.connect(self.on_recent_chosen)
        widget.itemClicked.connect(lambda entry: self.on_recent_chosen(entry.text()))
        widget.setVisible(bool(recent))
        return widget

    def _layout(self) -> None:
        row = path_row(self.path, _("Browse…"), _("Browse for a case file"), self.on_browse_clicked)
        buttons, self.open_button = action_buttons(
            self, _("Open"), self.on_open_requested, action_name=_("Open the case"), cancel=True
        )
        layout = QVBoxLayout(self)
        if self.recent.count():
            layout.addWidget(QLabel(_("Recent cases")))
            layout.addWidget(self.recent)
        layout.addWidget(QLabel(_("Case file")))
        layout.addWidget(row)
        layout.addWidget(QLabel(_("Passphrase")))
        layout.addWidget(self.passphrase)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def on_recent_chosen(self, text: str) -> None:
        self.path.setText(text)
        self.passphrase.setFocus()

    def on_browse_clicked(self) -> None:
        choose_into(self.path, self, _("Open a case file"),
                    _("Case files (*.evault);;All files (*)"), self.path.text())  # fmt: skip

    def on_open_requested(self) -> None:
        if not self.open_button.isEnabled():
            return
        try:
            self.case = Case.open(
                Path(self.path.text().strip()).expanduser(), self.passphrase.text()
            )
        except WrongPassphrase as err:
            self._failed(error_message(err))
            return
        except (VaultError, OSError) as err:
            self.message.setText(error_message(err))
            return
        self.passphrase.clear()
        self.case_opened.emit(self.case)
        self.accept()

    def _failed(self, message: str) -> None:
        self.failures += 1
        self.passphrase.selectAll()
        self._failure_text = message
        self._retry_left_ms = retry_delay_ms(self.failures, self._retry_base_ms)
        if self._retry_left_ms:
            self.open_button.setEnabled(False)
            self._retry_timer.start(min(self._retry_left_ms, RETRY_TICK_MS))
        self._show_failure()

    def _show_failure(self) -> None:
        """The failure and, while the wait lasts, how long is left (it counts down)."""
        seconds = -(-self._retry_left_ms // 1000)
        wait = ngettext(
            "You can try again in {n} second.", "You can try again in {n} seconds.", seconds
        )
        self.message.setText(self._failure_text + (" " + wait.format(n=seconds) if seconds else ""))

    def on_retry_tick(self) -> None:
        self._retry_left_ms = max(0, self._retry_left_ms - self._retry_timer.interval())
        self._show_failure()
        if self._retry_left_ms:
            self._retry_timer.setInterval(min(self._retry_left_ms, RETRY_TICK_MS))
            return
        self._retry_timer.stop()
        self.open_button.setEnabled(True)
        self.passphrase.setFocus()
