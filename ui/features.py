"""Export, Receive and Report: menu entries enabled only when the core provides the
feature; otherwise disabled, with a tooltip saying why. Their dialogs are imported only
when opened, so a missing core module never breaks the app."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vault.i18n import _

if TYPE_CHECKING:
    from ui.main_window import MainWindow

Opener = Callable[["MainWindow"], None]


@dataclass(frozen=True)
class Feature:
    key: str
    module: str
    functions: tuple[str, ...]
    label: Callable[[], str]
    missing_reason: Callable[[], str]
    opener: Opener

    def ready(self) -> bool:
        """True when the core module exists and provides every function the dialog calls."""
        try:
            module = importlib.import_module(self.module)
        except ImportError:
            return False
        return all(callable(getattr(module, name, None)) for name in self.functions)


def _open_export(window: MainWindow) -> None:
    from ui.dialogs.export_dialog import ExportDialog

    items = window.workspace.items  # type: ignore[union-attr]
    window.show_feature_dialog(
        ExportDialog(window.session, items.shown_ids(), items.selected_ids(), window)
    )


def _open_receive(window: MainWindow) -> None:
    from ui.dialogs.receive_dialog import ReceiveDialog

    window.show_feature_dialog(ReceiveDialog(window.session, window))


def _open_report(window: MainWindow) -> None:
    from ui.dialogs.report_dialog import ReportDialog

    shown = window.workspace.items.shown_ids()  # type: ignore[union-attr]
    window.show_feature_dialog(ReportDialog(window.session, shown, window))


FEATURES: tuple[Feature, ...] = (
    Feature("export", "vault.package.export", ("export",),
            lambda: _("Export package…"),
            lambda: _("Arrives with the packages feature"), _open_export),
    Feature("receive", "vault.package.receive", ("receive", "verify_package"),
            lambda: _("Receive package…"),
            lambda: _("Arrives with the packages feature"), _open_receive),
    Feature("report", "vault.report.generate", ("generate_report",),
            lambda: _("Report…"),
            lambda: _("Arrives with the reports feature"), _open_report),
)  # fmt: skip
