"""data/VERIFY.md is complete (issue 9 §7): its own commands and program, run with the real
openssl, sha256sum and python3, refuse every package that verify-package refuses (each
tamper of §2, the independent bad vectors) and accept the ones it accepts."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import rfc8785

from tests.core.package.test_package import _TAMPERS as EARLIER_TAMPERS
from tests.helpers.package import (
    PASSPHRASE,
    compact,
    copy_bag,
    court_case,
    olena_case,
    received_case,
    set_info,
    sign_chain,
)
from tests.helpers.tamper import TAMPERS, described_package, rebag, tampered
from vault.case.handle import Case
from vault.evidence.items import list_items
from vault.evidence.notes import add_note, amend_note
from vault.package.export import export
from vault.package.receive import receive
from vault.package.verify import verify_package

PROGRAM = Path(__file__).parents[3] / "resources/verify/check_package.py"
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


@pytest.fixture
def package(investigator: Case, tmp_path: Path) -> Path:
    return described_package(investigator, tmp_path)


def guide_blocks(verify_md: Path, part: int = 0) -> list[tuple[str, str]]:
    """The fenced blocks of one language's half of VERIFY.md: (info string, text)."""
    halves = verify_md.read_text(encoding="utf-8").split("\n---\n\n")
    return _BLOCK.findall(halves[part])


def follow_by_hand(bag: Path, blocks: list[tuple[str, str]]) -> tuple[bool, str]:
    """Do what VERIFY.md says for an unpacked package: save the program beside the folder,
    then run every `sh` block in order in the folder (the `shell` one unpacks a zip)."""
    (program,) = [text for kind, text in blocks if kind == "python"]
    (bag.parent / "check_package.py").write_text(program, encoding="utf-8")
    output = []
    for kind, text in blocks:
        if kind != "sh":
            continue
        run = subprocess.run(["sh", "-e", "-c", text], cwd=bag, capture_output=True, text=True)
        output.append(run.stdout + run.stderr)
        if run.returncode != 0:
            return False, "".join(output)
    return True, "".join(output)


def test_guide_gives_the_same_steps_in_english_and_ukrainian(package):
    english, ukrainian = (guide_blocks(package / "data/VERIFY.md", part) for part in (0, 1))
    assert english == ukrainian
    assert [kind for kind, _ in english] == ["shell", "sh", "sh", "sh", "python"]
    (program,) = [text for kind, text in english if kind == "python"]
    assert program == PROGRAM.read_text(encoding="utf-8")
    steps = "".join(text for _, text in english)
    assert "openssl pkey -pubin -in" in steps and "-outform DER | tail -c 32 | sha256sum" in steps


def test_following_the_guide_accepts_the_untouched_package(package):
    ok, output = follow_by_hand(package, guide_blocks(package / "data/VERIFY.md"))
    assert ok, output
    sender = verify_package(package).sender
    assert f"compare it with the one read out to you): {sender}" in output
    assert "every entry of every log is signed by its actor" in output


def test_following_the_guide_accepts_a_package_that_passed_through_two_cases(
    investigator, tmp_path
):
    """Received items, their sender's kept chain, an amended note: the guide follows the
    lineage as verify-package does, and both accept every package along the way."""
    ids = [i.id for i in list_items(investigator.conn)]
    amend_note(investigator, add_note(investigator, "first", about=ids[1]).id, "second")
    export(investigator, tmp_path / "p1", item_ids=ids[:2])
    with Case.create(tmp_path / "b.evault", PASSPHRASE, title="Prosecution") as lawyer:
        receive(lawyer, tmp_path / "p1")
        add_note(lawyer, "Prosecutor's note", about=ids[0])
        export(lawyer, tmp_path / "p2")
        export(lawyer, tmp_path / "p3", item_ids=ids[1:2])
    for name in ("p1", "p2", "p3"):
        bag = tmp_path / name
        ok, output = follow_by_hand(bag, guide_blocks(bag / "data/VERIFY.md"))
        assert ok and verify_package(bag).ok, output
    assert (tmp_path / "p2/data/lineage").is_dir()


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_following_the_guide_refuses_what_verify_package_refuses(package, name):
    guide = guide_blocks(package / "data/VERIFY.md")
    bag = tampered(package, name)
    ok, output = follow_by_hand(bag, guide)
    assert not ok and "REFUSED" in output, output
    assert not verify_package(bag).ok


