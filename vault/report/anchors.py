"""What a report says about trusted time (DESIGN §8): on the cover beside the custody head,
and in Limitations, plainly, what the entries after the last anchor rest on."""

from __future__ import annotations

from vault.custody.anchors import AnchorCheck
from vault.report.data import ReportFacts
from vault.report.formatting import Words


def _when(anchor: AnchorCheck, w: Words) -> str:
    # Tokens state whole seconds; Words.utc reads the log's microsecond form.
    return w.utc(anchor.gen_time.removesuffix("Z") + ".000000Z")


def anchor_statement(facts: ReportFacts, w: Words) -> str:
    """One or two sentences for the cover: the furthest anchor and the tail after it."""
    summary = facts.verification.anchors
    best = summary.best
    if best is None:
        return w(
            "No trusted time: every time in this log rests on the clocks of the computers "
            "that recorded it."
        )
    trust = w("trusted") if best.trusted else w("TSA NOT TRUSTED on this computer")
    text = w("Trusted time: entries 0–{head} existed before {time}, per {tsa} ({trust}).").format(
        head=best.head_seq, time=_when(best, w), tsa=best.tsa, trust=trust
    )
    if summary.unanchored:
        text += " " + w("The {n} later entries rest on the local clock.").format(
            n=summary.unanchored
        )
    return text


def clock_limitation(facts: ReportFacts, w: Words) -> str:
    """The Limitations point on time: what is anchored and what an unanchored tail means."""
    best = facts.verification.anchors.best
    if best is None:
        return w(
            "Times come from the clocks of the machines and cameras that recorded them. They "
            "were not checked against any outside time source."
        )
    return w(
        "Entries 0–{head} of the custody log are anchored by an RFC 3161 time-stamp from "
        "{tsa}: they existed before {time}. The times of the {n} entries after them come "
        "only from the clocks of the machines that recorded them; nothing outside proves "
        "those entries were not written later than they say. Capture times come from the "
        "cameras' clocks."
    ).format(
        head=best.head_seq,
        tsa=best.tsa,
        time=_when(best, w),
        n=facts.verification.anchors.unanchored,
    )
