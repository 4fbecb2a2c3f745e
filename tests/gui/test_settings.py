"""Settings: switching to Ukrainian rebuilds the window in Ukrainian and keeps the case open;
the auto-lock minutes are stored."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton

from ui.settings import AppSettings


def test_switching_to_ukrainian_rebuilds_the_window_and_keeps_the_case(case_window):
    case = case_window.session.case
    case_window.apply_settings("uk", 5)
    assert case_window.import_action.text() == "Імпорт…"
    assert case_window.lock_action.text() == "Заблокувати"
    assert case_window.workspace.tabs.tabText(0) == "Докази"
    assert case_window.session.case is case and case_window.workspace.item_model is not None
    assert AppSettings().language() == "uk" and AppSettings().auto_lock_minutes() == 5
    case_window.apply_settings("en", 5)
    assert case_window.import_action.text() == "Import…"


def test_every_input_and_button_has_an_accessible_name(case_window):
    workspace = case_window.workspace
    inputs = workspace.findChildren(QLineEdit) + workspace.findChildren(QPlainTextEdit)
    assert all(w.accessibleName() for w in inputs if w.isVisibleTo(workspace))
    buttons = [b for b in workspace.findChildren(QPushButton) if b.isVisibleTo(workspace)]
    assert buttons and all(b.accessibleName() for b in buttons)
