"""Anchors in packages (DESIGN §8): `data/anchors/<seq>.tsr` for each `anchor.timestamp`
of the package's own chain, `data/anchors/tsa/*.pem` with the certificates to check them,
the `openssl ts -verify` command for each in VERIFY.md, and what verify-package says.

The CA file shipped is the one the sender trusted for that TSA, named by its SHA-256 (the
`ca_sha256` its anchor entry signs), so verification finds it by hash like the case does.
It makes the token checkable, not trusted: trust comes from the recipient's own TSA list.

Earlier holders' anchors travel on: a case that received a package keeps the tokens of the
sender's chain (and of the chains it carried) in its blob store, and its own exports ship
them as `data/anchors/<source case id>/<seq>.tsr` beside that chain's lineage file; their
CA files share `data/anchors/tsa/`. verify-package reports them chain by chain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from cryptography import x509

from vault.custody.anchors import ACTION, AnchorSummary, missing_reason, verify_anchors
from vault.custody.entry import Entry, Finding
from vault.custody.logchain import notable

ANCHORS = "data/anchors/"
Load = Callable[[str], bytes | None]


def token_folder(case_id: str | None = None) -> str:
    """Where a chain's tokens go: data/anchors/ for the package's own chain, and
    data/anchors/<case id>/ for an earlier holder's (a case id is a UUID, never "tsa")."""
    return ANCHORS if case_id is None else f"{ANCHORS}{case_id}/"


def anchor_files(entries: Sequence[Entry], load: Load, folder: str = ANCHORS) -> dict[str, bytes]:
    """package path -> bytes: each anchor's stored response and the CA kept with it."""
    files: dict[str, bytes] = {}
    for entry in notable(entries):
        if entry.action != ACTION:
            continue
        digest = (entry.content or {}).get("digest")
        der = load(digest) if isinstance(digest, str) else None
        if der is not None:
            files[f"{folder}{entry.seq}.tsr"] = der
        ca_sha = entry.details.get("ca_sha256")
        ca = load(ca_sha) if isinstance(ca_sha, str) else None
        if ca is not None:
            files[f"{ANCHORS}tsa/{ca_sha}.pem"] = ca
    return files


def shipped_anchors(
    entries: Sequence[Entry], files: dict[str, bytes | None], folder: str = ANCHORS
) -> dict[str, bytes]:
    """SHA-256 -> bytes of the chain's tokens and CA files as the package holds them, under
    the digest its anchor entries sign (what verification and receive look them up by).
    Files are found by the names export gives them, so an edited token is "changed"."""
    by_digest: dict[str, bytes] = {}
    for entry in notable(entries):
        if entry.action != ACTION:
            continue
        digest, ca_sha = (entry.content or {}).get("digest"), entry.details.get("ca_sha256")
        token, ca = files.get(f"{folder}{entry.seq}.tsr"), files.get(f"{ANCHORS}tsa/{ca_sha}.pem")
        if isinstance(digest, str) and token is not None:
            by_digest[digest] = token
        if isinstance(ca_sha, str) and ca is not None:
            by_digest[ca_sha] = ca
    return by_digest


def package_anchors(
    entries: Sequence[Entry],
    files: dict[str, bytes | None],
    roots: list[x509.Certificate],
    case_id: str | None = None,
) -> AnchorSummary:
    """Verify the anchors of one chain of a package: its own (`case_id` None), or an earlier
    holder's. An earlier holder's token that was not passed on (a case that received it
    before tokens were kept) proves nothing, and is a warning, not a refusal: the export
    entry signs every file, so none can be removed in transit unnoticed."""
    summary = verify_anchors(entries, shipped_anchors(entries, files, token_folder(case_id)).get,
                             roots)  # fmt: skip
    if case_id is not None:
        missing = {a.seq for a in summary.anchors if a.reason == missing_reason()}
        summary.findings = [
            Finding(f.seq, f.reason, "warning") if f.seq in missing else f for f in summary.findings
        ]
    return summary


def verify_md_section(
    entries: list[Entry],
    earlier: Mapping[str, Sequence[Entry]] | None = None,
    shipped: set[str] | None = None,
) -> str:
    """The VERIFY.md section: one `openssl ts -verify` per anchor, in English and Ukrainian:
    the package's own, then each earlier holder's (`earlier`: case id -> chain) whose token
    the package holds (`shipped`: the package's anchor file paths)."""
    anchors: list[tuple[str | None, Entry]] = [(None, e) for e in entries if e.action == ACTION]
    for case_id, chain in (earlier or {}).items():
        anchors += [
            (case_id, e) for e in notable(chain)
            if e.action == ACTION and f"{token_folder(case_id)}{e.seq}.tsr" in (shipped or ())
        ]  # fmt: skip
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
    for holder, e in anchors:
        d = e.details
        ca = f"data/anchors/tsa/{d.get('ca_sha256', '')}.pem"
        whose = "" if holder is None else (
            f"Earlier holder, case {_plain(holder)} / попередній власник, справа"
            f" {_plain(holder)}: "
        )  # fmt: skip
        lines += [
            f"{whose}Entry {d.get('head_seq')} / запис {d.get('head_seq')}: "
            f"{_plain(d.get('gen_time'))}, {_plain(d.get('tsa'))}\n",
            "```sh",
            f"openssl ts -verify -digest {_hex(d.get('head'))}"
            f" -in {token_folder(holder)}{e.seq}.tsr -CAfile {ca}",
            "```\n",
        ]
    return "\n".join(lines)


def _plain(value: object) -> str:
    """Sender-supplied text in Markdown: no backticks, markup or control characters."""
    return "".join(c if c.isprintable() and c not in "`*_[]<>" else " " for c in str(value))


def _hex(value: object) -> str:
    text = str(value)
    return text if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else "?"
