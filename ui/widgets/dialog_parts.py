"""Pieces every dialog is built from, written once so they look and behave alike: a line
edit with its accessible name, a path field with its Browse button, a row of buttons on the
left (Add…, Remove), the button row (the main action, named for what it does, then Close or
Cancel), and `fit_to_content`, which grows a dialog when a result appears in it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from vault.i18n import _

Button = QDialogButtonBox.StandardButton


def line_edit(name: str, secret: bool = False, text: str = "") -> QLineEdit:
    """A line edit with accessible name `name`; `secret` hides what is typed."""
    edit = QLineEdit(text)
    edit.setAccessibleName(name)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


PATH_CHARS = 44  # a path field shows about this many characters


def path_row(
    path: QLineEdit, button_text: str, button_name: str, on_browse: Callable[[], None]
) -> QWidget:
    """`path` with a button beside it that opens the file chooser (`on_browse`). The field
    is wide enough to show a folder and a file name, not the last few letters of a path."""
    path.setMinimumWidth(path.fontMetrics().horizontalAdvance("x" * PATH_CHARS))
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    browse = QPushButton(button_text)
    browse.setAccessibleName(button_name)
    browse.clicked.connect(on_browse)
    layout.addWidget(path)
    layout.addWidget(browse)
    return row


def button_row(*buttons: QWidget) -> QHBoxLayout:
    """`buttons` side by side from the left; the rest of the row stays empty."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


def close_buttons(dialog: QDialog) -> QDialogButtonBox:
    """A lone Close button that rejects `dialog`."""
    return _buttons(dialog, Button.Close, _("Close"))


def action_buttons(
    dialog: QDialog,
    action: str,
    on_action: Callable[[], None],
    *,
    action_name: str = "",
    cancel: bool = False,
) -> tuple[QDialogButtonBox, QPushButton]:
    """The main action (`on_action`; accessible name `action_name`, else `action`), then
    Close — or Cancel where leaving drops what was typed — which rejects `dialog`.
    Returns the box and the action's button (to enable or disable it)."""
    dismiss = Button.Cancel if cancel else Button.Close
    buttons = _buttons(dialog, dismiss, _("Cancel") if cancel else _("Close"), Button.Ok)
    button = buttons.button(Button.Ok)
    button.setText(action)
    button.setAccessibleName(action_name or action)
    buttons.accepted.connect(on_action)
    return buttons, button


def _buttons(
    dialog: QDialog, dismiss: Button, text: str, extra: Button = Button.NoButton
) -> QDialogButtonBox:
    buttons = QDialogButtonBox(extra | dismiss)
    button = buttons.button(dismiss)
    button.setText(text)
    button.setAccessibleName(text)
    buttons.rejected.connect(dialog.reject)
    return buttons


DIALOG_MIN_WIDTH = 560


def fit_to_content(dialog: QDialog) -> None:
    """Grow `dialog` so everything in it shows: results (a fingerprint to read out, a list
    of findings) appear after it opened, and a dialog that kept its first size cut them
    off. It never shrinks under the user's hand, and stays within the screen."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    screen = (dialog.screen() or QApplication.primaryScreen()).availableGeometry()
    hint = dialog.sizeHint()
    width = min(max(dialog.width(), hint.width(), DIALOG_MIN_WIDTH), screen.width())
    needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else hint.height()
    height = min(max(dialog.height(), needed, hint.height()), screen.height())
    dialog.resize(width, height)
