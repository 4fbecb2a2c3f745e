"""Discover and run every `bench/bench_*.py` module's `main()`, in name order.

`python -m bench` runs all of them; `python -m bench ingest custody` runs only
`bench_ingest` and `bench_custody`. One failing benchmark does not stop the others, but
the exit status is 1 if any failed, so `make bench` reports it.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


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


def run_one(module_name: str) -> bool:
    """Run one benchmark in a fresh interpreter, so that its memory figures (peak RSS is a
    process's high-water mark) and warm caches are its own; True when it succeeded."""
    print(f"\n=== {module_name} ===", flush=True)
    started = time.perf_counter()
    code = f"import bench.{module_name} as b; raise SystemExit(b.main())"
    result = subprocess.run([sys.executable, "-c", code], cwd=BENCH_DIR.parent).returncode
    elapsed = time.perf_counter() - started
    ok = result == 0
    print(f"--- {module_name}: {'ok' if ok else 'FAILED'} in {elapsed:.1f} s", flush=True)
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    modules = discover(sys.argv[1:] if argv is None else argv)
    if not modules:
        print("No benchmarks yet: add bench/bench_<name>.py with a main().")
        return 0
    failed = [name for name in modules if not run_one(name)]
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
