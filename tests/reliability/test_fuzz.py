"""Hostile input, fuzzed: mutated copies of ../shared/corpus images go through the sandboxed
metadata probe (and a sample through a real import), and mutated copies of the
independent package-good vector through verify-package. Nothing crashes or hangs; every
input imports (with warnings, recorded) or is refused with a reason (recorded).

Seeds are read in place and copies are mutated in a temporary folder. Hypothesis is seeded,
so a failure reproduces; `make stress` runs thousands of cases instead of hundreds.
"""

from __future__ import annotations

import hashlib
import json
import re
import resource
import shutil
import time
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tools.stress import CORPUS, SEED, Tally, record_figures, scaled
from vault.errors import VaultError
from vault.evidence.media import MEDIA_FIELDS
from vault.evidence.metadata import FIELD_NAMES, MAX_TAG_CHARS, MAX_TAGS, Extracted
from vault.evidence.probe import MetadataProbe
from vault.package.verify import verify_package

PROBE_TIMEOUT = 2.0  # seconds a file may take; the probe kills the worker past it
SEED_DIRS = ("camera", "phone", "orientation", "edge", "hostile", "tiff", "png", "webp", "heif",
             "avif", "raw")  # fmt: skip
GOOD = CORPUS.parent / "vectors" / "package-good"
FUZZ = settings(max_examples=scaled(300, 5000), deadline=None, database=None,
                suppress_health_check=list(HealthCheck))  # fmt: skip


def seed_files() -> list[Path]:
    found = [p for d in SEED_DIRS for p in sorted((CORPUS / d).glob("*")) if p.is_file()]
    return [p for p in found if p.stat().st_size <= 4 << 20]  # mutate the small ones


SEEDS = seed_files()
CACHE: dict[Path, bytes] = {}


def seed_bytes(path: Path) -> bytes:
    if path not in CACHE:
        CACHE[path] = path.read_bytes()
    return CACHE[path]


