"""Notes about the selected item: the ones written so far (superseded ones marked), a box
to write a new one, and Amend, which records a new note that supersedes the chosen one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.text import display_block, display_text, local_and_utc, plain_label
from vault.custody.entry import Entry
from vault.evidence.notes import Note
from vault.i18n import _


def signed_by(entry: Entry | None, names: dict[str, str]) -> tuple[str, str]:
    """(who, when in local time) of a signed entry, as the log records them."""
    if entry is None:
        return "", ""
    at = str((entry.content or {}).get("at", ""))
    who = names.get(entry.actor) or entry.actor[:8]
    return display_text(who), local_and_utc(at)[0] if at else ""


def byline(entries: dict[int, Entry], names: dict[str, str], seq: int) -> str:
    """ "Olena K. · 2026-11-30 14:02:11" and a line break, or nothing if the entry is unknown."""
    who, when = signed_by(entries.get(seq), names)
    return f"{who} · {when}\n" if who else ""


class NotesTab(QWidget):
    """Shows notes; asks for writes through `note_add_requested` and `note_amend_requested`."""

    note_add_requested = Signal(str)
    note_amend_requested = Signal(str, str)

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName(_("Notes"))
        self.notes = QListWidget()
        self.notes.setAccessibleName(_("Notes written so far"))
        self.notes.setWordWrap(True)
        self.empty = plain_label(
            text=_(
                "No notes yet. What a witness said, what you saw: write it "
                "below. Notes are never overwritten; an amendment is kept "
                "beside the original."
            )
        )
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName(_("New note"))
        self.editor.setPlaceholderText(_("Write a note (Ctrl+N)"))
        self.editor.setTabChangesFocus(True)
        self.add = QPushButton(_("Add note"))
        self.add.setAccessibleName(_("Add note"))
        self.amend = QPushButton(_("Amend the selected note"))
        self.amend.setAccessibleName(_("Amend the selected note"))
        self.add.clicked.connect(self.on_add_clicked)
        self.amend.clicked.connect(self.on_amend_clicked)
        self.notes.currentItemChanged.connect(self.on_current_note_changed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.amend)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.notes, 2)
        layout.addWidget(self.editor, 1)
        layout.addLayout(buttons)
        self.show_notes([])

    def show_notes(self, notes: list[Note], authors: dict[str, str] | None = None) -> None:
        """`authors`: note id -> who wrote it and when (a received note keeps its author)."""
        self.notes.clear()
        superseded = {n.supersedes for n in notes if n.supersedes}
        for note in notes:
            # An edited note's text is never shown as evidence: only its problem is.
            text = display_block(note.text) if note.text_signed else ""
            if authors and authors.get(note.id):
                text = _("By {author}:").format(author=authors[note.id]) + "\n" + text
            if note.id in superseded:
                text = _("[amended — see below]") + "\n" + text
            if note.problems:  # the case file's row disagrees with the signed log
                text = "\n".join("⚠ " + display_text(p) for p in note.problems) + "\n" + text
                text = text.rstrip("\n")
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, note.id)
            self.notes.addItem(entry)
        self.empty.setVisible(not notes)
        self.amend.setEnabled(False)

    def on_current_note_changed(self, current: QListWidgetItem | None) -> None:
        self.amend.setEnabled(current is not None)

    def on_add_clicked(self) -> None:
        text = self.editor.toPlainText()
        if text.strip():
            self.note_add_requested.emit(text)

    def on_amend_clicked(self) -> None:
        current = self.notes.currentItem()
        text = self.editor.toPlainText()
        if current is not None and text.strip():
            self.note_amend_requested.emit(current.data(Qt.ItemDataRole.UserRole), text)

    def note_written(self) -> None:
        """The request succeeded: the editor empties (it stays full after an error)."""
        self.editor.clear()

    def focus_editor(self) -> None:
        self.editor.setFocus()
