"""The report's framing pages: cover, summary, verification statement, limitations,
certification and the appendix on verifying by hand (DESIGN §7)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from vault import __version__
from vault.case.casefile import CaseInfo
from vault.case.identity import Identity
from vault.custody.hands import Chain
from vault.report.acts import code, short
from vault.report.anchors import anchor_statement, clock_limitation
from vault.report.data import ReportFacts
from vault.report.exhibits import NOT_AS_SIGNED, chain_title, entries_tables, notes_block
from vault.report.formatting import N_, Words, esc, parse_utc
from vault.report.layout import WIDTH, field_table, markup, para, qr_code, table
from vault.report.media import fact_source


@dataclass(frozen=True)
class Moment:
    """When the report was made: the local clock in UTC, and its offset then."""

    at: str
    tz: str


def head_hex(facts: ReportFacts) -> str:
    return facts.verification.chain.head.hex()


def _status(facts: ReportFacts, w: Words) -> Flowable:
    v = facts.verification
    if v.ok:
        text = w(
            "VERIFIED: the custody log ({n} entries) and every original ({k} items) "
            "were re-checked when this report was made."
        ).format(n=v.chain.length, k=v.items_checked)
        return para(text, "ok")
    errors = sum(1 for f in v.findings if f.level == "error")
    text = w(
        "NOT VERIFIED: checking the case when this report was made found {n} problem(s). "
        "See the verification statement before relying on this report."
    ).format(n=errors)
    return para(text, "alert")


def cover(facts: ReportFacts, made: Moment, w: Words) -> list[Flowable]:
    case, me, info = facts.case, facts.case.signer.identity, signed_info(facts, w)
    prepared = f"{me.name}, {_role(me, w)}"
    rows = [
        (w("Case number"), para(info.number or w("none"))),
        (w("Organization"), para(info.organization or w("none"))),
        (w("Case id"), para(case.id, "mono")),
        (w("Prepared by"), para(prepared + " · " + w("key") + " " + short(me.fingerprint, 16))),
        (w("Made"), para(w.utc_and_local(made.at, made.tz))),
        (w("Report id"), para(facts.report_id, "mono")),
        (
            w("Exhibits"),
            para(
                w("{n} of the case's {m} items").format(
                    n=len(facts.item_ids), m=facts.case_item_count
                )
            ),
        ),
    ]
    return [
        para(w("Evidence report"), "label"),
        para(info.title, "title"),
        _status(facts, w),
        field_table(rows),
        Spacer(1, 8 * mm),
        _head_box(facts, w),
        PageBreak(),
    ]


def _head_box(facts: ReportFacts, w: Words) -> Flowable:
    """The custody head in full and as a QR code, so a reader can compare it at a glance."""
    explained = w(
        "The hash of the last custody entry before this report (entry {seq}). "
        "The QR code holds the same hash."
    ).format(seq=facts.verification.chain.length - 1)
    text = [
        para(w("Custody head"), "label"),
        para(head_hex(facts), "mono"),
        para(explained, "small"),
        para(anchor_statement(facts, w), "small"),
    ]
    return table(
        [[text, qr_code(head_hex(facts))]],
        [WIDTH - 44 * mm, 44 * mm],
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BOX", (0, 0), (-1, -1), 0.5, "#999999"),
        ("LEFTPADDING", (0, 0), (0, 0), 6),
    )


def _range(times: list[str], w: Words) -> str:
    parsed = sorted(t for t in (parse_utc(x) for x in times) if t)
    if not parsed:
        return w("none")
    return w("{first} to {last} (UTC)").format(first=w.moment(parsed[0]), last=w.moment(parsed[-1]))


def summary(facts: ReportFacts, w: Words) -> list[Flowable]:
    types: Counter[str] = Counter()
    size, captured, imported, sources = 0, [], [], set()
    for item in facts.items():  # one pass, a batch of items at a time
        types[item.mime] += 1
        size += item.size
        imported.append(item.imported_at)
        if item.metadata.get("captured_at"):
            captured.append(str(item.metadata["captured_at"]))
            sources.add(fact_source(item.mime, w))
    captured.sort()
    rows = [
        (w("Exhibits"), para(len(facts.item_ids))),
        (w("Total size"), para(w.size(size))),
        (w("Types"), para(", ".join(f"{mime}: {n}" for mime, n in sorted(types.items())))),
        (w("Imported"), para(_range(imported, w))),
        (
            w("Captured ({source})").format(source=", ".join(sorted(sources) or ["EXIF"])),
            para(
                w("{first} to {last} by the cameras' clocks").format(
                    first=captured[0].replace("T", " "), last=captured[-1].replace("T", " ")
                )
                if captured
                else w("not recorded")
            ),
        ),
        (w("Custody entries"), para(len(facts.log))),
        (w("Case notes"), para(len(facts.case_notes))),
    ]
    story = [para(w("Summary"), "h1"), field_table(rows), *people(facts, w)]
    if facts.case_notes:
        story += [para(w("Notes on the case"), "h2"), *notes_block(facts.case_notes, facts, w)]
    return [*story, para(w("Exhibits"), "h1")]


def _chain_heading(chain: Chain, w: Words) -> str:
    title = chain_title(chain, w)
    if chain.own:
        return w("This case: “{title}” ({id})").format(title=title, id=short(chain.case_id))
    return w("Hand {n}: case “{title}” ({id}), received with its signed log").format(
        n=chain.hand, title=title, id=short(chain.case_id)
    )


def signed_info(facts: ReportFacts, w: Words) -> CaseInfo:
    """The case's title, number and organization as its case.create signed them; if that
    entry is not authentic, why none is shown (the case file's row is never printed)."""
    if facts.case.info_signed:
        return facts.case.info
    unsigned = w(NOT_AS_SIGNED)
    return replace(facts.case.info, title=unsigned, number=unsigned, organization=unsigned)


def people(facts: ReportFacts, w: Words) -> list[Flowable]:
    """Every actor of every chain, grouped by case, first hands first; the full
    fingerprints are in the appendix of keys."""
    story: list[Flowable] = [para(w("People and their keys"), "h2")]
    for chain in facts.hands.chains:
        rows = [
            (person.name, para(_role(person, w) + " · " + w("key") + " " + short(fp, 16), "small"))
            for fp, person in chain.people.items()
        ]
        story += [
            para(_chain_heading(chain, w), "label"),
            field_table(rows) if rows else _no_one(w),
        ]
    return story


def _no_one(w: Words) -> Flowable:
    """What stands for a chain's people when no signed entry introduces anyone (its creation
    entry was altered): a table cannot be empty."""
    text = w("No one is introduced by a signed entry of this log; see the verification statement.")
    return para(text, "small")


def _role(person: Identity, w: Words) -> str:
    return ", ".join(x for x in (code(person.role, w), person.organization) if x)


def custody_log(facts: ReportFacts, w: Words) -> Iterator[Flowable]:
    yield from [
        PageBreak(),
        para(w("Custody log"), "h1"),
        para(
            w(
                "Every entry of this case's signed custody log, in order, including the acts "
                "on the case as a whole (verifications, reports). The entries of earlier "
                "holders' logs are shown under each exhibit."
            )
        ),
    ]
    yield from entries_tables(facts.log, facts, w)


def verification(facts: ReportFacts, w: Words) -> list[Flowable]:
    v = facts.verification
    done = w(
        "On {when} this app recomputed the content hash, entry hash and signature of every "
        "entry of the custody log ({n} entries), checked that the entries run without gaps and "
        "that every signer was introduced in the log, re-hashed every original stored in the "
        "case ({k} items, {size}) against the digest recorded when it entered the case, and "
        "checked {notes} notes against their recorded digests."
    ).format(
        when=w.utc(v.at),
        n=v.chain.length,
        k=v.items_checked,
        size=w.size(v.bytes_hashed),
        notes=v.notes_checked,
    )
    story: list[Flowable] = [para(w("Verification statement"), "h1"), para(done)]
    if v.ok:
        story.append(para(w("Result: passed. No problem was found."), "ok"))
    else:
        story.append(para(w("Result: NOT VERIFIED. Problems found:"), "alert"))
    story += [para(f"• {finding}", "body") for finding in v.findings]
    return story


def limitations(facts: ReportFacts, w: Words) -> list[Flowable]:
    points = [
        clock_limitation(facts, w),
        w(
            "Capture time, camera and GPS position are what each file claims about itself "
            "(a photo's EXIF; a video's or a recording's container metadata, such as "
            "QuickTime/MP4 atoms). They can be changed before a file is imported and do not "
            "prove when, where or by what an image or a recording was made."
        ),
        w("Thumbnails are reduced previews made by this app; the originals are the evidence."),
        w(
            "The custody log proves that nothing changed relative to the keys recorded in this "
            "case. It does not prove more: whoever holds those keys could rewrite the log and "
            "sign it again."
        ),
        w(
            "Entries cut off the end of the log, or a return to an older copy of the case file, "
            "are detected only against an outside anchor: a trusted time-stamp, or a custody "
            "head that someone else has witnessed (such as the head on this report's cover, if "
            "a copy is kept elsewhere)."
        ),
    ]
    if facts.partial:
        points.append(
            w(
                "This report exhibits {n} of the case's {m} items. The {k} custody entries about "
                "the others are shown by their hashes only; their content is withheld."
            ).format(n=len(facts.item_ids), m=facts.case_item_count, k=len(facts.withheld))
        )
    else:
        points.append(w("Nothing was withheld: every item of the case is exhibited."))
    points.append(
        w(
            "This report's own custody entry (report.generate, holding the SHA-256 of "
            "this file) is written after the file is complete, so it is not in it."
        )
    )
    return [para(w("Limitations"), "h1"), *(para(f"• {p}") for p in points)]


def certification(facts: ReportFacts, w: Words) -> list[Flowable]:
    me = facts.case.signer.identity
    text = w(
        "I, {name}, certify that this report was produced by Evidence Vault {version} from the "
        "case file of case {case}, that it states what the case file held when the report was "
        "made, and that the verification statement above was computed at that time."
    ).format(name=me.name, version=__version__, case=facts.case.id)
    if facts.signing is not None:
        text += " " + w(
            "This file also carries my digital signature; the appendix says how to check it."
        )
    lines = [(label, para("_" * 50)) for label in (w("Signature"), w("Date and place"))]
    # One block: the heading, the statement and the signature lines never part over a page.
    return [
        KeepTogether(
            [para(w("Certification"), "h1"), para(text), Spacer(1, 6 * mm), field_table(lines)]
        )
    ]


_BY_HAND = (
    (
        N_(
            "This file: its SHA-256 must equal the digest of the report.generate entry that "
            "names report {id} in the custody log."
        ),
        "sha256sum report.pdf",
    ),
    (
        N_(
            "Each original (from the evidence package): its SHA-256 must equal the one in its "
            "exhibit."
        ),
        "sha256sum data/originals/<item id>/<name>",
    ),
    (
        N_(
            "The chain: for each entry, content_hash = SHA-256 of the RFC 8785 canonical JSON "
            "of its content and entry_hash = SHA-256(previous entry_hash || content_hash), "
            "starting from 32 zero bytes. The last entry_hash before this report is the "
            "custody head on the cover and in its QR code."
        ),
        "evidence-vault log CASE --json",
    ),
    (
        N_("Signatures: each entry_hash (32 raw bytes) is signed with Ed25519 by its actor's key."),
        "openssl pkeyutl -verify -pubin -inkey keys/<fingerprint>.pem -rawin "
        "-in entry_hash.bin -sigfile sig.bin",
    ),
    (
        N_("Or let the app recompute everything:"),
        "evidence-vault verify CASE  |  evidence-vault verify-package PACKAGE",
    ),
)


def appendix(facts: ReportFacts, w: Words) -> list[Flowable]:
    story = [PageBreak(), para(w("Appendix: verifying by hand"), "h1")]
    for n, (say, cmd) in enumerate(_BY_HAND, start=1):
        text = esc(w(say).format(id=facts.report_id))
        story.append(KeepTogether([markup(f"<b>{n}.</b> {text}"), para(cmd, "mono")]))
    return [*story, *signature_appendix(facts, w), *keys_appendix(facts, w)]


def signature_appendix(facts: ReportFacts, w: Words) -> list[Flowable]:
    """How to check the PDF signature, and how its certificate ties to the custody key."""
    key = facts.signing
    if key is None:
        return []
    me = facts.case.signer.identity
    said = w(
        "This file is signed (PAdES) with the report certificate of {name}, an ECDSA P-256 "
        "X.509 certificate whose SHA-256 is given below. Any PDF reader that checks signatures "
        "shows it; with poppler's pdfsig the line “Signature Validation” must read “Signature "
        "is Valid.”. A one-byte change to the file makes it “Digest Mismatch.”."
    ).format(name=me.name)
    tie = w(
        "The certificate is tied to {name}'s custody key by custody entry {seq} "
        "(identity.certificate), signed with that key ({fp}): the entry records the "
        "certificate and its SHA-256. The certificate's subject also holds the custody key's "
        "fingerprint as its serialNumber. A self-issued certificate is reported by readers as "
        "having an unknown issuer; it is this signed entry that vouches for it."
    ).format(name=me.name, seq=key.seq, fp=short(me.fingerprint, 16))
    return [
        para(w("Appendix: the signature of this file"), "h1"),
        para(said),
        para(w("Certificate SHA-256"), "label"),
        para(key.sha256, "mono"),
        para(tie),
        KeepTogether(
            [
                para(w("Check the signature, then the certificate's SHA-256:"), "label"),
                para("pdfsig report.pdf", "mono"),
                para("pdfsig -dump report.pdf", "mono"),
                para(
                    "openssl pkcs7 -inform DER -in report.pdf.sig0 -print_certs | "
                    "openssl x509 -outform DER | sha256sum",
                    "mono",
                ),
            ]
        ),
    ]


def keys_appendix(facts: ReportFacts, w: Words) -> list[Flowable]:
    """Every key in full, one per row, in a column wide enough that no fingerprint breaks."""
    story: list[Flowable] = [
        para(w("Appendix: the keys in full"), "h1"),
        para(
            w(
                "The SHA-256 fingerprint of each person's Ed25519 custody key, as the case that "
                "introduced them recorded it. A package carries each key as keys/<fingerprint>.pem."
            )
        ),
    ]
    for chain in facts.hands.chains:
        rows = [
            [para(person.name, "small"), para(fp, "mono")] for fp, person in chain.people.items()
        ]
        keys = table(rows, [WIDTH - 100 * mm, 100 * mm]) if rows else _no_one(w)
        story += [para(_chain_heading(chain, w), "label"), keys]
    return story
