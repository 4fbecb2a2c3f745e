"""Slowing down passphrase guessing: the one implementation the CLI and the desktop app use.

After `free_attempts` failed unlocks, each further try must wait `base_delay`, then twice
that, and so on up to `max_delay`. It only slows a person at the keyboard: someone holding
the file can run SQLCipher's KDF themselves, which is why the KDF itself is slow.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vault.case.handle import Case
from vault.errors import WrongPassphrase

DEFAULT_FREE_ATTEMPTS = 1
DEFAULT_BASE_DELAY = 1.0  # seconds
DEFAULT_MAX_DELAY = 30.0


@dataclass
class UnlockThrottle:
    """Counts failed unlocks and says how long the next try must wait."""

    free_attempts: int = DEFAULT_FREE_ATTEMPTS
    base_delay: float = DEFAULT_BASE_DELAY
    max_delay: float = DEFAULT_MAX_DELAY
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    failures: int = 0
    _next_allowed: float = field(default=0.0, repr=False)

    def delay_after(self, failures: int) -> float:
        """Seconds to wait after `failures` failed tries in a row: 0 while free."""
        if failures <= self.free_attempts or self.base_delay <= 0:
            return 0.0
        return min(self.base_delay * 2.0 ** (failures - self.free_attempts - 1), self.max_delay)

    def failed(self) -> float:
        """Record a failed unlock; return how long the next try must wait."""
        self.failures += 1
        delay = self.delay_after(self.failures)
        self._next_allowed = self.clock() + delay
        return delay

    def succeeded(self) -> None:
        self.failures, self._next_allowed = 0, 0.0

    def remaining(self) -> float:
        """Seconds still to wait before the next try is allowed (0 if allowed now)."""
        return max(0.0, self._next_allowed - self.clock())

    def wait(self, sleep: Callable[[float], None] = time.sleep) -> None:
        if (left := self.remaining()) > 0:
            sleep(left)


def open_with_retries(
    path: Path | str,
    ask: Callable[[], str],
    *,
    tries: int,
    actor: str | None = None,
    throttle: UnlockThrottle | None = None,
    on_wrong: Callable[[WrongPassphrase, float], None] | None = None,
) -> Case:
    """Open a case asking `ask()` for the passphrase up to `tries` times, waiting as the
    throttle says between tries; `on_wrong(error, delay)` hears of each wrong one. The
    last WrongPassphrase is raised when every try failed."""
    throttle = throttle or UnlockThrottle()
    for attempt in range(1, tries + 1):
        throttle.wait()
        try:
            case = Case.open(path, ask(), actor=actor)
        except WrongPassphrase as err:
            delay = throttle.failed()
            if attempt == tries:
                raise
            if on_wrong:
                on_wrong(err, delay)
            continue
        throttle.succeeded()
        return case
    raise ValueError("tries must be at least 1")