@st.composite
def mutated(draw, original: bytes) -> bytes:
    """Byte flips, truncation, insertions, overwrites and repeated slices, 1 to 8 of them."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        op = draw(st.sampled_from(["flip", "truncate", "insert", "overwrite", "repeat"]))
        if op == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "overwrite":
            fill = draw(st.sampled_from([b"\x00", b"\xff", b"\x7f", b"\x80"]))
            data[at : at + draw(st.integers(1, 256))] = fill * 256
        else:
            data[at:at] = bytes(data[at : at + 512]) * draw(st.integers(1, 20))
    return bytes(data)


@pytest.fixture(scope="module")
def probe():
    with MetadataProbe() as worker:
        yield worker


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def reason_of(message: str) -> str:
    """Aggregate messages by kind: drop bracketed detail, quoted names and numbers."""
    message = re.sub(r"\s*\(.*", "", message)
    message = re.sub(r"'[^']*'|\S*package-good/\S*( \S+\.jpg)?", "…", message)
    return re.sub(r"\d+(\.\d+)?", "#", message).strip()


def tally_first(tally: Tally, messages: Sequence[object], found: str, none: str) -> None:
    """Count one run as `found`, by the kind of its first message, or as `none` without any."""
    if messages:
        tally.add(found, reason_of(str(messages[0])))
    else:
        tally.add(none)


def check_extracted(found: Extracted) -> None:
    """What the import stores must be well-formed whatever the file said."""
    assert isinstance(found, Extracted) and isinstance(found.mime, str) and found.mime
    # A mutation can make an image sniff as audio or video (MPEG frame sync): those carry the
    # video and audio keys too (DESIGN §11).
    assert set(FIELD_NAMES) <= set(found.fields) <= {*FIELD_NAMES, *MEDIA_FIELDS}
    assert all(v is None or type(v) in (str, int) for v in found.fields.values())
    assert len(found.tags) <= MAX_TAGS
    assert all(isinstance(v, str) and len(v) <= MAX_TAG_CHARS for v in found.tags.values())
    assert all(isinstance(w, str) and w for w in found.warnings)
    assert found.thumbnail is None or found.thumbnail[:2] == b"\xff\xd8"
    json.dumps([found.fields, found.tags, found.warnings])


def test_mutated_images_never_crash_or_hang_the_metadata_probe(probe, scratch):
    tally, slowest = Tally(), [0.0]

    @seed(SEED)
    @FUZZ
    @given(st.sampled_from(SEEDS).flatmap(lambda p: st.tuples(st.just(p), mutated(seed_bytes(p)))))
    def one(case):
        source, data = case
        target = scratch / f"fuzz{source.suffix}"
        target.write_bytes(data)
        started = time.monotonic()
        found = probe.extract(str(target), timeout=PROBE_TIMEOUT)
        slowest[0] = max(slowest[0], time.monotonic() - started)
        check_extracted(found)
        assert not any("worker failed" in w for w in found.warnings), (source.name, found)
        tally_first(tally, found.warnings, "warned", "clean")

    one()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    record_figures("fuzz-metadata", {**tally.figures(), "seeds": len(SEEDS),
                                     "slowest_seconds": round(slowest[0], 2),
                                     "test_process_peak_rss_mb": peak_mb})  # fmt: skip
    assert slowest[0] < PROBE_TIMEOUT + 10  # a hang is cut off, never waited out
    assert tally.runs >= scaled(300, 5000) * 0.9


def test_mutated_images_import_with_warnings_and_bytes_intact(tmp_path):
    from vault.case.handle import Case
    from vault.custody.verify import verify_case
    from vault.evidence.ingest import import_paths
    from vault.evidence.items import read_original

    folder = tmp_path / "card"
    folder.mkdir()
    examples: list[bytes] = []

    @seed(SEED + 1)
    @settings(max_examples=scaled(25, 200), deadline=None, database=None)
    @given(st.sampled_from(SEEDS).flatmap(lambda p: mutated(seed_bytes(p))))
    def collect(data):
        examples.append(data)

    collect()
    for n, data in enumerate(examples):
        (folder / f"{n:03d}.jpg").write_bytes(data)
    with Case.create(tmp_path / "c.evault", "fuzz passphrase 2026", title="Fuzz") as case:
        result = import_paths(case, [folder])
        assert not result.failed and len(result.imported) == len(examples)
        for item, data in zip(result.imported, examples, strict=True):
            assert b"".join(read_original(case.conn, item.id)) == data
        assert verify_case(case).ok
    warned = sum(1 for i in result.imported if i.warnings)
    record_figures("fuzz-import", {"imported": len(result.imported), "with_warnings": warned})


# --- packages ----------------------------------------------------------------------------

BAG_FILES = ("data/custody.jsonl", "data/case.json", "bag-info.txt", "manifest-sha256.txt",
             "manifest-sha512.txt", "tagmanifest-sha256.txt", "bagit.txt")  # fmt: skip


def rehash(bag: Path) -> None:
    """Make the manifests match the files again, so the deeper checks must catch a change."""
    payload = sorted(p for p in (bag / "data").rglob("*") if p.is_file())
    tags = [p for p in sorted(bag.iterdir()) if p.is_file() and "manifest" not in p.name]
    for algo in ("sha256", "sha512"):
        lines = [f"{hashlib.new(algo, p.read_bytes()).hexdigest()}  {p.relative_to(bag)}\n"
                 for p in payload]  # fmt: skip
        (bag / f"manifest-{algo}.txt").write_text("".join(lines), encoding="utf-8")
        tags.append(bag / f"manifest-{algo}.txt")
    oxum = f"{sum(p.stat().st_size for p in payload)}.{len(payload)}"
    info = (bag / "bag-info.txt").read_bytes()
    (bag / "bag-info.txt").write_bytes(re.sub(rb"Payload-Oxum: [\d.]+", oxum.encode(), info))
    for algo in ("sha256", "sha512"):
        lines = [f"{hashlib.new(algo, p.read_bytes()).hexdigest()}  {p.name}\n" for p in tags]
        (bag / f"tagmanifest-{algo}.txt").write_text("".join(lines), encoding="utf-8")


@st.composite
def line_edit(draw, text: bytes) -> bytes:
    """Delete, duplicate, swap or byte-mutate lines of a text file."""
    lines = text.splitlines(keepends=True) or [b""]
    at = draw(st.integers(0, len(lines) - 1))
    op = draw(st.sampled_from(["delete", "duplicate", "swap", "mutate"]))
    if op == "delete":
        del lines[at]
    elif op == "duplicate":
        lines.insert(at, lines[at])
    elif op == "swap":
        other = draw(st.integers(0, len(lines) - 1))
        lines[at], lines[other] = lines[other], lines[at]
    else:
        lines[at] = draw(mutated(lines[at] or b"\n"))
    return b"".join(lines)


@st.composite
def hostile_package(draw) -> tuple[str, str, bytes | None, bool]:
    """(form, file or 'zip', new bytes, rehash): what to change in a copy of package-good."""
    form = draw(st.sampled_from(["folder", "folder", "zip"]))
    if form == "zip":
        return form, "zip", None, False
    name = draw(st.sampled_from(BAG_FILES))
    original = (GOOD / name).read_bytes()
    data = draw(st.one_of(line_edit(original), mutated(original)))
    return form, name, data, draw(st.booleans())


def good_reference() -> tuple[str, list]:
    result = verify_package(GOOD)
    assert result.ok
    return result.contents.head, sorted(i["sha256"] for i in result.contents.doc["items"])


def test_mutated_packages_are_refused_with_reasons_and_never_crash(scratch):
    head, digests = good_reference()
    good_zip = scratch / "good.zip"
    with zipfile.ZipFile(good_zip, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(GOOD.rglob("*")):
            if p.is_file():
                z.write(p, "package-good/" + p.relative_to(GOOD).as_posix())
    tally, targets = Tally(), Counter()

    @seed(SEED + 2)
    @FUZZ
    @given(hostile_package(), st.data())
    def one(change, data):
        form, name, new, again = change
        target = scratch / "pkg"
        shutil.rmtree(target, ignore_errors=True)
        target.unlink(missing_ok=True)
        if form == "zip":
            target = scratch / "pkg.zip"
            target.write_bytes(data.draw(mutated(good_zip.read_bytes())))
        else:
            shutil.copytree(GOOD, target)
            (target / name).write_bytes(new)
            if again:
                rehash(target)
        label = f"{form}:{name}{'+rehash' if again else ''}"
        try:
            result = verify_package(target)
        except VaultError as err:
            assert str(err), label
            tally.add("refused: cannot open", reason_of(str(err)))
            targets[label] += 1
            return
        if result.ok:  # only a change that alters no claim may pass
            assert result.contents.head == head, label
            assert sorted(i["sha256"] for i in result.contents.doc["items"]) == digests
            tally.add("accepted: nothing claimed was changed")
            targets[label] += 1
            return
        reasons = [f for f in result.findings if f.level == "error"]
        assert reasons and all(str(f) for f in reasons), label
        tally.add("refused", reason_of(str(reasons[0])))
        targets[label] += 1

    one()
    record_figures("fuzz-packages", {**tally.figures(), "mutated": dict(targets)})
    assert tally.outcomes["refused"] > tally.runs // 2


def test_a_nul_in_the_bagit_declaration_is_refused_not_a_crash(tmp_path):
    """Found by the stress fuzz run: 'UTF\\x00-8' made the encoding lookup raise ValueError."""
    bag = shutil.copytree(GOOD, tmp_path / "bag")
    declared = bag / "bagit.txt"
    declared.write_bytes(declared.read_bytes().replace(b"UTF-8", b"UTF\x00-8"))
    result = verify_package(bag)
    assert not result.ok
    assert "bagit.txt names an unknown character encoding" in [str(f) for f in result.findings]


def test_a_damaged_deflate_stream_is_refused_not_a_crash(tmp_path):
    """Found by the fuzz run: a flipped bit in a deflated member raised zlib.error."""
    package = tmp_path / "bag.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    data = bytearray(package.read_bytes())
    data[30 + len("bag/bagit.txt")] ^= 0xFF  # the first byte of the deflate stream
    package.write_bytes(bytes(data))
    try:
        result = verify_package(package)
    except VaultError as err:
        reasons = [str(err)]
    else:
        assert not result.ok
        reasons = [str(f) for f in result.findings]
    assert any("damaged" in reason for reason in reasons), reasons
