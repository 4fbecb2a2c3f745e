"""The desktop app's set-up: the shipped fonts register with Qt and the window builds
offscreen."""

from __future__ import annotations

from ui.app import APP_NAME, build_main_window
from ui.widgets.fonts import MONO_FAMILY, UI_FAMILY, register_fonts


def test_shipped_fonts_register_with_qt(qapp) -> None:
    assert {UI_FAMILY, MONO_FAMILY} <= register_fonts()


def test_main_window_builds_offscreen(qtbot) -> None:
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    # Only what the set-up promises; the window's content has tests of its own.
    assert APP_NAME == "Evidence Vault"
    assert APP_NAME in window.windowTitle()
    assert window.isVisible()
