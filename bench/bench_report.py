"""A signed report of 1,000 items with thumbnails, of a received case (two hands: the
investigator's case exported and received into a lawyer's, so every exhibit shows the
sender's kept log too): time and peak RSS (targets: < 60 s, < 500 MB). BENCH_ITEMS=N runs
it at another scale (a loaded machine).

The baseline, measured in the same run, is reportlab alone drawing the same 1,000
thumbnails (with its stock Image flowable, which decodes each one) and one table row per
item: what the plainest report of this case costs.
Each measurement runs in its own process, so its peak RSS is its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

from bench.common import report

ROOT = Path(__file__).resolve().parent.parent
ITEMS = int(os.environ.get("BENCH_ITEMS", "1000"))
PASSPHRASE = "bench passphrase, not secret"
TARGET_SECONDS, TARGET_MB = 60, 500


def make_photos(folder: Path, count: int) -> None:
    """Small distinct JPEGs (each its own content, so none is deduplicated away)."""
    for n in range(count):
        img = Image.new("RGB", (640, 480), (n % 256, (n * 7) % 256, (n * 13) % 256))
        ImageDraw.Draw(img).text((20, 20), f"photo {n}", fill="white")
        img.save(folder / f"IMG_{n:04d}.jpg", quality=80)


def build_case(folder: Path) -> Path:
    from vault.case.handle import Case
    from vault.evidence.ingest import import_paths

    photos = folder / "photos"
    photos.mkdir()
    make_photos(photos, ITEMS)
    with Case.create(folder / "bench.evault", PASSPHRASE, title="Bench", number="1",
                     organization="Org", investigator="Bench") as case:  # fmt: skip
        import_paths(case, [photos], source="bench")
    shutil.rmtree(photos)
    return folder / "bench.evault"


def receive_case(folder: Path, sender: Path) -> Path:
    """The lawyer's case: the sender's whole case received as one package."""
    from vault.case.handle import Case
    from vault.package.export import export
    from vault.package.receive import receive

    with Case.open(sender, PASSPHRASE) as case:
        export(case, folder / "package", recipient_label="Advocate Petrenko")
    with Case.create(folder / "lawyer.evault", PASSPHRASE, title="Defence",
                     investigator="Advocate Petrenko", role="advocate") as lawyer:  # fmt: skip
        receive(lawyer, folder / "package")
    shutil.rmtree(folder / "package")
    return folder / "lawyer.evault"


def _peak_mb() -> float:
    from vault.platform import peak_rss_mib

    return peak_rss_mib()


def child_report(case_path: str, out: str) -> None:
    from vault.case.handle import Case
    from vault.report.generate import generate_report

    started, cpu = time.perf_counter(), time.process_time()
    with Case.open(case_path, PASSPHRASE) as case:
        result = generate_report(case, out, language="uk")
    seconds = time.perf_counter() - started
    used = time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu": used, "mb": _peak_mb(), "pages": result.pages}))


def child_baseline(case_path: str, out: str) -> None:
    import io

    from reportlab.platypus import Image as RLImage
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    from vault.case.handle import Case
    from vault.evidence.items import list_items, thumbnail
    from vault.report.layout import register_fonts, styles

    started = time.perf_counter()
    register_fonts()
    story: list = []
    with Case.open(case_path, PASSPHRASE) as case:
        for item in list_items(case.conn):
            jpeg = thumbnail(case.conn, item.id)
            assert jpeg is not None, f"{item.original_name} has a thumbnail"
            row = [
                Paragraph(item.original_name, styles()["body"]),
                Paragraph(item.sha256, styles()["mono"]),
            ]
            story += [RLImage(io.BytesIO(jpeg), width=120, height=90), Table([row])]
    SimpleDocTemplate(out).build(story)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "mb": _peak_mb(), "pages": 0}))


def measure(kind: str, case_path: Path, out: Path) -> dict:
    call = f"child_{kind}({str(case_path)!r}, {str(out)!r})"
    code = f"from bench.bench_report import child_{kind}; {call}"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-report-", dir="/tmp") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        case_path = receive_case(folder, build_case(folder))
        print(f"received case of {ITEMS} items built in {time.perf_counter() - started:.1f} s")
        base = measure("baseline", case_path, folder / "baseline.pdf")
        ours = measure("report", case_path, folder / "report.pdf")
        size_mb = (folder / "report.pdf").stat().st_size / 1e6
    print(
        f"baseline (reportlab alone, same thumbnails + rows): {base['seconds']:.1f} s, "
        f"peak RSS {base['mb']:.0f} MB"
    )
    print(
        f"signed report of a received case ({ITEMS} exhibits, uk, {ours['pages']} pages, "
        f"{size_mb:.1f} MB): "
        f"{ours['seconds']:.1f} s ({ours['cpu']:.1f} s of CPU), peak RSS {ours['mb']:.0f} MB"
    )
    baseline = "reportlab alone, same thumbnails + rows"
    fast, small = ours["seconds"] < TARGET_SECONDS, ours["mb"] < TARGET_MB
    report(f"report of {ITEMS:,} items (s)", ours["seconds"], "s", base["seconds"], baseline,
           f"< {TARGET_SECONDS} s at 1,000", fast)  # fmt: skip
    report(f"report of {ITEMS:,} items: peak RSS (MB)", ours["mb"], "MB", base["mb"], baseline,
           f"< {TARGET_MB} MB", small)  # fmt: skip
    return 0 if fast and small else 1


if __name__ == "__main__":
    raise SystemExit(main())
