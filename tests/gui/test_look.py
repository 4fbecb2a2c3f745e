"""Look and feel: one icon set shipped with the app for every action, the start page with
the app's icon and recent cases, and a high-contrast look that is a setting."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QToolBar

from ui.look import apply_look
from ui.settings import AppSettings
from ui.widgets.icons import ICONS, icon


def test_every_icon_comes_from_the_shipped_set(qapp):
    assert all(name.startswith("mdi6.") for name in ICONS.values())
    assert all(not icon(concept).isNull() for concept in ICONS)


def test_every_toolbar_action_has_an_icon(window):
    bar = window.findChild(QToolBar)
    actions = [a for a in bar.actions() if a.text()]
    assert actions and all(not a.icon().isNull() for a in actions)


def test_the_start_page_shows_the_icon_and_the_recent_case(case_window):
    case_window.lock()
    case_window.dialog.reject()
    page = case_window.start_page
    assert page.recent.topLevelItemCount() == 1
    row = page.recent.topLevelItem(0)
    assert row.text(0) == "case" and row.text(2)  # name, last opened
    logos = [
        label
        for label in page.findChildren(QLabel)
        if label.pixmap() and not label.pixmap().isNull()
    ]
    assert logos and logos[0].accessibleName() == "Evidence Vault icon"


def test_high_contrast_is_a_setting_that_changes_the_palette(case_window):
    app = QApplication.instance()
    try:
        case_window.apply_settings("en", 10, high_contrast=True)
        assert AppSettings().high_contrast()
        assert app.palette().color(QPalette.ColorRole.Window).name() == "#ffffff"
        assert app.palette().color(QPalette.ColorRole.Highlight).name() == "#00005a"
        assert case_window.workspace is not None  # rebuilt with the case still open
    finally:
        case_window.apply_settings("en", 10, high_contrast=False)
        apply_look(app, high_contrast=False)
    assert not AppSettings().high_contrast()
