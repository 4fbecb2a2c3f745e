"""Provenance results a package carries (DESIGN §9): `verify-package` lists every signed
`item.provenance` entry of the package's log and, where the original is in the package,
checks it again here with the reader's own trust lists.

A re-check that differs (a newer trust list, another validator version) is shown beside the
signed result, never in its place, and never fails the package: provenance is a fact about
the file, not about custody.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from vault.custody.entry import Entry
from vault.custody.logchain import notable
from vault.evidence.filetype import InMemory
from vault.evidence.probe import IN_MEMORY_LIMIT, MetadataProbe
from vault.i18n import _
from vault.package.read import open_package
from vault.provenance.check import check_c2pa
from vault.provenance.codes import state_words
from vault.provenance.proofmode import Bundle, check_bundle


@dataclass
class Carried:
    """One signed result in the package, and the state found here (None: not re-checked)."""

    seq: int
    item: str
    digest: str
    details: dict[str, Any]
    name: str = ""
    now: str | None = None

    def line(self) -> str:
        kind = "C2PA" if self.details.get("kind") == "c2pa" else "ProofMode"
        state = str(self.details.get("state"))
        text = _("{name}: {kind} {state} (signed, seq {seq})").format(
            name=self.name or self.item, kind=kind, state=state_words(state), seq=self.seq
        )
        if self.now is None:
            return text + "; " + _("not re-checked (the original is not in the package)")
        if self.now == state:
            return text + "; " + _("re-checked here: the same")
        if self.now == "none":
            return text + "; " + _("re-checked here: no manifest found")
        return text + "; " + _("re-checked here: {state}").format(state=state_words(self.now))


def carried_results(entries: Sequence[Entry], doc: dict[str, Any]) -> list[Carried]:
    """Every disclosed `item.provenance` entry of the package's own log, oldest first."""
    names = {str(i.get("id")): str(i.get("original_name", "")) for i in doc.get("items") or []
             if isinstance(i, dict)}  # fmt: skip
    found = []
    for entry in notable(entries):
        content = entry.content or {}
        if entry.action == "item.provenance" and entry.subject:
            digest = str(content.get("digest") or "")
            found.append(Carried(entry.seq, entry.subject, digest, entry.details,
                                 names.get(entry.subject, "")))  # fmt: skip
    return found


def recheck_carried(
    path: Any, passphrase: str | None, carried: list[Carried], doc: dict[str, Any]
) -> None:
    """Read the package again and re-check each result whose original it holds: C2PA from
    the item itself, ProofMode from the bundle zip the media member came from."""
    if not carried:
        return
    items = [i for i in doc.get("items") or [] if isinstance(i, dict)]
    by_path = {str(i.get("path")): i for i in items}
    latest = {c.item: c for c in carried}  # one re-check per item: its latest result
    now_c2pa: dict[str, str] = {}
    now_proofmode: dict[str, str] = {}  # media sha256 -> state, from every bundle held
    with open_package(path, passphrase) as source, source.members() as members, \
            MetadataProbe() as probe:  # fmt: skip
        for name, size, read in members:
            item = by_path.get(name)
            declared = item.get("size") if item is not None and size is None else size
            if item is None or not isinstance(declared, int) or declared > IN_MEMORY_LIMIT:
                continue
            item_id = str(item.get("id"))
            wanted = latest.get(item_id)
            is_zip = str(item.get("mime", "")) == "application/zip"
            if wanted is None and not is_zip:
                continue
            data = _read_all(read)
            blob = InMemory(str(item.get("original_name", "")), data)
            if wanted is not None and wanted.details.get("kind") == "c2pa":
                reading = check_c2pa(probe, blob, str(item.get("mime", "")))
                now_c2pa[item_id] = reading.state if reading else "none"
            elif is_zip:
                _bundle_states(probe, blob, now_proofmode)
    for result in carried:
        if result.details.get("kind") == "c2pa":
            result.now = now_c2pa.get(result.item)
        else:
            result.now = now_proofmode.get(result.digest)


def _read_all(read: Callable[[int], bytes]) -> bytes:
    chunks = []
    while chunk := read(1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _bundle_states(probe: MetadataProbe, blob: InMemory, states: dict[str, str]) -> None:
    try:
        bundle = probe.call(check_bundle, blob, timeout=60.0)
    except Exception:  # noqa: BLE001 - a bundle that cannot be re-checked stays "not re-checked"
        return
    if isinstance(bundle, Bundle):
        for media in bundle.media:
            states[media.sha256] = media.result.state