@pytest.mark.parametrize("name", sorted(EARLIER_TAMPERS))
def test_following_the_guide_refuses_the_earlier_tampers_too(package, name):
    """The tampers verify-package has refused since the first release (a flipped original,
    an edited, reordered or re-signed log, a removed or extra original...)."""
    guide = guide_blocks(package / "data/VERIFY.md")
    bag = copy_bag(package, package.parent / f"earlier-{name}")
    EARLIER_TAMPERS[name](bag)
    rebag(bag)
    ok, output = follow_by_hand(bag, guide)
    assert not ok, output
    assert not verify_package(bag).ok


@pytest.mark.parametrize(
    ("vector", "valid"),
    [("package-good", True), ("package-bad-original", False), ("package-bad-withheld-hash", False)],
)
def test_guide_agrees_with_verify_package_on_the_independent_vectors(
    package, vectors, tmp_path, vector, valid
):
    bag = copy_bag(vectors / vector, tmp_path / "vectors" / vector)
    ok, output = follow_by_hand(bag, guide_blocks(package / "data/VERIFY.md"))
    assert ok is valid is verify_package(bag).ok, output
    if valid:
        assert "WARNING: an older package form" in output


def test_guide_refuses_a_forged_signature_that_only_openssl_can_catch(package, tmp_path):
    """The program cannot check Ed25519; the openssl loop of the same step must. (The export
    entry's own signature is the one byte range that no other signed value covers.)"""
    bag = copy_bag(package, tmp_path / "forged-sig")
    log = bag / "data/custody.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines()
    sig = re.search(r'"sig":"([0-9a-f]+)"', lines[-1]).group(1)
    lines[-1] = lines[-1].replace(sig, ("0" if sig[0] != "0" else "1") + sig[1:])
    log.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    rebag(bag)
    ok, output = follow_by_hand(bag, guide_blocks(package / "data/VERIFY.md"))
    assert not ok and "SIGNATURE FAILED" in output, output
    assert not verify_package(bag).ok


def _program():
    spec = importlib.util.spec_from_file_location("check_package", PROGRAM)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "value",
    [
        {"b": 1, "a": [True, None, "x"], "": {}},
        {"\U0001f600": 1, "\uffff": 2, "\ue000": 3, "é": 4, "e": 5},  # UTF-16 order differs
        {"text": 'tab\there\nnl \x00 \x1f \x7f \u2028 "q" \\ /', "n": -(2**53 - 1)},
        {"Свідок": "утримували 46 днів", "n": 2**53 - 1, "z": 0},
    ],
)
def test_the_programs_canonical_json_is_rfc_8785(value):
    assert _program().canon(value).encode("utf-8") == rfc8785.dumps(value)


@pytest.mark.parametrize("value", [{"n": 2**53}, {"s": "\ud800"}])
def test_the_program_refuses_what_rfc_8785_refuses(value):
    with pytest.raises(rfc8785.CanonicalizationError):
        rfc8785.dumps(value)
    with pytest.raises(ValueError):  # UnicodeEncodeError is a ValueError
        _program().canon(value).encode("utf-8")


def test_following_the_guide_traces_a_received_item_only_up_to_the_head_its_import_names(
    investigator, tmp_path, corpus
):
    """A hostile holder re-signs their log so that a later photo's package.import names the
    first package's head: its item.import lies after that head in the sender's log. Both
    the guide's program and verify-package refuse it; an unlinked lineage log too."""
    from tests.core.package.test_hostile_package_claims import resign
    from tests.helpers.package import camera_files
    from vault.evidence.ingest import import_paths

    first = list_items(investigator.conn)[0].id
    export(investigator, tmp_path / "p1", item_ids=[first])
    with Case.create(tmp_path / "b.evault", PASSPHRASE, title="Prosecution") as lawyer:
        receive(lawyer, tmp_path / "p1")
        (later,) = import_paths(investigator, camera_files(corpus, 4)[3:]).imported
        export(investigator, tmp_path / "p2", item_ids=[later.id])
        receive(lawyer, tmp_path / "p2")
        export(lawyer, tmp_path / "onward")
        export(lawyer, tmp_path / "unlinked", item_ids=[])
        signer = lawyer.signer
    guide = guide_blocks(tmp_path / "onward/data/VERIFY.md")
    assert follow_by_hand(tmp_path / "onward", guide)[0]

    def backdate(entries: list[dict]) -> None:
        imports = [e for e in entries if e.get("content", {}).get("action") == "package.import"]
        first_head = imports[0]["content"]["details"]["source_head"]
        imports[1]["content"]["details"]["source_head"] = first_head

    resign(tmp_path / "onward", signer, backdate)
    ok, output = follow_by_hand(tmp_path / "onward", guide)
    assert not ok and "no entry of case" in output, output
    assert not verify_package(tmp_path / "onward").ok

    stray = tmp_path / "unlinked/data/lineage"
    stray.mkdir(exist_ok=True)
    (stray / f"{investigator.id}.jsonl").write_bytes(
        (tmp_path / "p2/data/custody.jsonl").read_bytes()
    )
    rebag(tmp_path / "unlinked")
    ok, output = follow_by_hand(tmp_path / "unlinked", guide)
    assert not ok and "no package.import of this package links to it" in output, output
    assert not verify_package(tmp_path / "unlinked").ok


