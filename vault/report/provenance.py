"""The exhibit's provenance block (DESIGN §9): what the capture device's signature said when
the item was checked, from its latest signed `item.provenance` entry, every code explained
in the report's language; for ProofMode, the `gpgv` commands that check the same signatures."""

from __future__ import annotations

from reportlab.platypus import Flowable

from vault.provenance.codes import describe
from vault.provenance.proofmode import gpgv_commands
from vault.report.data import Exhibit, ReportFacts
from vault.report.formatting import Words, esc
from vault.report.layout import markup, para


def provenance_block(ex: Exhibit, facts: ReportFacts, w: Words) -> list[Flowable]:
    """Nothing for an item without a disclosed provenance result."""
    found = [e for e in ex.events if e.action == "item.provenance" and e.subject == ex.item.id
             and e.content is not None and e.seq not in facts.withheld
             and facts.vouched(e, facts.hands.own)]  # fmt: skip
    if not found:
        return []
    latest = found[-1]
    result = {"seq": latest.seq, **latest.details}
    lines = describe(result, w)
    story: list[Flowable] = [
        para(w("Provenance from the capture device"), "label"),
        markup("<br/>".join(esc(line) for line in lines), "small"),
    ]
    if result.get("kind") == "proofmode":
        names = facts.names
        evidence = [names[i] for i in result.get("evidence") or [] if i in names]
        commands = gpgv_commands(ex.item.original_name, evidence)
        if commands:
            story.append(para(w("The same checks with GnuPG (files as extracted):"), "small"))
            story.append(markup("<br/>".join(esc(c) for c in commands), "mono"))
    return story
