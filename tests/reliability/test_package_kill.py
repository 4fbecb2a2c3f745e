"""Power loss during export and receive: real `evidence-vault export` / `receive` processes
SIGKILLed at seeded random moments.

Export: nothing ever sits under the final name unless it is a whole package that verifies;
leftovers are hidden `.NAME.partial-*` files that verify-package refuses. Receive: the
receiving case verifies and holds the package entirely or not at all.
"""

from __future__ import annotations

import os
import random
import shutil
from collections import Counter

import pytest

from tests.helpers.case import PASSPHRASE
from tools.stress import (
    SEED,
    make_evidence_folder,
    record_figures,
    run_and_kill,
    scaled,
    vault_command,
)
from vault.case.handle import Case
from vault.custody.entry import read_entries
from vault.custody.verify import verify_case
from vault.errors import VaultError
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items
from vault.package.verify import verify_package

pytestmark = pytest.mark.slow
KINDS = ("zip", "folder", "zip.age")
PACKAGE_SECRET = "package passphrase for the kill test"


def cli_env() -> dict[str, str]:
    return dict(os.environ, EVIDENCE_VAULT_PASSPHRASE=PASSPHRASE)


@pytest.fixture(scope="module")
def source_case(tmp_path_factory):
    """A case with ~40 MiB of evidence in 40 files, closed, ready to export."""
    folder = tmp_path_factory.mktemp("pkg-kill")
    make_evidence_folder(folder / "card", files=40, big_sizes_mb=[scaled(24, 40)], seed=SEED)
    with Case.create(folder / "source.evault", PASSPHRASE, title="Export under fire") as case:
        import_paths(case, [folder / "card"])
    (folder / "secret.txt").write_text(PACKAGE_SECRET)
    return folder / "source.evault"


def leftover_verdict(path, items: int) -> str:
    """'refused' by verify-package, or 'whole': sealed with every item, killed just before
    its rename. A leftover that verifies while missing anything would fail this."""
    try:
        result = verify_package(path, passphrase=PACKAGE_SECRET)
    except VaultError:
        return "refused"
    if not result.ok:
        return "refused"
    assert len(result.contents.doc["items"]) == items, f"{path.name} passes yet is partial"
    return "whole"


def assert_case_verifies(path) -> Case:
    case = Case.open(path, PASSPHRASE)
    report = verify_case(case)
    assert report.ok, [str(f) for f in report.findings]
    return case


def test_power_loss_during_export_never_leaves_a_partial_package(source_case, tmp_path):
    rng = random.Random(SEED + 1)
    secret = source_case.parent / "secret.txt"
    kills = finished = 0
    leftovers: Counter = Counter()
    with Case.open(source_case, PASSPHRASE) as case:
        items = len(list_items(case.conn))
    while kills < scaled(20, 150):
        assert kills + finished < 60 + 3 * kills, "the export kept finishing before the kill"
        kind = KINDS[(kills + finished) % len(KINDS)]
        out = tmp_path / f"package-{kills + finished}.{kind}".replace(".folder", "")
        argv = vault_command("export", source_case, out)
        if kind == "zip.age":
            argv += ["--encrypt-passphrase-file", str(secret)]
        outcome = run_and_kill(argv, cli_env(), rng.uniform(0.05, scaled(1.0, 2.5)))
        kills += outcome.killed_while_running
        finished += not outcome.killed_while_running
        if out.exists():  # only a sealed package may have the final name
            assert verify_package(out, passphrase=PACKAGE_SECRET).ok, out
            shutil.rmtree(out) if out.is_dir() else out.unlink()
        for left in [p for p in tmp_path.iterdir()]:
            assert left.name.startswith(".") and ".partial-" in left.name, left.name
            leftovers[leftover_verdict(left, items)] += 1
            shutil.rmtree(left) if left.is_dir() else left.unlink()
        assert_case_verifies(source_case).close()
    record_figures("export-kills", {"kills_survived": kills, "runs_that_finished": finished,
                                    "temp_leftovers": dict(leftovers)})  # fmt: skip
    assert leftovers["refused"] > 0, "no kill landed while a package was being written"


@pytest.fixture(scope="module")
def package(source_case, tmp_path_factory):
    out = tmp_path_factory.mktemp("pkg-kill-package") / "package.zip"
    with Case.open(source_case, PASSPHRASE) as case:
        from vault.package.export import export

        export(case, out)
    return out


def receive_state(path) -> tuple[int, int]:
    """(package.import entries, items) in a receiving case that verifies."""
    with assert_case_verifies(path) as case:
        imports = sum(1 for e in read_entries(case.conn) if e.action == "package.import")
        return imports, len(list_items(case.conn))


def test_power_loss_during_receive_imports_all_or_nothing(package, tmp_path):
    rng = random.Random(SEED + 2)
    expected = len(verify_package(package).contents.doc["items"])
    kills = finished = cases = committed = 0
    path = None
    while kills < scaled(20, 150):
        assert kills + finished < 3 * scaled(20, 150), "the receive kept finishing first"
        if path is None:
            cases += 1
            path = tmp_path / f"receiver-{cases}.evault"
            Case.create(path, PASSPHRASE, title="Receiving", investigator="Mykola").close()
        outcome = run_and_kill(vault_command("receive", path, package), cli_env(),
                               rng.uniform(0.05, scaled(1.2, 2.5)))  # fmt: skip
        imports, items = receive_state(path)
        assert items == imports * expected, "a package was half imported"
        assert imports in (0, 1) and (imports or outcome.killed_while_running), outcome.stderr
        committed += imports and outcome.killed_while_running
        kills += outcome.killed_while_running
        finished += not outcome.killed_while_running
        path = None if imports else path
    record_figures("receive-kills", {"kills_survived": kills, "runs_that_finished": finished,
                                     "items_per_package": expected,
                                     "killed_after_commit": committed})  # fmt: skip
