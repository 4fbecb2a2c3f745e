"""The only network addresses a test may reach: ("127.0.0.1", port) pairs of loopback
services a test started itself (the TSA tests), added and removed by that test's fixture.
The audit hook in tests/conftest.py refuses every other connect."""

from __future__ import annotations

LOOPBACK_ALLOWED: set[tuple[str, int]] = set()
