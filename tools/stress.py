"""Reliability harness shared by tests/reliability/ and `make stress`.

Power loss is simulated by SIGKILLing a real `python -m vault ...` process group at a
seeded random moment; after each kill the case must open, verify and hold only complete
items. Figures (kills delivered, fuzz cases, refusal reasons) are written as JSON to
$RELIABILITY_OUT when it is set, so `make stress` leaves them for the README.

`RELIABILITY_SCALE=stress` (set by `make stress`) multiplies the counts used by the tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SEED = int(os.environ.get("RELIABILITY_SEED", "20261124"))
MiB = 1 << 20


def stressing() -> bool:
    return os.environ.get("RELIABILITY_SCALE") == "stress"


def scaled(quick: int, stress: int) -> int:
    """The count for `make test` or, under `make stress`, the long run's count."""
    return stress if stressing() else quick


def record_figures(name: str, figures: dict) -> None:
    """Print the figures and, if $RELIABILITY_OUT is set, keep them as <name>.json there."""
    text = json.dumps(figures, indent=2, sort_keys=True, ensure_ascii=False)
    print(f"\n[reliability] {name}: {text}")
    out = os.environ.get("RELIABILITY_OUT")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / f"{name}.json").write_text(text + "\n", encoding="utf-8")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(MiB):
            digest.update(chunk)
    return digest.hexdigest()


def make_evidence_folder(folder: Path, files: int, big_sizes_mb: list[int], seed: int) -> None:
    """A card of `files` small files (0 B to 1.5 MiB, some real photos from the corpus)
    plus one big file per entry of `big_sizes_mb`, spread through the import order."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    photos = sorted((CORPUS / "camera").glob("*.jpg")) if CORPUS.is_dir() else []
    big_at = {rng.randrange(files): size for size in big_sizes_mb}
    for n in range(files):
        target = folder / f"{n:04d}-{rng.choice(['IMG', 'VID', 'DOC', 'AUD'])}.bin"
        if n in big_at:
            _random_file(target, big_at[n] * MiB, rng)
        elif photos and n % 7 == 0:
            shutil.copyfile(rng.choice(photos), target.with_suffix(".jpg"))
        else:
            _random_file(target, rng.choice([0, 1, 900, 40_000, 300_000, 1_500_000]), rng)


def _random_file(path: Path, size: int, rng: random.Random) -> None:
    with open(path, "wb") as f:
        f.write(rng.randbytes(min(size, MiB)) * (size // MiB) + rng.randbytes(size % MiB))


def vault_command(*args: object) -> list[str]:
    return [sys.executable, "-m", "vault", *map(str, args)]


@dataclass
class KillOutcome:
    killed_while_running: bool
    seconds: float
    stderr: str = ""


def run_and_kill(
    argv: list[str], env: dict[str, str], after: float, cwd: Path = ROOT
) -> KillOutcome:
    """Start `argv` in its own process group and SIGKILL the whole group (the CLI and its
    metadata worker: a power cut takes everything) after `after` seconds."""
    # Not measured under `make test`'s coverage: a killed process saves no coverage data, and
    # measuring slows its start so much that the kills would land before any act began.
    env = {k: v for k, v in env.items() if k != "COVERAGE_PROCESS_CONFIG"}
    started = time.monotonic()
    proc = subprocess.Popen(
        argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    try:
        proc.wait(timeout=after)
        running = False
    except subprocess.TimeoutExpired:
        running = True
    if running:
        os.killpg(proc.pid, signal.SIGKILL)
    _, err = proc.communicate()
    _reap_group(proc.pid)
    return KillOutcome(running, time.monotonic() - started, err.decode(errors="replace"))


def _reap_group(pgid: int) -> None:
    """Kill anything left of the group (an orphaned metadata worker) so it cannot linger."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


@dataclass
class Tally:
    """Counts of what fuzzing or killing did, for the README figures."""

    runs: int = 0
    outcomes: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)

    def add(self, outcome: str, reason: str | None = None) -> None:
        self.runs += 1
        self.outcomes[outcome] += 1
        if reason:
            self.reasons[reason[:120]] += 1

    def figures(self) -> dict:
        return {
            "cases": self.runs,
            "outcomes": dict(self.outcomes),
            "reasons": dict(self.reasons.most_common()),
        }
