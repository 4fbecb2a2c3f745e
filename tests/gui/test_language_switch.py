"""A live language switch has no side effects: shortcuts keep working (the rebuilt window
must not keep the old actions beside the new ones)."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox


def test_ctrl_f_focuses_the_filter_after_switching_language(case_window, qtbot):
    case_window.apply_settings("uk", 5)
    case_window.apply_settings("en", 5)
    case_window.apply_settings("uk", 5)
    case_window.activateWindow()
    case_window.workspace.details.notes.focus_editor()
    qtbot.keyClick(case_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is case_window.workspace.items.filter


def test_each_shortcut_belongs_to_one_live_action_after_switching(case_window):
    case_window.apply_settings("uk", 5)
    case_window.apply_settings("en", 5)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    shortcuts = Counter(
        a.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
        for a in case_window.findChildren(QAction)
        if not a.shortcut().isEmpty()
    )
    assert shortcuts and all(n == 1 for n in shortcuts.values()), shortcuts


def test_qt_own_dialogs_speak_ukrainian_after_switching(case_window):
    """Qt's bundled qtbase_uk comes with the language: message box buttons and the file
    chooser's labels are Ukrainian too."""
    case_window.apply_settings("uk", 5)
    try:
        box = QMessageBox(
            QMessageBox.Icon.Question, "x", "y",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        )  # fmt: skip
        assert box.button(QMessageBox.StandardButton.Cancel).text() == "Скасувати"
        chooser = QFileDialog(case_window)
        chooser.setOption(QFileDialog.Option.DontUseNativeDialog)
        assert "&Ім'я файлу:" in [label.text() for label in chooser.findChildren(QLabel)]
    finally:
        case_window.apply_settings("en", 5)
    box = QMessageBox(QMessageBox.Icon.Question, "x", "y", QMessageBox.StandardButton.Cancel)
    assert box.button(QMessageBox.StandardButton.Cancel).text() == "Cancel"
