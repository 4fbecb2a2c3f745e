"""The PySide6 desktop app. It calls `vault/` only; `vault/` never imports from here."""
