"""The report's evidence pages: one exhibit per item, and custody entries as table rows."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable

from vault.custody.entry import Entry
from vault.evidence.notes import Note
from vault.report.data import Exhibit, ReportFacts
from vault.report.formatting import N_, Words, esc
from vault.report.layout import MONO, WIDTH, Thumbnail, field_table, markup, para, table
from vault.report.media import media_section
from vault.report.provenance import provenance_block
from vault.report.sensitive import exhibit_picture

THUMB = 42 * mm
CLIP = 300  # EXIF values and log details are claims, not the evidence: a long one is cut


def clip(value: Any, limit: int = CLIP) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _describe_details(details: dict[str, Any]) -> str:
    return "; ".join(f"{key}: {clip(value, 120)}" for key, value in details.items())


def _mono(value: str) -> str:
    return f'<font name="{MONO}" size="6.5">{esc(value)}</font>'


def entry_summary(entry: Entry, facts: ReportFacts, w: Words) -> Flowable:
    """Action, subject, digest, details and entry hash of one entry, as escaped markup."""
    lines = []
    if entry.seq in facts.withheld or entry.content is None:
        lines.append(esc(w("content withheld from this report (it concerns an item not in it)")))
    else:
        c = entry.content
        lines.append(f"<b>{esc(c.get('action'))}</b> {esc(c.get('subject') or '')}")
        if c.get("digest"):
            lines += [esc(w("digest")), _mono(c["digest"])]
        if isinstance(c.get("details"), dict) and c["details"]:
            lines.append(esc(clip(_describe_details(c["details"]))))
    lines += [esc(w("entry hash")), _mono(entry.entry_hash.hex())]
    return markup("<br/>".join(lines), "small")


def entry_time(entry: Entry, w: Words) -> Flowable:
    content = entry.content or {}
    if not content:
        return para(w("withheld"), "small")
    return para(w.stamp(content.get("at"), content.get("tz")), "small")


def entries_table(entries: list[Entry], facts: ReportFacts, w: Words) -> Flowable:
    """Custody entries as rows that split across pages, the header repeated on each."""
    head = [para(label, "label") for label in (w("Seq"), w("Time"), w("By"), w("What"))]
    rows = [
        [
            para(e.seq, "small"),
            entry_time(e, w),
            para(facts.who(e.actor), "small"),
            entry_summary(e, facts, w),
        ]
        for e in entries
    ]
    widths = [11 * mm, 36 * mm, 27 * mm, WIDTH - 74 * mm]
    return table(
        [head, *rows], widths, ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#cccccc"), repeat_rows=1
    )


def _camera(meta: dict[str, Any], w: Words) -> str:
    parts = [meta.get("make"), meta.get("model")]
    if meta.get("body_serial"):
        parts.append(w("serial {serial}").format(serial=meta["body_serial"]))
    return clip(" ".join(str(p) for p in parts if p)) or w("not recorded")


def _gps(meta: dict[str, Any], w: Words) -> str:
    if not meta.get("gps_lat") or not meta.get("gps_lon"):
        return w("not recorded")
    where = f"{meta['gps_lat']}, {meta['gps_lon']}"
    if meta.get("gps_alt"):
        where += " · " + w("altitude {alt} m").format(alt=meta["gps_alt"])
    return clip(where)


def _hash_cell(ex: Exhibit, w: Words) -> Flowable:
    status = (
        w("re-hashed now: matches the digest recorded when it entered the case")
        if ex.intact
        else w("NOT VERIFIED: see the verification statement")
    )
    color = "#000000" if ex.intact else "#b00000"
    return markup(
        f'{_mono(ex.item.sha256)}<br/><font size="7" color="{color}">{esc(status)}</font>'
    )


def _disagreement(w: Words) -> Flowable:
    text = w(
        "The case file's record of this item disagrees with its signed custody entry. Only "
        "what the signed log states is shown; see the verification statement."
    )
    return markup(f'<font color="#b00000">{esc(text)}</font>')


def _fields(ex: Exhibit, facts: ReportFacts, w: Words) -> list[tuple[str, Flowable]]:
    meta, entered = ex.item.metadata, (ex.entered.content or {}) if ex.entered else {}
    imported = w("{when}, by {who}").format(
        when=w.utc_and_local(entered.get("at"), entered.get("tz")),
        who=facts.who(ex.entered.actor) if ex.entered else "?",
    )
    check = [(w("Record check"), _disagreement(w))] if ex.disagrees else []
    return [
        *check,
        (w("Original name"), para(ex.recorded("original_name"))),
        (w("Item id"), para(ex.item.id, "mono")),
        (w("SHA-256"), _hash_cell(ex, w)),
        (w("Size"), para(w.size(ex.recorded("size")))),
        (w("Type"), para(ex.recorded("mime"))),
        (w("Imported"), para(imported)),
        (w("Source"), para(ex.recorded("source") or w("not stated"))),
        (w("Method"), para(ex.recorded("method"))),
        (
            w("Captured (EXIF)"),
            para(w.camera_time(meta.get("captured_at"), meta.get("captured_offset"))),
        ),
        (w("Camera (EXIF)"), para(_camera(meta, w))),
        (w("GPS (EXIF)"), para(_gps(meta, w))),
    ]


def _labelled(label: str, text: Any) -> Flowable:
    return markup(f"<b>{esc(label)}</b> {esc(text)}")


def _note(note: Note, facts: ReportFacts, w: Words) -> Flowable:
    entry = facts.entry(note.seq)
    content = (entry.content or {}) if entry else {}
    label = w("Note (seq {seq}), {when}, by {who}:").format(
        seq=note.seq,
        when=w.utc_and_local(content.get("at"), content.get("tz")),
        who=facts.who(entry.actor) if entry else "?",
    )
    if note.supersedes:
        label += " " + w("(amends note {id})").format(id=note.supersedes)
    if note.problems:
        label += " " + w("(its case-file record disagrees with the signed log; see the "
                         "verification statement)")  # fmt: skip
    return _labelled(label, note.text)


def notes_block(notes: list[Note], facts: ReportFacts, w: Words) -> list[Flowable]:
    return [_note(note, facts, w) for note in notes]


def exhibit(ex: Exhibit, facts: ReportFacts, w: Words) -> list[Flowable]:
    """Heading, thumbnail beside the recorded properties, then description, notes, events."""
    name = ex.recorded("original_name")
    picture, said = exhibit_picture(ex, facts, w)  # a sensitive exhibit: its redacted copy
    preview = Thumbnail(picture, THUMB) if picture else para(said or w("no preview"), "small")
    side = THUMB + 4 * mm
    fields = field_table(_fields(ex, facts, w), WIDTH - side)
    top = table([[preview, fields]], [side, WIDTH - side], ("LEFTPADDING", (0, 0), (-1, -1), 0))
    story: list[Flowable] = [
        CondPageBreak(70 * mm),
        para(w("Exhibit {n}: {name}").format(n=ex.number, name=name), "h2"),
        top,
        # video and audio (vault/report/media.py); no frames of a sensitive exhibit
        *(media_section(ex.item, facts.case.conn, w) if said is None else []),
    ]
    if said:
        story.append(para(said, "small"))
    for key, value in ex.description.items():
        story.append(_labelled(w(_DESCRIPTION_LABELS.get(key, key)) + ":", value))
    story += provenance_block(ex, facts, w)  # DESIGN §9, its own module
    if ex.notes:
        story += [para(w("Notes"), "label"), *notes_block(ex.notes, facts, w)]
    story += [para(w("Custody events of this item"), "label"), entries_table(ex.events, facts, w)]
    return story


_DESCRIPTION_LABELS = {
    "title": N_("Title"),
    "description": N_("Description"),
    "location": N_("Location"),
    "captured_by": N_("Captured by"),
    "sensitive": N_("Sensitive"),
}
