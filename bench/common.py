"""Shared helpers for benchmarks: scratch folders, timing, figures, child-process RSS."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from vault.case.casefile import key_pragma
from vault.case.handle import Case
from vault.custody.entry import sign_entry
from vault.platform import peak_rss_mib

PASSPHRASE = "benchmark passphrase, long enough"
MiB = 1 << 20


def as_installed() -> None:
    """Compile the app's modules to bytecode, as an install ships them (pip compiles them,
    the one-folder build bundles them). Where PYTHONDONTWRITEBYTECODE is set (as on this
    machine) and the checkout has none, every fresh interpreter (each start-up measured,
    each metadata worker) would otherwise compile every module it imports from source: tens
    of milliseconds no user pays (issue 17: start-up, photo import)."""
    import compileall

    root = Path(__file__).resolve().parent.parent
    for package in ("vault", "ui"):
        compileall.compile_dir(root / package, quiet=1)


@contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    """A temporary folder on the local disk, removed afterwards whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix=f"evault-bench-{prefix}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def report(name: str, value: float, unit: str, baseline: float | None = None,
           baseline_name: str = "", target: str = "", ok: bool | None = None) -> None:  # fmt: skip
    """One line per figure: the value, the same-run baseline and their ratio; `ok` says
    whether it met its target (None: no target). Each figure is also recorded for the
    summary table `python -m bench` prints at the end (bench/__main__.py)."""
    line = f"{name:<44} {value:>10.3f} {unit}"
    if baseline:
        line += f"   {baseline_name}: {baseline:.3f} {unit}   ratio {value / baseline:.2f}"
    if target:
        line += f"   [target: {target}{'' if ok is None else ', met' if ok else ', MISSED'}]"
    print(line, flush=True)
    summary = os.environ.get("EV_BENCH_SUMMARY")
    if summary:
        record = {"bench": os.environ.get("EV_BENCH_NAME", ""), "name": name, "value": value,
                  "unit": unit, "baseline": baseline, "baseline_name": baseline_name,
                  "target": target, "ok": ok}  # fmt: skip
        with open(summary, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")


def child_peak_rss_mb(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command in a fresh child; (seconds, the child's peak RSS in MB)."""
    code = (
        "import subprocess, sys, time\n"
        "from vault.platform import peak_rss_mib\n"
        "t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True)\n"
        "print(time.perf_counter() - t, peak_rss_mib(children=True))"
    )
    out = subprocess.run([sys.executable, "-c", code, *argv], env=env, check=True,
                         capture_output=True, text=True).stdout.split()  # fmt: skip
    return float(out[-2]), float(out[-1])


def own_peak_rss_mb() -> float:
    return peak_rss_mib()


def bulk_entries(case: Case, count: int, purpose: str = "review") -> None:
    """Give a case a long past: `count` signed `item.access` entries by its actor, written in
    one transaction through a connection of the bench's own. (The app writes one entry per
    act, each waiting on an fsync; that is not what the figures built on these measure.)"""
    conn = sqlcipher.connect(str(case.path), isolation_level=None)
    try:
        conn.execute(key_pragma(PASSPHRASE))
        head = conn.execute("SELECT seq, entry_hash FROM custody ORDER BY seq DESC").fetchone()
        after = (head[0], bytes(head[1]))
        conn.execute("BEGIN")
        for n in range(count):
            details = {"purpose": f"{purpose} {n}"}
            entry, text = sign_entry(case.id, case.signer, after, "item.access", details=details)
            conn.execute(
                "INSERT INTO custody VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.seq, entry.prev, entry.content_hash, entry.entry_hash, entry.actor,
                 entry.sig, text, "item.access", None),
            )  # fmt: skip
            after = (entry.seq, entry.entry_hash)
        conn.execute("COMMIT")
    finally:
        conn.close()
