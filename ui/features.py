"""Export, Receive and Report: menu entries that are enabled only when the core provides
the feature and the app has a dialog for it; otherwise disabled, saying why."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vault.i18n import _

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.session import CaseSession

Opener = Callable[["QWidget", "CaseSession | None"], None]


@dataclass(frozen=True)
class Feature:
    key: str
    module: str
    functions: tuple[str, ...]
    needs_case: bool
    label: Callable[[], str]
    missing_reason: Callable[[], str]
    opener: Opener | None = None

    def ready(self) -> bool:
        """True when the app can offer it: the core functions exist and a dialog is wired."""
        if self.opener is None:
            return False
        try:
            module = importlib.import_module(self.module)
        except ImportError:
            return False
        return all(callable(getattr(module, name, None)) for name in self.functions)

    def run(self, parent: QWidget, session: CaseSession | None) -> None:
        if self.ready() and self.opener is not None:
            self.opener(parent, session)


FEATURES: tuple[Feature, ...] = (
    Feature(
        "export",
        "vault.package",
        ("export_package",),
        True,
        lambda: _("Export package…"),
        lambda: _("Arrives with the packages feature"),
    ),
    Feature(
        "receive",
        "vault.package",
        ("verify_package", "receive_package"),
        False,
        lambda: _("Receive package…"),
        lambda: _("Arrives with the packages feature"),
    ),
    Feature(
        "report",
        "vault.report",
        ("generate_report",),
        True,
        lambda: _("Report…"),
        lambda: _("Arrives with the reports feature"),
    ),
)
