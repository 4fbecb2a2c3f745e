"""Fixtures for the desktop app's tests: a real main window offscreen, real case files.

Settings are isolated by the root conftest (HOME and XDG dirs in tmp), so QSettings here
never reads or writes the user's own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.helpers.case import new_case
from ui.dialogs.open_case_dialog import OpenCaseDialog
from ui.gc_pin import UiThreadCollector
from ui.main_window import MainWindow
from ui.refcount_guard import guard_singletons
from ui.settings import AppSettings
from ui.workspace.warned_counter import WORKER_PREFIX
from vault.i18n import set_language


@pytest.fixture(scope="session", autouse=True)
def pyside_refcount_guard() -> None:
    """See ui/refcount_guard.py: without it a long GUI test run aborts at exit."""
    guard_singletons()


@pytest.fixture(scope="package", autouse=True)
def collected_on_the_ui_thread(qapp) -> Iterator[None]:
    """As the app does (ui/gc_pin.py): cyclic garbage is collected on the UI thread only,
    for these tests; the other tests keep CPython's own collector."""
    collector = UiThreadCollector(qapp)
    collector.install()
    yield
    collector.uninstall()
    collector.deleteLater()


@pytest.fixture(autouse=True)
def no_list_worker_left() -> Iterator[None]:
    """Every thread the evidence list starts is stopped and joined when its case or window
    closes: none may outlive the test (widgets are closed before this runs)."""
    yield
    left = [t.name for t in threading.enumerate() if t.name.startswith(WORKER_PREFIX)]
    assert not left, f"evidence-list threads left running: {left}"


@pytest.fixture
def settings(isolated_settings: Path) -> AppSettings:
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      str(isolated_settings / ".config"))  # fmt: skip
    return AppSettings()


@pytest.fixture
def window(qtbot, settings: AppSettings) -> Iterator[MainWindow]:
    set_language("en")
    win = MainWindow(settings, retry_base_ms=0)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    set_language("en")


@pytest.fixture
def case_window(window: MainWindow, tmp_path: Path) -> MainWindow:
    """The window with a fresh, empty case open."""
    window.on_case_ready(new_case(tmp_path))
    return window


@pytest.fixture
def camera(corpus: Path) -> Path:
    """../shared/corpus/camera, imported in place."""
    return corpus / "camera"


@pytest.fixture
def import_and_wait(qtbot):
    """A function: import `paths` through the window, wait, return the ImportResult."""

    def run(window: MainWindow, paths: list[Path]):
        assert window.workspace is not None
        with qtbot.waitSignal(window.workspace.import_finished, timeout=60_000) as blocker:
            window.import_paths(paths)
        qtbot.waitUntil(lambda: window.session is not None and not window.session.busy)
        return blocker.args[0]

    return run


@pytest.fixture
def refused_twice(qtbot, settings: AppSettings, tmp_path: Path):
    """A function: the Open case dialog of a new case (tmp_path/case.evault) after two wrong
    passphrases, its first wait to try again being `retry_base_ms`."""
    new_case(tmp_path).close()

    def open_and_fail(retry_base_ms: int) -> OpenCaseDialog:
        dialog = OpenCaseDialog([], tmp_path / "case.evault", retry_base_ms=retry_base_ms)
        qtbot.addWidget(dialog)
        for _ in range(2):
            dialog.passphrase.setText("wrong wrong wrong")
            dialog.open_button.click()
        return dialog

    return open_and_fail
