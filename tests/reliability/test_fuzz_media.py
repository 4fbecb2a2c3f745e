"""Hostile video and audio containers, fuzzed (DESIGN §11): mutated copies of
../shared/corpus/video go through the sandboxed metadata worker. Nothing crashes or hangs,
memory stays capped by the worker's limit, every file gives well-formed fields or warnings.
Hypothesis is seeded, so a failure reproduces; `make stress` runs many more cases.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from test_fuzz import mutated

from tools.stress import CORPUS, SEED, scaled
from vault.evidence.media import MEDIA_FIELDS
from vault.evidence.metadata import FIELD_NAMES, Extracted
from vault.evidence.probe import MetadataProbe

PROBE_TIMEOUT = 3.0
SEEDS = sorted(p for p in (CORPUS / "video").iterdir()
               if p.suffix not in (".json", ".md") and p.stat().st_size <= 2 << 20)  # fmt: skip
FUZZ = settings(max_examples=scaled(60, 2000), deadline=None, database=None,
                suppress_health_check=list(HealthCheck))  # fmt: skip


@pytest.fixture(scope="module")
def probe():
    with MetadataProbe() as worker:
        yield worker


def check_media(found: Extracted) -> None:
    assert isinstance(found, Extracted) and found.mime
    assert set(found.fields) <= {*FIELD_NAMES, *MEDIA_FIELDS}
    assert all(v is None or type(v) in (str, int) for v in found.fields.values())
    assert all(isinstance(w, str) and w for w in found.warnings)
    assert found.thumbnail is None or found.thumbnail[:2] == b"\xff\xd8"
    json.dumps([found.fields, found.tags, found.warnings])


@pytest.mark.slow
@seed(SEED)
@FUZZ
@given(data=st.data())
def test_mutated_media_never_crash_or_hang_the_worker(probe, tmp_path_factory, data):
    original = data.draw(st.sampled_from(SEEDS))
    target = tmp_path_factory.mktemp("media") / original.name
    target.write_bytes(data.draw(mutated(original.read_bytes())))
    started = time.monotonic()
    check_media(probe.extract(str(target), timeout=PROBE_TIMEOUT))
    assert time.monotonic() - started < PROBE_TIMEOUT + 10


def test_a_video_named_as_a_photo_is_read_as_the_video_it_is(probe, tmp_path: Path) -> None:
    renamed = tmp_path / "IMG_0001.jpg"
    renamed.write_bytes((CORPUS / "video" / "with-gps.mp4").read_bytes())
    found = probe.extract(str(renamed))
    check_media(found)
    assert found.mime == "video/mp4" and found.fields["duration_ms"] == 171
    assert any(".jpg" in w and "video/mp4" in w for w in found.warnings)
