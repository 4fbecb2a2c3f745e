"""Where files are saved by default: a folder that exists, and a name that says what the file
is (case number or title, kind, date), so a USB stick full of packages stays readable; and
the one way the app asks for a file (`choose_files`; `choose_into` fills a path field), which
leaves no trace on the machine."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHeaderView,
    QLineEdit,
    QSplitter,
    QTreeView,
    QWidget,
)

from vault.case.casefile import CaseInfo
from vault.userdirs import file_name, first_existing_folder


def default_folder() -> Path:
    """The user's documents folder if it exists, else ~/Documents, else the home folder."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return first_existing_folder(docs, Path.home() / "Documents")


def case_label(info: CaseInfo) -> str:
    """What names a case in a file name: its number, else its title."""
    return info.number.strip() or info.title.strip()


def default_path(*parts: str, suffix: str) -> Path:
    """`default_folder()/<parts joined>-<today><suffix>`."""
    return default_folder() / file_name(*parts, date.today().isoformat(), suffix=suffix)


class FollowingPath:
    """Keeps a path field's default name in step with the dialog's choices (the language of
    a report, the title of a new case) until the user types or browses a path of their own."""

    def __init__(self, edit: QLineEdit, path: Path) -> None:
        self.edit = edit
        self._set(path)
        edit.textEdited.connect(self._user_chose)
        self.following = True

    def _set(self, path: Path) -> None:
        self._last = str(path)
        self.edit.setText(self._last)

    def _user_chose(self) -> None:
        self.following = False

    def follow(self, path: Path) -> None:
        if self.following and self.edit.text() == self._last:
            self._set(path)

    def chosen(self, path: str) -> None:
        """The user picked `path` in a file chooser: it stays."""
        self.following = False
        self.edit.setText(path)


class Choose(Enum):
    """What a file chooser asks for."""

    OPEN = "open"  # one existing file
    OPEN_MANY = "many"  # existing files
    SAVE = "save"  # a new file's name (the core never replaces one, so no overwrite prompt)


def file_dialog(
    parent: QWidget | None, caption: str, start: str, filters: str, what: Choose
) -> QFileDialog:
    """Qt's own file chooser, never the desktop's: the app's language on every label (the
    desktop's would speak its own) and no "recent files" list that GTK or a portal keeps."""
    dialog = QFileDialog(parent, caption, start, filters)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.resize(880, 540)  # Qt's default hides the modification date; fits 1280x800
    places = dialog.findChild(QSplitter, "splitter")
    if places is not None:  # the places on the left, named in full ("Комп'ютер")
        places.setSizes([170, 710])
    files = dialog.findChild(QTreeView, "treeView")
    if files is not None:  # size, type and date whole; the name takes the rest
        header = files.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, header.count()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    if what is Choose.SAVE:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    else:
        many = what is Choose.OPEN_MANY
        dialog.setFileMode(
            QFileDialog.FileMode.ExistingFiles if many else QFileDialog.FileMode.ExistingFile
        )
    return dialog


def choose_files(
    parent: QWidget | None, caption: str, start: str = "", filters: str = "",
    what: Choose = Choose.OPEN,
) -> list[str]:  # fmt: skip
    """Ask for a file (or files): the chosen paths, [] when cancelled. The chooser's history
    and last folder, which Qt writes to its own settings file when a chooser is destroyed,
    never reach the disk (case paths must not be kept outside the case)."""
    with qt_keeps_no_history():
        dialog = file_dialog(parent, caption, start, filters, what)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            return dialog.selectedFiles() if accepted else []
        finally:
            shiboken6.delete(dialog)  # now, while its settings go nowhere


def choose_file(
    parent: QWidget | None, caption: str, start: str = "", filters: str = "",
    what: Choose = Choose.OPEN,
) -> str:  # fmt: skip
    """One chosen path, or "" when cancelled."""
    chosen = choose_files(parent, caption, start, filters, what)
    return chosen[0] if chosen else ""


def choose_into(
    field: QLineEdit, parent: QWidget | None, caption: str, filters: str, start: str = ""
) -> None:
    """Ask for one file to open and put its path in `field`; cancelling leaves it as it was."""
    chosen = choose_file(parent, caption, start, filters)
    if chosen:
        field.setText(chosen)


def _file_dialog_settings() -> dict[str, Any]:
    qt = QSettings(QSettings.Scope.UserScope, "QtProject")
    return {key: qt.value(key) for key in qt.allKeys() if key.startswith("FileDialog/")}


@contextmanager
def qt_keeps_no_history() -> Iterator[None]:
    """QFileDialog's destructor saves its history and last folder to QtProject's settings
    (~/.config/QtProject.conf), with no option to stop it. Where those settings are a file
    (Linux, BSD), they are pointed at a path that cannot be written while the chooser lives,
    so nothing is written at all; elsewhere (registry, plist) the values from before are put
    back afterwards."""
    before = _file_dialog_settings()
    file = Path(QSettings(QSettings.Scope.UserScope, "QtProject").fileName())
    redirect = file.suffix == ".conf"
    if redirect:
        QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, os.devnull)
    try:
        yield
    finally:
        if redirect:
            QSettings.setPath(
                QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(file.parent)
            )
        if _file_dialog_settings() != before:
            qt = QSettings(QSettings.Scope.UserScope, "QtProject")
            qt.remove("FileDialog")
            for key, value in before.items():
                qt.setValue(key, value)
            qt.sync()
