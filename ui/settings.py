"""The app's own settings (QSettings): recent case paths (only while the user lets it keep
them), language, auto-lock minutes. Nothing evidential is kept here — only paths the user
chose and preferences. Outside a case file the app keeps nothing else about a case except
the witnessed head (vault/custody/witness.py: the case id and its head's hash, no title,
no names, no path), which finds a rolled-back case file."""

from __future__ import annotations

from datetime import datetime
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

    def remembers_recent(self) -> bool:
        """Whether opened case paths are kept for the start page (on unless turned off)."""
        return str(self._store.value("remember_recent", "true")).lower() == "true"

    def set_remembers_recent(self, remember: bool) -> None:
        """Turning it off forgets the paths kept so far too: off means none is on disk."""
        self._store.setValue("remember_recent", "true" if remember else "false")
        if not remember:
            self.forget_recent()

    def forget_recent(self) -> None:
        """Forget every remembered case path."""
        self._store.remove("recent_cases")
        self._store.remove("recent_opened")
        self._store.sync()

    def recent_cases(self) -> list[Path]:
        return [path for path, _opened in self.recent_entries()]

    def recent_entries(self) -> list[tuple[Path, str]]:
        """(path, when it was last opened: local 'YYYY-MM-DD HH:MM' or '') newest first."""
        if not self.remembers_recent():
            return []
        paths = self._strings("recent_cases")
        opened = self._strings("recent_opened")
        opened += [""] * (len(paths) - len(opened))
        return [(Path(p), when) for p, when in zip(paths, opened, strict=False) if p]

    def _strings(self, key: str) -> list[str]:
        value = self._store.value(key, [])
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [str(v) for v in values]

    def remember_case(self, path: Path) -> None:
        """Put `path` first in the recent list (its path and when; no title, nothing from
        inside), if the user lets the app remember paths."""
        if not self.remembers_recent():
            return
        first = str(path.resolve())
        entries = [(first, datetime.now().strftime("%Y-%m-%d %H:%M"))]
        entries += [(str(p), when) for p, when in self.recent_entries() if str(p) != first]
        entries = entries[:MAX_RECENT]
        self._store.setValue("recent_cases", [p for p, _when in entries])
        self._store.setValue("recent_opened", [when for _p, when in entries])

    def high_contrast(self) -> bool:
        return str(self._store.value("high_contrast", "false")).lower() == "true"

    def set_high_contrast(self, on: bool) -> None:
        self._store.setValue("high_contrast", "true" if on else "false")

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

    def blur_all(self) -> bool:
        """Whether every thumbnail and preview is blurred until revealed (care for viewers
        of graphic material), not only those of items marked sensitive."""
        return str(self._store.value("blur_all", "false")).lower() == "true"

    def set_blur_all(self, blur: bool) -> None:
        self._store.setValue("blur_all", "true" if blur else "false")
