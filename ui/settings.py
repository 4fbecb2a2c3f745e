"""The app's own settings (QSettings): recent case paths, language, auto-lock minutes.
Nothing evidential is kept here — only paths the user chose and preferences."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from vault.i18n import LANGUAGES

ORGANIZATION = "EvidenceVault"
APPLICATION = "Evidence Vault"
MAX_RECENT = 8
DEFAULT_AUTO_LOCK_MINUTES = 10


class AppSettings:
    """Typed access to the stored preferences."""

    def __init__(self) -> None:
        self._store = QSettings(ORGANIZATION, APPLICATION)

    def recent_cases(self) -> list[Path]:
        value = self._store.value("recent_cases", [])
        paths = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [Path(p) for p in paths if p]

    def remember_case(self, path: Path) -> None:
        """Put `path` first in the recent list (paths only; no title, nothing from inside)."""
        paths = [str(path.resolve())]
        paths += [str(p) for p in self.recent_cases() if str(p) != paths[0]]
        self._store.setValue("recent_cases", paths[:MAX_RECENT])

    def language(self) -> str:
        value = str(self._store.value("language", "en"))
        return value if value in LANGUAGES else "en"

    def set_language(self, language: str) -> None:
        self._store.setValue("language", language)

    def auto_lock_minutes(self) -> int:
        try:
            value = self._store.value("auto_lock_minutes", DEFAULT_AUTO_LOCK_MINUTES)
            minutes = int(value) if isinstance(value, int | str) else DEFAULT_AUTO_LOCK_MINUTES
        except ValueError:
            return DEFAULT_AUTO_LOCK_MINUTES
        return max(1, minutes)

    def set_auto_lock_minutes(self, minutes: int) -> None:
        self._store.setValue("auto_lock_minutes", max(1, int(minutes)))
