"""The certificate lists a C2PA signer may chain to (DESIGN §9).

Two kinds: the lists shipped in `resources/trust/` (pinned by SHA-256 in its MANIFEST.json,
checked every time they are read) and the lists a user adds, kept in the user's configuration
folder beside the time-stamping services (`trust.json`), never in a case: trust is the
reader's choice, and each `item.provenance` entry names the list it used by name and hash.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vault import assets
from vault.configstore import config_file, read_records, write_records
from vault.custody.tsa import read_ca_file
from vault.errors import InvalidInput, MissingResource, NotFound
from vault.i18n import _

_NAME = re.compile(r"^[\w .()-]{1,64}$")


@dataclass(frozen=True)
class TrustList:
    """One list: root certificates (PEM), optionally end-entity certificates allowed as they
    are (the interim list's `allowed.pem`) and extended key usage OIDs (`store.cfg`)."""

    name: str
    origin: str  # "shipped" or "user"
    anchors: str
    allowed: str = ""
    config: str = ""
    source: str = ""

    @property
    def sha256(self) -> str:
        """SHA-256 of the root certificates as shipped or stored (what an entry names)."""
        return hashlib.sha256(self.anchors.encode("ascii")).hexdigest()

    def to_record(self) -> dict[str, str]:
        """How an `item.provenance` entry names this list."""
        record = {"name": self.name, "sha256": self.sha256}
        if self.allowed:
            record["allowed_sha256"] = hashlib.sha256(self.allowed.encode("ascii")).hexdigest()
        return record

    def to_json(self) -> dict[str, Any]:
        return {**self.to_record(), "origin": self.origin, "source": self.source,
                "certificates": self.anchors.count("-----BEGIN CERTIFICATE-----")}  # fmt: skip


def _shipped_file(entry: dict[str, str]) -> str:
    data = assets.read_bytes("trust", *entry["file"].split("/"))
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        # A changed shipped list is a damaged installation, never a silent new anchor.
        raise MissingResource("resources/trust/" + entry["file"])
    return data.decode("ascii")


def shipped_manifest() -> dict[str, Any]:
    """resources/trust/MANIFEST.json: every shipped file, its SHA-256 and its source."""
    doc: dict[str, Any] = json.loads(assets.read_text("trust", "MANIFEST.json"))
    return doc


def shipped_lists() -> list[TrustList]:
    """The pinned lists, in order: the C2PA trust list, then the frozen interim list."""
    lists = []
    for entry in shipped_manifest()["lists"]:
        parts = {k: _shipped_file(entry[k]) for k in ("anchors", "allowed", "config") if k in entry}
        lists.append(TrustList(entry["name"], "shipped", source=entry["source"], **parts))
    return lists


_FILE = "trust.json"


def trust_file() -> Path:
    return config_file(_FILE)


def user_lists() -> list[TrustList]:
    """The lists the user added, in the order added; [] when none."""
    return read_records(
        _FILE,
        "lists",
        lambda t: TrustList(t["name"], "user", t["anchors_pem"], source=t["source"]),
        _("The list of trusted certificate lists ({path}) is damaged."),
    )


def all_lists() -> list[TrustList]:
    """Every list a signer may chain to: shipped first, then the user's."""
    return [*shipped_lists(), *user_lists()]


def add_trust_list(name: str, pem_file: Path) -> TrustList:
    """Add the root certificates in `pem_file` as a list called `name` (new, not a shipped
    name). The certificates are checked to parse and stored in the configuration folder."""
    if not _NAME.match(name):
        raise InvalidInput(
            _("A list name is 1 to 64 letters, digits, spaces, dots, dashes or brackets.")
        )
    read_ca_file(pem_file)  # parses, or a clear error
    # Stored as given, so the hash each entry records is the file's own SHA-256.
    anchors = pem_file.read_text(encoding="ascii")
    existing = all_lists()
    if any(t.name == name for t in existing):
        raise InvalidInput(_("A certificate list named {name} exists.").format(name=name))
    added = TrustList(name, "user", anchors, source=str(pem_file))
    _save([*user_lists(), added])
    return added


def remove_trust_list(name: str) -> None:
    """Remove a list the user added; shipped lists cannot be removed."""
    lists = user_lists()
    if not any(t.name == name for t in lists):
        raise NotFound(_("No certificate list named {name} was added.").format(name=name))
    _save([t for t in lists if t.name != name])


def _save(lists: list[TrustList]) -> None:
    write_records(_FILE, "lists", ({"name": t.name, "source": t.source, "anchors_pem": t.anchors}
                                   for t in lists))  # fmt: skip
