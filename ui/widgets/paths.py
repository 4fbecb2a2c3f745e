"""Where files are saved by default: a folder that exists, and a name that says what the file
is (case number or title, kind, date), so a USB stick full of packages stays readable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QLineEdit

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
