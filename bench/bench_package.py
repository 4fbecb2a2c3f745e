"""Export and verify-package of a 1 GiB package, against `sha256sum -c` of its manifest.

Target: verify-package within 1.5 × `sha256sum -c` on the same package in the same run.
Set EV_BENCH_PACKAGE_MIB to use another size.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from vault.case.handle import Case
from vault.evidence.ingest import import_paths
from vault.package.export import export
from vault.package.verify import PackageVerification, verify_package

SIZE_MIB = int(os.environ.get("EV_BENCH_PACKAGE_MIB", "1024"))
FILE_MIB = 128
TARGET = 1.5


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _sources(folder: Path) -> None:
    for n in range(max(1, SIZE_MIB // FILE_MIB)):
        with open(folder / f"video_{n:02}.mp4", "wb") as f:
            for _i in range(min(FILE_MIB, SIZE_MIB)):
                f.write(os.urandom(1 << 20))


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="ev-bench-package-", dir="/tmp"))
    try:
        (root / "in").mkdir()
        _sources(root / "in")
        with Case.create(root / "b.evault", "bench passphrase 2026", title="Bench") as case:
            import_paths(case, [root / "in"])
            shutil.rmtree(root / "in")
            folder = _timed(lambda: export(case, root / "pkg"))
            zipped = _timed(lambda: export(case, root / "pkg.zip"))
        results: dict[str, PackageVerification] = {}
        verify = _timed(lambda: results.setdefault("folder", verify_package(root / "pkg")))
        verify_zip = _timed(lambda: results.setdefault("zip", verify_package(root / "pkg.zip")))
        sha = _timed(lambda: subprocess.run(["sha256sum", "-c", "--quiet", "manifest-sha256.txt"],
                                            cwd=root / "pkg", check=True))  # fmt: skip
        assert all(r.ok for r in results.values())
        mib = SIZE_MIB
        print(f"package: {mib} MiB in {max(1, SIZE_MIB // FILE_MIB)} originals")
        print(f"export folder        {folder:6.2f} s  {mib / folder:6.0f} MiB/s")
        print(f"export .zip          {zipped:6.2f} s  {mib / zipped:6.0f} MiB/s")
        print(f"sha256sum -c         {sha:6.2f} s  {mib / sha:6.0f} MiB/s")
        print(f"verify-package dir   {verify:6.2f} s  {mib / verify:6.0f} MiB/s  "
              f"ratio {verify / sha:.2f}× (target ≤ {TARGET}×)")  # fmt: skip
        print(f"verify-package .zip  {verify_zip:6.2f} s  ratio {verify_zip / sha:.2f}×")
        return 0 if verify / sha <= TARGET else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
