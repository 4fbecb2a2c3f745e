"""Provenance figures (issue 13): what the C2PA step costs an import of photos without
manifests (target: at most 1.1x the same import without the step), and how long one photo
with a manifest takes to check (target: under 200 ms).

`EV_BENCH_PHOTOS` sets the number of photos (default 1,000; a shared machine may run 100).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import vault.evidence.ingest as ingest
from bench.common import PASSPHRASE, report, scratch, timed
from vault.case.handle import Case
from vault.evidence.ingest import import_paths
from vault.evidence.probe import MetadataProbe
from vault.provenance.c2pa import might_hold_c2pa
from vault.provenance.check import check_c2pa
from vault.provenance.trust import TrustList, all_lists

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
PHOTOS = int(os.environ.get("EV_BENCH_PHOTOS", "1000"))


def photos(folder: Path, count: int) -> list[Path]:
    """`count` distinct photos: corpus JPEGs without manifests, each made unique by bytes
    after its end (so storage cannot deduplicate them), none holding a C2PA marker."""
    sources = [p for p in sorted((CORPUS / "camera").glob("*.jpg"))
               if not might_hold_c2pa(p.read_bytes())]  # fmt: skip
    folder.mkdir(parents=True)
    made = []
    rng = random.Random(13)
    for n in range(count):
        data = sources[n % len(sources)].read_bytes() + rng.randbytes(16)
        path = folder / f"photo-{n:05d}.jpg"
        path.write_bytes(data)
        made.append(path)
    return made


class _PassThrough:
    """The import stream without the marker scan: what the pipeline was before the step."""

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self.read = read
        self.found = False


@contextmanager
def without_provenance_step() -> Iterator[None]:
    saved = ingest.MarkerScan  # type: ignore[attr-defined]
    ingest.MarkerScan = _PassThrough  # type: ignore[attr-defined, assignment]
    try:
        yield
    finally:
        ingest.MarkerScan = saved  # type: ignore[attr-defined]


def import_once(folder: Path, files: Path) -> float:
    case = Case.create(folder / "bench.evault", PASSPHRASE, title="Benchmark")
    try:
        os.sync()
        return timed(lambda: import_paths(case, [files]))
    finally:
        case.close()
        (folder / "bench.evault").unlink()


def bench_import_cost(folder: Path) -> None:
    files = folder / "photos"
    photos(files, PHOTOS)
    with_step, without = [], []
    for _round in range(3):  # alternate: neither order pays for the other's writeback
        with without_provenance_step():
            without.append(import_once(folder, files))
        with_step.append(import_once(folder, files))
    shutil.rmtree(files)
    print(f"import of {PHOTOS} photos without manifests, best of 3 (median in brackets)")
    report("import without the provenance step (s)", min(without), "s")
    report("import with the provenance step (s)", min(with_step), "s", min(without),
           "without", "ratio <= 1.1")  # fmt: skip
    print(f"  medians: with {statistics.median(with_step):.3f} s, "
          f"without {statistics.median(without):.3f} s")  # fmt: skip


def bench_one_manifest(folder: Path) -> None:
    test_root = (CORPUS / "c2pa" / "test_cert_root_bundle.pem").read_text()
    lists = [*all_lists(), TrustList("c2pa-rs test root", "user", test_root)]
    with MetadataProbe() as probe:
        check_c2pa(probe, str(CORPUS / "c2pa" / "CA.jpg"), "image/jpeg", lists)  # warm worker
        runs = {}
        for name in ("CA.jpg", "XCA.jpg", "C_with_CAWG_data.jpg"):
            times = []
            for _ in range(5):
                started = time.perf_counter()
                check_c2pa(probe, str(CORPUS / "c2pa" / name), "image/jpeg", lists)
                times.append(time.perf_counter() - started)
            runs[name] = min(times)
    for name, seconds in runs.items():
        report(f"check one photo with a manifest: {name} (ms)", seconds * 1000, "ms",
               target="< 200 ms")  # fmt: skip


def main() -> int:
    with scratch("provenance") as folder:
        bench_one_manifest(folder)
        bench_import_cost(folder)
    return 0
