"""A job's thread allocates the most, so CPython's collector would often run there and could
destroy a window's QObject from the wrong thread (a segfault): the app collects cyclic
garbage on the UI thread only (ui/gc_pin.py; installed for these tests by conftest.py)."""

from __future__ import annotations

import gc
import threading

from ui.gc_pin import UiThreadCollector, collect_on_ui_thread


class _Cycle:
    """Garbage only the cyclic collector can free; says on which thread it was freed."""

    def __init__(self, freed_on: list[int]) -> None:
        self.me = self
        self.freed_on = freed_on

    def __del__(self) -> None:
        self.freed_on.append(threading.get_ident())


def test_garbage_made_on_a_job_thread_is_collected_on_the_ui_thread(qtbot) -> None:
    freed_on: list[int] = []
    made: list[list[object]] = []

    def job() -> None:
        _Cycle(freed_on)
        # Enough new objects, kept, to cross CPython's threshold many times over here.
        made.extend([] for _ in range(50_000))

    worker = threading.Thread(target=job)
    worker.start()
    worker.join()
    assert freed_on == []  # nothing collected on the job's thread
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5_000)
    assert freed_on == [threading.get_ident()]


def test_the_app_installs_one_collector(qapp) -> None:
    tests_own = qapp.findChild(UiThreadCollector)  # conftest.py's, put aside meanwhile
    tests_own.uninstall()
    tests_own.setParent(None)
    try:
        assert gc.isenabled()
        first = collect_on_ui_thread(qapp)
        assert collect_on_ui_thread(qapp) is first  # again: still the one collector
        assert qapp.findChildren(UiThreadCollector) == [first]
        assert not gc.isenabled()
    finally:
        for made in qapp.findChildren(UiThreadCollector):
            made.uninstall()
            made.setParent(None)
        tests_own.setParent(qapp)
        tests_own.install()
