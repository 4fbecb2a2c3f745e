"""ProofMode's part of a package's VERIFY.md (DESIGN §9): the `gpgv` commands that check
each photo's signatures with its bundle's key, for anyone holding the package and GnuPG.
Apart from vault/provenance/carried.py (which re-checks what a package carries) so that
an export loads none of the checking."""

from __future__ import annotations

import posixpath
import shlex

from vault.custody.entry import Entry
from vault.provenance.proofmode import KEY


def verify_md_section(entries: list[Entry], paths: dict[str, str]) -> str:
    """The VERIFY.md section for ProofMode results (DESIGN §9): the `gpgv` commands that
    check each media file's signatures with the key its bundle carried, by package path
    (`paths`: item id -> path of its original in the package); "" when there are none."""
    blocks = []
    for entry in entries:
        details = entry.details
        if entry.action != "item.provenance" or details.get("kind") != "proofmode":
            continue
        media = paths.get(entry.subject or "")
        evidence = [paths[i] for i in details.get("evidence") or [] if i in paths]
        key = next((p for p in evidence if p.endswith("/" + KEY)), None)
        if media is None or key is None:
            continue
        by_name = {posixpath.basename(p): p for p in evidence}
        # The keyring goes beside the package, never into it (it would be an extra file).
        commands = [f"gpg --dearmor < {shlex.quote(key)} > ../pubkey.gpg"]
        for name, path in by_name.items():
            if name.endswith(".asc") and name != KEY:
                signed = by_name.get(name[: -len(".asc")], media)
                commands.append(
                    f"gpgv --keyring ../pubkey.gpg {shlex.quote(path)} {shlex.quote(signed)}"
                )
        state = _plain(details.get("state"))
        blocks += [f"`{media}` ({state}, seq {entry.seq}):\n", "```sh", *commands, "```\n"]
    if not blocks:
        return ""
    return "\n".join(
        [
            "\n---\n\n## ProofMode signatures / Підписи ProofMode\n",
            "Run in the package folder (the keyring is written beside it, as ../pubkey.gpg).",
            "Each photo's ProofMode signatures, checked with GnuPG against the key in its own",
            "bundle (`gpgv` exit 0 = good). That key travelled with the bundle: compare its",
            "fingerprint with one obtained another way before relying on who signed.\n",
            "Виконуйте в теці пакета (набір ключів записується поруч, як ../pubkey.gpg).",
            "Підписи ProofMode кожного фото, перевірені GnuPG ключем з того самого пакета",
            "(`gpgv` повертає 0 = підпис дійсний). Ключ надійшов разом із пакетом: перш ніж",
            "покладатися на те, хто підписав, звірте його відбиток з отриманим іншим шляхом.\n",
            *blocks,
        ]
    )


def _plain(value: object) -> str:
    return "".join(c if c.isalnum() else " " for c in str(value))
