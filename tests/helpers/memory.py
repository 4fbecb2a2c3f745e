"""Python heap peaks of a piece of work, for the tests that bound memory per item."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable


def heap_peak(work: Callable[[], object], runs: int = 2) -> int:
    """The lowest tracemalloc peak of `runs` runs of `work`, in bytes (the first run of a
    path may load modules and fill caches that later runs reuse)."""
    peaks = []
    for _ in range(runs):
        tracemalloc.start()
        try:
            work()
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    return min(peaks)