def test_following_the_guide_reads_the_first_hands_first_as_the_app_does(
    tmp_path: Path, corpus: Path
) -> None:
    """The court received from Olena directly, then from Petrenko, who had her photos too and
    described one later: its package, sent on, passes the guide's own program, which reads
    Petrenko's description as the latest, as verify-package does (it read the direct
    sender's chain last, and refused)."""
    (tmp_path / "cases").mkdir()
    court, _ids = court_case(tmp_path / "cases", corpus)
    with court:
        export(court, tmp_path / "on")
    assert verify_package(tmp_path / "on").ok
    ok, output = follow_by_hand(tmp_path / "on", guide_blocks(tmp_path / "on/data/VERIFY.md"))
    assert ok, output


def _receipt_from(entries: list[dict], source_case: str) -> dict:
    """A copy of the log's receipt that names `source_case` and the log's first entry."""
    receipt = json.loads(json.dumps(next(e for e in entries if "package.import" in str(e))))
    link = {"source_case": source_case, "source_head": entries[0]["entry_hash"]}
    receipt["content"]["details"] |= {**link, "items": [], "notes": []}
    return receipt


def test_the_guides_program_never_reads_or_writes_outside_the_package_and_its_folder(
    tmp_path: Path, corpus: Path
) -> None:
    """A sender's receipt may name any case as its source: `../custody` made the program
    read the package's own log as a sender's and write that chain's signature files beside
    the folder it was given, outside it."""
    (tmp_path / "cases").mkdir()
    bag, check = tmp_path / "on", tmp_path / "check"
    lawyer, _ids = received_case(tmp_path / "cases", corpus)
    with lawyer:
        export(lawyer, bag)
        log = (bag / "data/custody.jsonl").read_text(encoding="utf-8")
        entries = [json.loads(line) for line in log.splitlines()]
        closing = entries.pop()
        receipt = _receipt_from(entries, "../custody")
        for entry, seq in ((receipt, len(entries)), (closing, len(entries) + 1)):
            entry["seq"] = entry["content"]["seq"] = seq
        set_info(bag, "Vault-Custody-Length", str(len(entries) + 2))
        sign_chain(bag, [*entries, receipt, closing], lawyer.signer)
    (check / "signatures").mkdir(parents=True)
    (check / "check_package.py").write_text(PROGRAM.read_text(encoding="utf-8"))
    program = [sys.executable, str(check / "check_package.py"), str(check / "signatures")]
    run = subprocess.run(program, cwd=bag, capture_output=True, text=True)
    assert sorted(p.name for p in check.iterdir()) == ["check_package.py", "signatures"], run


def _null_content(entries: list[dict]) -> None:
    withheld = [entry for entry in entries if "content" not in entry]
    assert withheld
    for entry in withheld:
        entry["content"] = None


@pytest.mark.parametrize("log", ["a sender's lineage", "the package's own"])
def test_the_guides_program_reads_a_line_withheld_as_null_content_as_the_app_does(
    tmp_path: Path, corpus: Path, log: str
) -> None:
    """Another tool may write a withheld entry as `"content": null` and sign its export
    so: verify-package reads it as withheld, and the guide's program must too instead of
    refusing the package as malformed."""
    from tests.core.package.test_hostile_package_claims import resign

    (tmp_path / "cases").mkdir()
    bag = tmp_path / "on"
    own = log == "the package's own"
    if own:  # its entries about the two photos left out are withheld
        case = olena_case(tmp_path / "cases", corpus)
        ids = [item.id for item in list_items(case.conn)][1:]
    else:
        case, ids = received_case(tmp_path / "cases", corpus)
    with case:
        export(case, bag, item_ids=ids[:1])
        signer = case.signer
    if not own:
        (lineage,) = (bag / "data/lineage").iterdir()
        lines = [json.loads(text) for text in lineage.read_text(encoding="utf-8").splitlines()]
        _null_content(lines)
        lineage.write_text("".join(compact(line) + "\n" for line in lines), encoding="utf-8")
    resign(bag, signer, _null_content if own else lambda entries: None)
    assert verify_package(bag).ok
    ok, output = follow_by_hand(bag, guide_blocks(bag / "data/VERIFY.md"))
    assert ok, output
