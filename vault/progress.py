"""The two callbacks every long job in the core takes (DESIGN §2).

`progress(done, total)` reports work done; `cancelled()` is polled between units of work
and, when it returns True, the job stops without leaving half an act behind.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
