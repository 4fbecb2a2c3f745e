"""verify-package's peak memory whatever the package holds (issue 9 §5): target < 300 MB.

Each case runs `python -m vault verify-package` in a fresh child and reads its peak RSS:
- 10,000 members of 64 KiB (many files: per-file bookkeeping must stay small);
- 100 members of 64 MiB (6.4 GiB in all: nothing may be kept whole);
both outside data/originals/, where a reader might keep files, deflated about 100 to 1 so
the archives stay small on disk; and a real `.zip.age` (scrypt needs 256 MiB by itself).
Set EV_BENCH_VERIFY_SCALE=0.1 for a quick look at a tenth of the sizes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from bench.common import MiB, report, scratch
from vault.case.handle import Case
from vault.evidence.ingest import import_paths
from vault.package.export import export

TARGET_MB = 300
SCALE = float(os.environ.get("EV_BENCH_VERIFY_SCALE", "1"))
SECRET = "bench package passphrase"


def hostile_zip(path: Path, members: int, size: int) -> None:
    """`members` files of `size` bytes under data/extra/ (not a package: refused, but every
    byte is still read and hashed), each 1 KiB block 8 random bytes and 1016 zeros."""
    block = (os.urandom(8) + bytes(1016)) * (min(size, 4 * MiB) // 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        for n in range(members):
            with z.open(f"bag/data/extra/{n:05d}.bin", "w", force_zip64=True) as member:
                for _start in range(0, size, len(block)):
                    member.write(block)


def sealed_package(folder: Path) -> Path:
    (folder / "in").mkdir()
    (folder / "in" / "photo.bin").write_bytes(os.urandom(MiB))
    with Case.create(folder / "c.evault", "bench passphrase 2026", title="Bench") as case:
        import_paths(case, [folder / "in"])
        export(case, folder / "p.zip.age", encrypt_passphrase=SECRET)
    return folder / "p.zip.age"


def measure(name: str, package: Path) -> float:
    env = {**os.environ, "EVIDENCE_VAULT_PASSPHRASE": SECRET}
    argv = [sys.executable, "-m", "vault", "verify-package", str(package)]
    seconds, peak = peak_rss(argv, env)
    report(f"verify-package, {name}: peak RSS (MB)", peak, "MB", target=f"< {TARGET_MB} MB",
           ok=peak < TARGET_MB)  # fmt: skip
    report(f"verify-package, {name} (s)", seconds, "s")
    return peak


def peak_rss(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of a child, whatever its exit code (a refusal exits 1)."""
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter(); subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, *argv], env=env, check=True,
                         capture_output=True, text=True).stdout.split()  # fmt: skip
    return float(out[-2]), int(out[-1]) / 1024


def main() -> int:
    peaks = []
    with scratch("verify-memory") as root:
        many = int(10_000 * SCALE)
        hostile_zip(root / "many.zip", many, 64 << 10)
        peaks.append(measure(f"{many:,} members of 64 KiB", root / "many.zip"))
        (root / "many.zip").unlink()
        large = max(1, int(100 * SCALE))
        hostile_zip(root / "large.zip", large, 64 * MiB)
        peaks.append(measure(f"{large} members of 64 MiB", root / "large.zip"))
        (root / "large.zip").unlink()
        peaks.append(measure(".zip.age (scrypt work factor 18)", sealed_package(root)))
    return 0 if max(peaks) < TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
