"""Anchors in packages (DESIGN §8): `data/anchors/<seq>.tsr` for each `anchor.timestamp`
of the package's own chain, `data/anchors/tsa/*.pem` with the certificates to check them,
the `openssl ts -verify` command for each in VERIFY.md, and what verify-package says.

The CA file shipped is the one the sender trusted for that TSA, named by its SHA-256 (the
`ca_sha256` its anchor entry signs), so verification finds it by hash like the case does.
It makes the token checkable, not trusted: trust comes from the recipient's own TSA list.
"""

from __future__ import annotations

from collections.abc import Callable

from cryptography import x509

from vault.custody.anchors import ACTION, AnchorSummary, verify_anchors
from vault.custody.entry import Entry

ANCHORS = "data/anchors/"
Load = Callable[[str], bytes | None]


def anchor_files(entries: list[Entry], load: Load) -> dict[str, bytes]:
    """package path -> bytes: each anchor's stored response and the CA kept with it."""
    files: dict[str, bytes] = {}
    for entry in entries:
        if entry.action != ACTION:
            continue
        digest = (entry.content or {}).get("digest")
        der = load(digest) if isinstance(digest, str) else None
        if der is not None:
            files[f"{ANCHORS}{entry.seq}.tsr"] = der
        ca_sha = entry.details.get("ca_sha256")
        ca = load(ca_sha) if isinstance(ca_sha, str) else None
        if ca is not None:
            files[f"{ANCHORS}tsa/{ca_sha}.pem"] = ca
    return files


def package_anchors(
    entries: list[Entry], files: dict[str, bytes | None], roots: list[x509.Certificate]
) -> AnchorSummary:
    """Verify the anchors of a package's own chain from its data/anchors/ files. Files are
    found by the names export gives them, so an edited token is "changed", not "missing"."""
    by_digest: dict[str, bytes] = {}
    for entry in entries:
        if entry.action != ACTION:
            continue
        digest, ca_sha = (entry.content or {}).get("digest"), entry.details.get("ca_sha256")
        token, ca = files.get(f"{ANCHORS}{entry.seq}.tsr"), files.get(f"{ANCHORS}tsa/{ca_sha}.pem")
        if isinstance(digest, str) and token is not None:
            by_digest[digest] = token
        if isinstance(ca_sha, str) and ca is not None:
            by_digest[ca_sha] = ca
    return verify_anchors(entries, by_digest.get, roots)


def verify_md_section(entries: list[Entry]) -> str:
    """The VERIFY.md section: one `openssl ts -verify` per anchor, in English and Ukrainian."""
    anchors = [e for e in entries if e.action == ACTION]
    if not anchors:
        return (
            "\n---\n\n## Trusted time / Довірений час\n\n"
            "This package holds no time-stamp: every time in its log rests on the sender's"
            " computer clock.\n\n"
            "Пакет не містить позначки часу: увесь час у журналі спирається лише на годинник"
            " комп’ютера відправника.\n"
        )
    lines = [
        "\n---\n\n## Trusted time / Довірений час\n",
        "Each token is an RFC 3161 time-stamp over the `entry_hash` of the entry named; it",
        "proves that entry, and every entry before it, existed before the token's time. Use",
        "the CA certificate *you* trust for that time-stamping service as `-CAfile`; the one",
        "in `data/anchors/tsa/` is the sender's, shipped so the check can run at all.\n",
        "Кожен токен — позначка часу RFC 3161 над `entry_hash` названого запису; вона",
        "доводить, що цей запис і всі попередні існували до часу токена. Як `-CAfile`",
        "вкажіть сертифікат ЦС, якому довіряєте *ви*; файл у `data/anchors/tsa/` — від",
        "відправника.\n",
    ]
    for e in anchors:
        d = e.details
        ca = f"data/anchors/tsa/{d.get('ca_sha256', '')}.pem"
        lines += [
            f"Entry {d.get('head_seq')} / запис {d.get('head_seq')}: "
            f"{_plain(d.get('gen_time'))}, {_plain(d.get('tsa'))}\n",
            "```sh",
            f"openssl ts -verify -digest {_hex(d.get('head'))} -in data/anchors/{e.seq}.tsr"
            f" -CAfile {ca}",
            "```\n",
        ]
    return "\n".join(lines)


def _plain(value: object) -> str:
    """Sender-supplied text in Markdown: no backticks, markup or control characters."""
    return "".join(c if c.isprintable() and c not in "`*_[]<>" else " " for c in str(value))


def _hex(value: object) -> str:
    text = str(value)
    return text if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else "?"
