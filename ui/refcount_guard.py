"""Workaround for a PySide6 6.12 bug on Python 3.11: every call of a Qt method that
returns nothing (`processEvents()`, `QTimer.start()`...) drops one reference to None too
many, and some bool returns do the same to True/False. A long session or test run drains
their reference counts and CPython aborts ("none_dealloc"). Python 3.12 made these objects
immortal; on 3.11 we give them a reference count that cannot run out."""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 40


def guard_singletons() -> None:
    """Make None, True and False effectively immortal. Idempotent; no-op on 3.12+."""
    if sys.version_info >= (3, 12) or getattr(sys, "_evidence_vault_refcount_guard", False):
        return
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _HEADROOM
    sys._evidence_vault_refcount_guard = True  # type: ignore[attr-defined]
