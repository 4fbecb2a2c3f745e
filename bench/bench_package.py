"""Export and verify-package of a 1 GiB package of 1,670 mixed files (a few videos, many
photos, lots of small documents), against `sha256sum -c` of its manifest.

Target: verify-package within 1.5 × `sha256sum -c` on the same package in the same run.
EV_BENCH_PACKAGE_SCALE=0.1 scales every size down (the file count stays), for a quick look
on a loaded machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from bench.common import MiB, report, scratch, timed
from bench.data import mixed_files
from vault.case.handle import Case
from vault.evidence.ingest import import_paths
from vault.package.export import export
from vault.package.verify import PackageVerification, verify_package

SCALE = float(os.environ.get("EV_BENCH_PACKAGE_SCALE", "1"))
# 1 GiB in 1,670 files: 4 videos, 96 photos, 512 documents, 1,058 small files.
SIZES = [128 * MiB] * 4 + [4 * MiB] * 96 + [256 << 10] * 512 + [16 << 10] * 1024 + [4 << 10] * 34
TARGET = 1.5


def main() -> int:
    sizes = [max(1, int(size * SCALE)) for size in SIZES]
    mib = sum(sizes) / MiB
    with scratch("package") as root:
        mixed_files(root / "in", sizes)
        with Case.create(root / "b.evault", "bench passphrase 2026", title="Bench") as case:
            import_paths(case, [root / "in"])
            shutil.rmtree(root / "in")
            os.sync()
            folder = timed(lambda: export(case, root / "pkg"))
            zipped = timed(lambda: export(case, root / "pkg.zip"))
        results: dict[str, PackageVerification] = {}
        os.sync()
        verify = timed(lambda: results.setdefault("folder", verify_package(root / "pkg")))
        verify_zip = timed(lambda: results.setdefault("zip", verify_package(root / "pkg.zip")))
        sha = timed(lambda: subprocess.run(["sha256sum", "-c", "--quiet", "manifest-sha256.txt"],
                                           cwd=root / "pkg", check=True))  # fmt: skip
        assert all(r.ok for r in results.values())
    print(f"package: {mib:.0f} MiB in {len(sizes):,} originals")
    report("export folder (MiB/s)", mib / folder, "MiB/s")
    report("export .zip (MiB/s)", mib / zipped, "MiB/s")
    ok = verify / sha <= TARGET
    report(f"verify-package, {mib:.0f} MiB in {len(sizes):,} files (s)", verify, "s", sha,
           "sha256sum -c", f"ratio <= {TARGET}", ok)  # fmt: skip
    report(f"verify-package .zip, {mib:.0f} MiB (s)", verify_zip, "s", sha, "sha256sum -c")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
