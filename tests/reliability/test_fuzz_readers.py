"""The three readers a package passes through, fuzzed one by one: the zip reader, the age
reader and the BagIt validator. Each generated input is either read or refused with a
reason (a VaultError, or a problem in the bag check); anything else is a crash and fails.

`make test` runs a few hundred cases of each; `make stress` runs 10,000 of each (issue 9 §5).
Seeded, so a failure reproduces; figures go to $RELIABILITY_OUT for the README.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from pathlib import Path

import pyrage
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.reliability.test_fuzz import mutated, reason_of, tally_first
from tools.stress import CORPUS, SEED, Tally, record_figures, scaled
from vault.errors import VaultError
from vault.package import age
from vault.package.bagit import validate
from vault.package.read import ScannedBag, ScannedFile, read_package
from vault.package.verify import verify_package
from vault.package.ziparchive import ZipStreamWriter

GOOD = CORPUS.parent / "vectors" / "package-good"
CASES = scaled(300, 10_000)
FUZZ = settings(max_examples=CASES, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))  # fmt: skip
SECRET = "fuzzing passphrase 2026"


def good_files() -> dict[str, bytes]:
    return {p.relative_to(GOOD).as_posix(): p.read_bytes()
            for p in sorted(GOOD.rglob("*")) if p.is_file()}  # fmt: skip


def zip_seeds() -> list[bytes]:
    """The vector as our own stored Zip64 stream, and as Python's deflated zip."""
    files = good_files()
    ours = io.BytesIO()
    writer = ZipStreamWriter(ours)
    for name, data in files.items():
        writer.add(f"bag/{name}", zlib.crc32(data), len(data), iter([data]))
    writer.close()
    theirs = io.BytesIO()
    with zipfile.ZipFile(theirs, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in list(files.items())[:8]:
            z.writestr(f"bag/{name}", data)
    return [ours.getvalue(), theirs.getvalue()]


def record(name: str, tally: Tally) -> None:
    record_figures(name, {**tally.figures(), "crashes": 0})
    assert tally.runs >= CASES * 0.9


def test_the_zip_reader_refuses_or_reads_every_generated_archive(tmp_path):
    seeds, tally = zip_seeds(), Tally()
    target = tmp_path / "fuzz.zip"

    @seed(SEED + 10)
    @FUZZ
    @given(st.sampled_from(seeds).flatmap(mutated))
    def one(data):
        target.write_bytes(data)
        bag = read_package(target)  # raises only a VaultError; anything else is a crash
        tally_first(tally, bag.problems, "refused", "read")

    one()
    record("fuzz-zip-reader", tally)


@pytest.fixture(scope="module")
def age_seeds() -> tuple[list[bytes], str]:
    """A passphrase seed with a cheap work factor (the header names it) and one sealed to an
    X25519 key through pyrage: the two ways packages are encrypted."""
    plain = b"".join(zip_seeds()[:1])[:200_000]
    cheap = io.BytesIO()
    writer = age.PassphraseWriter(cheap, SECRET, work_factor=2)
    writer.write(plain)
    writer.close()
    identity = pyrage.x25519.Identity.generate()
    sealed = pyrage.encrypt(plain, [identity.to_public()])
    return [cheap.getvalue(), sealed], str(identity)


def test_the_age_reader_refuses_or_decrypts_every_generated_file(age_seeds):
    (by_passphrase, by_key), identity = age_seeds
    tally = Tally()

    @seed(SEED + 11)
    @FUZZ
    @given(st.sampled_from([(by_passphrase, SECRET), (by_key, identity)])
           .flatmap(lambda s: st.tuples(mutated(s[0]), st.just(s[1]))))  # fmt: skip
    def one(case):
        data, secret = case
        try:
            stream = age.decrypting_reader(io.BytesIO(data), secret)
            while stream.read(1 << 16):
                pass
            stream.close()
        except VaultError as err:
            assert str(err)
            tally.add("refused", reason_of(str(err)))
            return
        tally.add("decrypted")

    one()
    record("fuzz-age-reader", tally)


TAG_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt",
             "tagmanifest-sha256.txt", "fetch.txt")  # fmt: skip


DIGESTS: dict[bytes, dict[str, str]] = {}


def scanned(files: dict[str, bytes]) -> ScannedBag:
    """What read_package would have made of these files (digests of unchanged ones kept)."""
    bag = ScannedBag()
    for name, data in files.items():
        if data not in DIGESTS:
            DIGESTS[data] = {a: hashlib.new(a, data).hexdigest() for a in ("sha256", "sha512")}
        bag.files[name] = ScannedFile(len(data), DIGESTS[data], data)
    if len(DIGESTS) > 1000:
        DIGESTS.clear()
    return bag


@st.composite
def hostile_tag_files(draw, files: dict[str, bytes]) -> dict[str, bytes]:
    """One to three tag files mutated, added (fetch.txt) or removed."""
    changed = dict(files)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(TAG_FILES))
        original = changed.get(name, b"https://example.org/x 10 data/x\n")
        if draw(st.integers(0, 9)) == 0:
            changed.pop(name, None)
        else:
            changed[name] = draw(mutated(original))
    return changed


def test_the_bagit_validator_lists_problems_for_every_generated_bag():
    files, tally = good_files(), Tally()

    @seed(SEED + 12)
    @FUZZ
    @given(hostile_tag_files(files))
    def one(changed):
        check = validate(scanned(changed))
        assert all(isinstance(p, str) and p for p in check.problems)
        tally_first(tally, check.problems, "refused", "valid")

    one()
    record("fuzz-bagit-validator", tally)


def test_the_zip_seeds_are_real_packages(tmp_path):
    """The seeds themselves verify, so the fuzzing starts from what packages really are."""
    for n, data in enumerate(zip_seeds()[:1]):
        path = Path(tmp_path / f"seed{n}.zip")
        path.write_bytes(data)
        assert verify_package(path).ok
