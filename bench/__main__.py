"""Discover and run every `bench/bench_*.py` module's `main()`, in name order, then print a
summary table of every figure with its baseline, ratio and target.

`python -m bench` runs all of them; `python -m bench ingest custody` runs only
`bench_ingest` and `bench_custody`. Each runs in its own interpreter under a time limit
(EV_BENCH_TIMEOUT seconds each, default 3600), so a stuck part is stopped and reported and
the run goes on to the end unattended. One failing benchmark does not stop the others, but
the exit status is 1 if any failed or missed its target, so `make bench` reports it. The
table is also written to build/bench-summary.md (the README copies it).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
TIMEOUT = float(os.environ.get("EV_BENCH_TIMEOUT", "3600"))


def discover(names: Sequence[str] = ()) -> list[str]:
    """Module names of the benchmarks to run: all of them, or those asked for by name."""
    found = sorted(path.stem for path in BENCH_DIR.glob("bench_*.py"))
    if not names:
        return found
    wanted = [name if name.startswith("bench_") else f"bench_{name}" for name in names]
    unknown = sorted(set(wanted) - set(found))
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(found)}")
    return wanted


def run_one(module_name: str, summary: Path | None = None) -> str:
    """Run one benchmark in a fresh interpreter, so that its memory figures (peak RSS is a
    process's high-water mark) and warm caches are its own: 'ok', 'FAILED' or 'TIMED OUT'.
    A benchmark that outlives TIMEOUT is stopped with everything it started."""
    print(f"\n=== {module_name} ===", flush=True)
    started = time.perf_counter()
    code = f"import bench.{module_name} as b; raise SystemExit(b.main())"
    env = {**os.environ, "EV_BENCH_NAME": module_name.removeprefix("bench_")}
    if summary is not None:
        env["EV_BENCH_SUMMARY"] = str(summary)
    child = subprocess.Popen([sys.executable, "-c", code], cwd=BENCH_DIR.parent, env=env,
                             start_new_session=True)  # fmt: skip
    try:
        outcome = "ok" if child.wait(timeout=TIMEOUT) == 0 else "FAILED"
    except subprocess.TimeoutExpired:
        _stop(child)
        outcome = "TIMED OUT"
    elapsed = time.perf_counter() - started
    print(f"--- {module_name}: {outcome} in {elapsed:.1f} s", flush=True)
    return outcome


def _stop(child: subprocess.Popen[bytes]) -> None:
    """Stop the benchmark and the workers it started (its own session)."""
    killpg = getattr(os, "killpg", None)
    if killpg is not None:
        killpg(child.pid, signal.SIGKILL)
    else:
        child.kill()
    child.wait()


def table(records: list[dict[str, Any]], outcomes: dict[str, str]) -> str:
    """The summary as a Markdown table: one row per figure, then any part that failed."""
    rows = ["| bench | figure | value | baseline | ratio | target | met |",
            "|---|---|---:|---|---:|---|---|"]  # fmt: skip
    for r in records:
        base = f"{r['baseline']:.3g} {r['unit']} ({r['baseline_name']})" if r["baseline"] else ""
        ratio = f"{r['value'] / r['baseline']:.2f}" if r["baseline"] else ""
        met = {True: "yes", False: "**no**", None: ""}[r["ok"]]
        value = f"{r['value']:.3g} {r['unit']}"
        rows.append(f"| {r['bench']} | {r['name']} | {value} | {base} | {ratio} | "
                    f"{r['target']} | {met} |")  # fmt: skip
    missed = {r["bench"] for r in records if r["ok"] is False}
    for name, outcome in outcomes.items():
        if outcome != "ok" and name.removeprefix("bench_") not in missed:
            rows.append(
                f"| {name.removeprefix('bench_')} | (whole part) | {outcome} | | | | **no** |"
            )
    return "\n".join(rows) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    modules = discover(sys.argv[1:] if argv is None else argv)
    if not modules:
        print("No benchmarks yet: add bench/bench_<name>.py with a main().")
        return 0
    with tempfile.TemporaryDirectory(prefix="ev-bench-summary-") as tmp:
        summary = Path(tmp) / "figures.jsonl"
        summary.touch()
        outcomes = {name: run_one(name, summary) for name in modules}
        records = [json.loads(line) for line in summary.read_text().splitlines() if line]
    text = table(records, outcomes)
    print("\n=== summary ===\n" + text, flush=True)
    out = BENCH_DIR.parent / "build" / "bench-summary.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text, encoding="utf-8")
    failed = [n for n, o in outcomes.items() if o != "ok"]
    missed = [r["name"] for r in records if r["ok"] is False]
    if failed:
        print(f"Failed: {', '.join(failed)}")
    if missed:
        print(f"Missed targets: {'; '.join(missed)}")
    return 1 if failed or missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
