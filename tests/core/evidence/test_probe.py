"""vault.evidence.probe: the sandboxed, time-limited metadata worker."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from vault.evidence.metadata import FIELD_NAMES
from vault.evidence.probe import MetadataProbe
from vault.i18n import set_language


@pytest.fixture(scope="module")
def probe():
    with MetadataProbe() as shared:
        yield shared


def test_hostile_tiff_does_not_hang_import(corpus, probe):
    started = time.monotonic()
    result = probe.extract(str(corpus / "hostile/slow-printStructure-outbound-read.tif"))
    assert time.monotonic() - started < 5.5
    assert result.mime == "image/tiff"


# Mislabeled-but-valid JPEGs and files with merely odd EXIF may read cleanly; these must warn.
MUST_WARN = ("empty", "text-file", "truncated", "decompression", "png_", "huge-", "fuzzed",
             "broken", "webp-", "heif-", "slow-")  # fmt: skip


def test_every_hostile_file_returns_in_time_with_warnings(corpus, probe):
    for path in sorted((corpus / "hostile").iterdir()):
        started = time.monotonic()
        result = probe.extract(str(path), timeout=5.0)
        assert time.monotonic() - started < 6.0, path.name
        assert set(result.fields) == set(FIELD_NAMES), path.name
        assert not path.name.startswith(MUST_WARN) or result.warnings, path.name


def test_tiny_timeout_kills_the_worker_and_the_next_file_still_works(corpus, probe):
    big = str(corpus / "phone/Apple iPhone 6 plus.jpg")  # 3.6 MB: decoding takes far longer
    stopped = probe.extract(big, timeout=0.001)
    assert stopped.mime == "image/jpeg"
    assert stopped.thumbnail is None and all(v is None for v in stopped.fields.values())
    assert any("stopped after 0.001 s" in w for w in stopped.warnings)
    again = probe.extract(big)
    assert again.fields["model"] == "iPhone 6 Plus" and again.thumbnail is not None


def test_a_dead_worker_is_replaced_for_the_next_file(corpus):
    with MetadataProbe() as own:
        own.extract(str(corpus / "camera/Canon_40D.jpg"))
        first = own._process
        first.kill()
        first.join()
        assert own.extract(str(corpus / "camera/Canon_40D.jpg")).fields["make"] == "Canon"
        assert own._process is not first


def test_a_fifo_is_never_opened(tmp_path):
    fifo = tmp_path / "blocks-on-open.jpg"
    os.mkfifo(fifo)  # opening it would block until a writer comes: never
    with MetadataProbe() as own:
        assert own.extract(str(fifo)).warnings == ["Not a regular file."]


def test_worker_has_a_memory_ceiling(probe, corpus):
    probe.extract(str(corpus / "camera/Canon_40D.jpg"))
    limits = Path(f"/proc/{probe._process.pid}/limits").read_text()
    line = next(row for row in limits.splitlines() if row.startswith("Max address space"))
    assert str(1536 * 1024 * 1024) in line


def test_probe_works_from_a_non_main_thread(corpus):
    results = []

    def run() -> None:
        with MetadataProbe() as own:
            results.append(own.extract(str(corpus / "camera/Canon_40D.jpg")))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert results and results[0].fields["model"] == "Canon EOS 40D"


def test_closing_the_probe_stops_its_worker(corpus):
    own = MetadataProbe()
    own.extract(str(corpus / "camera/Canon_40D.jpg"))
    pid = own._process.pid
    assert Path(f"/proc/{pid}").exists()
    own.close()
    assert not Path(f"/proc/{pid}").exists()  # exited and reaped, not left as a zombie


def test_the_workers_warnings_are_in_the_language_of_the_import(corpus):
    """The worker is a fresh process: it must speak the app's language, as the checks made
    in the app's own process do (a Ukrainian import shows Ukrainian warnings)."""
    path = str(corpus / "edge" / "buggy_panorama.jpg")
    try:
        set_language("uk")
        with MetadataProbe() as probe:
            ukrainian = probe.extract(path).warnings
        set_language("en")
        with MetadataProbe() as probe:
            english = probe.extract(path).warnings
    finally:
        set_language("en")
    assert "GPS: широта 213.640009° поза допустимими межами." in ukrainian
    assert not any("213.640009" in w for w in ukrainian if w in english)
