"""Make the case file fixture of one released schema version (kept forever in tests/fixtures).

Run once when a schema version is released:  python -m tools.make_schema_fixture N
(N: the new, current version; the app's own writers cannot make an older schema's rows).
It applies only that version's migrations, then records acts with the app's own functions.
"""

from __future__ import annotations

import sys
from pathlib import Path

from vault.case.casefile import create_case_file
from vault.case.handle import Case
from vault.case.schema import SCHEMA_VERSION
from vault.evidence.ingest import import_paths
from vault.evidence.notes import add_note, describe_item

ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = "schema fixture passphrase"


def main(version: int) -> Path:
    if version != SCHEMA_VERSION:  # the app's writers write the current schema only
        raise SystemExit(f"only the current schema ({SCHEMA_VERSION}) can be made; "
                         "earlier fixtures are kept, never remade")  # fmt: skip
    path = ROOT / "tests" / "fixtures" / f"case-v{version}.evault"
    file = create_case_file(path, PASSPHRASE)
    with Case.start(
        file, title="Fixture — схема", number="UA-FIX-1", organization="Field team",
        investigator="Olena K.", schema_version=version,
    ) as case:  # fmt: skip
        corpus = ROOT.parent / "shared" / "corpus" / "camera"
        item = import_paths(case, [corpus / "Canon_40D.jpg"], source="SD card").imported[0]
        add_note(case, "Свідок: утримували 46 днів.", about=item.id)
        describe_item(case, item.id, {"title": "Cell 2", "location": "Basement"})
    return path


if __name__ == "__main__":
    print(main(int(sys.argv[1])))
