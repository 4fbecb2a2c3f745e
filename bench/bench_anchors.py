"""Trusted-time figures (issue 11): a time-stamp round trip on loopback, and verifying a log
with one anchor per 100 entries against the same length of log with none.

The TSA is the tests' real one (`openssl ts -reply` behind a loopback HTTP server).
`BENCH_ANCHOR_ENTRIES` scales the log down for a quick look (default 100,000 entries,
1,000 anchors).
"""

from __future__ import annotations

import os
import statistics
from pathlib import Path

from bench.common import PASSPHRASE, bulk_entries, report, scratch, timed
from tests.helpers.tsa import LoopbackTsa
from vault.case.handle import Case
from vault.custody.anchors import timestamp_case
from vault.custody.tsa import Tsa, add_tsa
from vault.custody.verify import verify_case

ENTRIES = int(os.environ.get("BENCH_ANCHOR_ENTRIES", "100000"))
EVERY = 100  # entries per anchor
ROUND_TRIPS = 20


def build(path: Path, tsa: Tsa | None) -> Case:
    """ENTRIES entries; every EVERY-th is an anchor (or, without a TSA, one more entry)."""
    case = Case.create(path, PASSPHRASE, title="Anchored log" if tsa else "Plain log")
    written = 1
    while written < ENTRIES:
        bulk_entries(case, min(EVERY - 1, ENTRIES - written), f"review from {written}")
        written += min(EVERY - 1, ENTRIES - written)
        if written < ENTRIES:
            if tsa:
                timestamp_case(case, tsa)
            else:
                bulk_entries(case, 1, "in place of an anchor")
            written += 1
    return case


def main() -> int:
    with scratch("anchors") as folder:
        os.environ["XDG_DATA_HOME"] = str(folder / "data")  # witness files stay in scratch
        service = LoopbackTsa(folder / "tsa")
        with service.running():
            tsa = Tsa("bench", service.url, service.ca.read_text())
            rt_case = Case.create(folder / "rt.evault", PASSPHRASE, title="Round trips")
            trips = [timed(lambda: timestamp_case(rt_case, tsa)) for _ in range(ROUND_TRIPS)]
            rt_case.close()
            report("time-stamp round trip on loopback, median (ms)",
                   statistics.median(trips) * 1000, "ms")  # fmt: skip
            anchored = build(folder / "anchored.evault", tsa)
        plain = build(folder / "plain.evault", None)
        # verify trusts the user's configured TSAs: configure this one, in a scratch folder.
        os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
        add_tsa("bench", tsa.url, tsa.ca_pem)
        base = timed(lambda: verify_case(plain))
        ours = timed(lambda: verify_case(anchored))
        result = verify_case(anchored)
        assert result.ok and len(result.anchors.anchors) == (ENTRIES - 1) // EVERY
        anchors = len(result.anchors.anchors)
        ok = ours <= 1.1 * base
        report(f"verify {ENTRIES:,} entries with {anchors:,} anchors (s)", ours, "s", base,
               "same length, no anchors", "ratio <= 1.1", ok)  # fmt: skip
        anchored.close()
        plain.close()
    return 0 if ok else 1
