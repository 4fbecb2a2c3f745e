"""The one place where failures become messages: plain words and what to do next.

A VaultError already carries a message fit for the user; anything else is a bug, shown
without its internals (which may hold evidence) and logged by type only.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from ui.widgets.text import display_text
from vault.errors import VaultError
from vault.i18n import _

log = logging.getLogger(__name__)


def error_message(err: BaseException) -> str:
    """The text the user reads for `err`."""
    if isinstance(err, VaultError):
        return str(err)
    if isinstance(err, OSError) and err.filename:
        return _(
            "{path} could not be read or written ({reason}). Check the disk and the "
            "folder's permissions, then try again. Nothing was lost."
        ).format(path=display_text(err.filename), reason=err.strerror or type(err).__name__)
    if isinstance(err, OSError):
        return _(
            "The file could not be read or written ({reason}). Check the disk and the "
            "file's permissions, then try again. Nothing was lost."
        ).format(reason=err.strerror or type(err).__name__)
    log.error("unexpected error: %s", type(err).__name__)
    return _(
        "Something unexpected went wrong. Nothing already saved was lost. Try again; if it "
        "happens again, note what you did and tell your technical contact."
    )


def show_error(parent: QWidget | None, err: BaseException) -> QMessageBox:
    """A window-modal message box explaining `err`; it does not block the event loop."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Evidence Vault",
        error_message(err),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAccessibleName(_("Error message"))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
