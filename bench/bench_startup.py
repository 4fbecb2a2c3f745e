"""Start-up (issue 17): `evidence-vault --help` and `items` on a small case, each a fresh
interpreter as a user starts it, against a bare interpreter (`python -c pass`) measured in
the same run, the three interleaved so a loaded machine slows them alike. The median of
EV_BENCH_STARTUP_RUNS runs (default 21) of each. Target: under 0.15 s for both.

The app's modules are compiled to bytecode first, as an install has them (bench/common.py
`as_installed`): otherwise, where PYTHONDONTWRITEBYTECODE is set, each run would compile
them from source.

`items` includes unlocking the case (the KDF, PBKDF2-HMAC-SHA512, by design slow), which
is also measured alone so the figure can be read without it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from bench.common import PASSPHRASE, as_installed, report, scratch, timed
from bench.data import evidence_folder

RUNS = int(os.environ.get("EV_BENCH_STARTUP_RUNS", "21"))
TARGET_S = 0.15


def _run(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    as_installed()
    from vault.case.handle import Case
    from vault.evidence.ingest import import_paths

    with scratch("startup") as root:
        evidence_folder(root / "in", 20)
        path = root / "c.evault"
        with Case.create(path, PASSPHRASE, title="Start-up") as case:
            import_paths(case, [root / "in"], source="bench card")
        unlock = statistics.median(
            timed(lambda: Case.open(path, PASSPHRASE).close()) for _ in range(5)
        )
        env = {**os.environ, "EVIDENCE_VAULT_PASSPHRASE": PASSPHRASE}
        commands = {
            "bare": [sys.executable, "-c", "pass"],
            "--help": [sys.executable, "-m", "vault", "--help"],
            "items": [sys.executable, "-m", "vault", "items", str(path)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(RUNS):
            for name, argv in commands.items():
                times[name].append(_run(argv, env))
    bare = statistics.median(times["bare"])
    ok = True
    for name in ("--help", "items"):
        value = statistics.median(times[name])
        met = value < TARGET_S
        ok &= met
        report(f"evidence-vault {name}, median of {RUNS} (s)", value, "s", bare,
               "bare interpreter", f"< {TARGET_S} s", met)  # fmt: skip
    report("unlock alone (the KDF, part of items) (s)", unlock, "s")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
