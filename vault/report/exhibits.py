"""The report's evidence pages: one exhibit per item, and custody entries as table rows."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable

from vault.custody.entry import Entry
from vault.custody.hands import Chain, Event
from vault.evidence.items import stored_thumbnail
from vault.evidence.notes import Note
from vault.report.acts import code, description_label, in_words, short
from vault.report.data import Exhibit, ReportFacts
from vault.report.formatting import N_, Words, esc
from vault.report.layout import (
    BOLD,
    GREY,
    MONO,
    SANS,
    WIDTH,
    Cell,
    Thumbnail,
    field_table,
    markup,
    para,
    table,
    wrapped,
)
from vault.report.media import fact_source, media_section
from vault.report.provenance import provenance_block
from vault.report.sensitive import exhibit_picture
from vault.text import shown

THUMB = 42 * mm
EXHIBIT_ROOM = 95 * mm
CLIP = 300  # EXIF values and log details are claims, not the evidence: a long one is cut


def clip(value: Any, limit: int = CLIP) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _mono(value: str) -> str:
    return f'<font name="{MONO}" size="6.5">{esc(value)}</font>'


def act_cell(
    entry: Entry, facts: ReportFacts, w: Words, *, chain: Chain, hashes: bool = False
) -> Flowable:
    """What an entry did, in plain words, with its details as labelled fields (never raw
    structures); `hashes` adds the digest and entry hash (the case log's full form)."""
    if not facts.vouched(entry, chain):
        lines = [esc(w("content not shown: it is not what was signed (see the verification "
                       "statement)"))]  # fmt: skip
    elif entry.content is None or (chain.own and entry.seq in facts.withheld):
        lines = [esc(w("content withheld from this report (it concerns an item not in it)"))]
    else:
        said, fields = in_words(entry, facts.name, w)
        lines = [f"<b>{esc(clip(said, 200))}</b>"]
        lines += [f"{esc(label)}: {esc(clip(value, 160))}" for label, value in fields if value]
        if hashes and entry.content.get("digest"):
            lines.append(esc(w("digest")) + " " + _mono(str(entry.content["digest"])))
    if hashes:
        lines.append(esc(w("entry hash")) + " " + _mono(entry.entry_hash.hex()))
    return markup("<br/>".join(lines), "small")


def entry_time(entry: Entry, facts: ReportFacts, w: Words, *, chain: Chain) -> str:
    """When, as plain cell text (see `_CELL_TEXT`): the log's own time, never evidence;
    none for an entry whose content is not shown as not vouched for."""
    content = entry.content or {}
    if not facts.vouched(entry, chain):
        return "—"
    if not content:
        return w("withheld")
    return wrapped(w.stamp(content.get("at"), content.get("tz")), _WIDTHS[1] - 4, 7)


def _by(entry: Entry, chain: Chain, facts: ReportFacts, w: Words) -> Flowable:
    """Who signed the entry, as its chain introduced them; only the key its row names
    when the entry is not vouched for (that row does not show who signed it)."""
    fingerprint = entry.actor
    person = chain.people.get(fingerprint) if facts.vouched(entry, chain) else None
    if person is None:
        return para(w("key {fp}").format(fp=short(fingerprint)), "small")
    role = ", ".join(x for x in (code(person.role, w), person.organization) if x)
    lines = [esc(person.name), esc(role)] if role else [esc(person.name)]
    lines.append(_mono(short(fingerprint)))
    return markup("<br/>".join(lines), "small")


_WIDTHS = [11 * mm, 33 * mm, 34 * mm, WIDTH - 78 * mm]


def _head_row(w: Words) -> list[Cell]:
    return [w("Seq"), w("Time"), w("By"), w("What")]


def _head_style(row: int) -> list[tuple[Any, ...]]:
    return [("FONT", (0, row), (-1, row), SANS, 8, 10), ("TEXTCOLOR", (0, row), (-1, row), GREY)]


def entries_tables(
    entries: Iterable[Entry], facts: ReportFacts, w: Words, *, hashes: bool = True
) -> Iterator[Flowable]:
    """This case's own entries as tables of LOG_ROWS rows that split across pages, each
    with its header (repeated on every page it runs onto). One table of a long log costs
    layout time and memory that grow faster than the log: each page's split copies every
    row still to come, and every row's cells stay alive until the last page. The entries
    are read a table at a time."""
    entries, own = iter(entries), facts.hands.own
    while batch := list(itertools.islice(entries, LOG_ROWS)):
        rows: list[list[Cell]] = [
            [str(e.seq), entry_time(e, facts, w, chain=own), _by(e, own, facts, w),
             act_cell(e, facts, w, chain=own, hashes=hashes)]
            for e in batch
        ]  # fmt: skip
        yield table(
            [_head_row(w), *rows], _WIDTHS, _LINES, _CELL_TEXT, *_head_style(0), repeat_rows=1
        )


LOG_ROWS = 500  # about a dozen pages: a header every dozen pages more, nothing else changes
_LINES = ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#cccccc")
# Seq and time are plain cell text in small type: a big report has thousands of rows, and
# a Paragraph per cell is most of its cost.
_CELL_TEXT = ("FONT", (0, 1), (1, -1), SANS, 7, 8.5)


NOT_AS_SIGNED = N_("(not shown: the entry that created the case is not as signed)")


def chain_title(chain: Chain, w: Words) -> str:
    """A chain's title as its case.create signed it; if that entry is not authentic, why
    none is shown (the case file's row is never printed in its stead)."""
    return chain.title if chain.title is not None else w(NOT_AS_SIGNED)


def chain_label(chain: Chain, w: Words) -> str:
    """Which hands a chain is: this case, or an earlier holder's case by its signed title."""
    if chain.own:
        return w("In this case")
    return w("Hand {n}: case “{title}” ({id}), kept as received").format(
        n=chain.hand, title=clip(chain_title(chain, w), 80), id=short(chain.case_id)
    )


def history_table(events: list[Event], facts: ReportFacts, w: Words, title: str) -> Flowable:
    """An exhibit's custody from the first hands: each chain's entries under its label.
    The title is the table's first row, repeated with the header on each page: a heading
    that cannot be stranded, and no regrouping of a long table to keep it with one."""
    rows: list[list[Cell]] = [[title, "", "", ""], _head_row(w)]
    style: list[tuple[Any, ...]] = [
        ("SPAN", (0, 0), (-1, 0)),
        ("FONT", (0, 0), (-1, 0), SANS, 8, 10),
        ("TEXTCOLOR", (0, 0), (-1, 0), GREY),
        *_head_style(1),
    ]
    current: Chain | None = None
    for event in events:
        if event.chain is not current:
            current, at = event.chain, len(rows)
            label = wrapped(shown(chain_label(current, w)), WIDTH - 4, 7)
            style += [("SPAN", (0, at), (-1, at)), ("FONT", (0, at), (-1, at), BOLD, 7, 8.5),
                      ("BACKGROUND", (0, at), (-1, at), "#eeeeee")]  # fmt: skip
            rows.append([label, "", "", ""])
        e = event.entry
        rows.append([str(e.seq), entry_time(e, facts, w, chain=current),
                     _by(e, current, facts, w),
                     act_cell(e, facts, w, chain=current)])  # fmt: skip
    return table(rows, _WIDTHS, _LINES, _CELL_TEXT, *style, repeat_rows=2)


def camera(meta: dict[str, Any], w: Words) -> str:
    """Make and model named once: EXIF often repeats the make in the model ("Canon" +
    "Canon EOS 40D")."""
    make, model = (str(meta.get(k) or "").strip() for k in ("make", "model"))
    if make and model.lower().startswith(make.lower()):
        make = ""
    parts = [p for p in (make, model) if p]
    if meta.get("body_serial"):
        parts.append(w("serial {serial}").format(serial=meta["body_serial"]))
    return clip(" ".join(parts)) or w("not recorded")


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


def _when_by(event: Event | None, w: Words) -> str:
    if event is None:
        return "?"
    content = event.entry.content or {}
    return w("{when}, by {who}").format(
        when=w.utc_and_local(content.get("at"), content.get("tz")), who=event.actor_name
    )


NOT_VOUCHED = N_("not shown: the entry that brought it in is not as signed")


def _recorded(ex: Exhibit, key: str, w: Words) -> str:
    """A property as the entry that brought the item in signed it, or why it is not shown."""
    value = ex.recorded(key)
    return w(NOT_VOUCHED) if value is None else str(value)


def _first_import(ex: Exhibit, facts: ReportFacts) -> Event | None:
    return next((e for e in _shown(ex, facts) if e.entry.action == "item.import"), None)


def _arrival(ex: Exhibit, facts: ReportFacts) -> Event | None:
    own = (e for e in _shown(ex, facts) if e.chain.own)
    return next((e for e in own if e.entry.seq == ex.item.entered_seq), None)


def _shown(ex: Exhibit, facts: ReportFacts) -> Iterator[Event]:
    return filter(facts.vouched_event, ex.history)


def _fields(ex: Exhibit, facts: ReportFacts, w: Words) -> list[tuple[str, Flowable]]:
    first, arrival = _first_import(ex, facts), _arrival(ex, facts)
    imported = first.entry.details if first else {}
    check = [(w("Record check"), _disagreement(w))] if ex.disagrees else []
    entered = [(w("Imported"), para(_when_by(first or arrival, w)))]
    if first is not None and not first.chain.own:
        entered.append((w("Received"), para(_when_by(arrival, w))))
    source = imported.get("source") if first else ex.recorded("source")
    method = imported.get("method") if first else ex.recorded("method")
    size, unvouched = ex.recorded("size"), first is None and ex.origin is None
    return [
        *check,
        (w("Original name"), para(_recorded(ex, "original_name", w))),
        (w("Item id"), para(ex.item.id, "mono")),
        (w("SHA-256"), _hash_cell(ex, w)),
        (w("Size"), para(w.size(size) if isinstance(size, int) else w(NOT_VOUCHED))),
        (w("Type"), para(_recorded(ex, "mime", w))),
        *entered,
        (w("Source"), para(w(NOT_VOUCHED) if unvouched else source or w("not stated"))),
        (w("Method"), para(w(NOT_VOUCHED) if unvouched else code(method, w))),
        *_capture_facts(ex, w),
    ]


def _capture_facts(ex: Exhibit, w: Words) -> list[tuple[str, Flowable]]:
    """What the file claims about its capture, labelled by where the claim comes from."""
    meta, source = ex.item.metadata, fact_source(ex.item.mime, w)
    when = w.camera_time(meta.get("captured_at"), meta.get("captured_offset"))
    return [
        (w("Captured ({source})").format(source=source), para(when)),
        (w("Camera ({source})").format(source=source), para(camera(meta, w))),
        (w("GPS ({source})").format(source=source), para(_gps(meta, w))),
    ]


def _labelled(label: str, text: Any) -> Flowable:
    return markup(f"<b>{esc(label)}</b> {esc(text)}")


def _note(note: Note, facts: ReportFacts, w: Words) -> Flowable:
    label = _note_label(note, facts, w)
    if note.supersedes:
        label += " " + w("(amends note {id})").format(id=short(note.supersedes))
    if note.problems:
        label += " " + w("(its case-file record disagrees with the signed log; see the "
                         "verification statement)")  # fmt: skip
    recorded = facts.entry(note.seq)  # this case's entry that vouches for the text
    if not note.text_signed or recorded is None or not facts.vouched(recorded, facts.hands.own):
        return _labelled(label, w("(the text stored for this note is not the signed text; "
                                  "it is not shown)"))  # fmt: skip
    return _labelled(label, note.text)


def _note_label(note: Note, facts: ReportFacts, w: Words) -> str:
    """Who wrote the note and when, as the entry that wrote it says: the first hands' for a
    received note; neither when that entry is not vouched for."""
    written = facts.note_written(note)  # None: no entry that wrote it is in any log read
    if written is None or not facts.vouched_event(written):
        return w("Note (the custody entry that wrote it is not shown; see the verification "
                 "statement):")  # fmt: skip
    content = written.entry.content or {}
    label = w("Note, {when}, by {who}:").format(
        when=w.utc_and_local(content.get("at"), content.get("tz")), who=written.actor_name
    )
    if not written.chain.own:
        label += " " + w("(written in case “{title}”, received with its log)").format(
            title=clip(chain_title(written.chain, w), 80)
        )
    return label


def notes_block(notes: list[Note], facts: ReportFacts, w: Words) -> list[Flowable]:
    return [_note(note, facts, w) for note in notes]


# One exhibit's blocks after its heading and properties, in order. Each takes
# (exhibit, facts, words) and returns flowables ([] when it has nothing to say); a new
# per-exhibit block (provenance, frame strip, derived items...) is one function added here.
ExhibitBlock = Callable[[Exhibit, ReportFacts, Words], list[Flowable]]


def description_block(ex: Exhibit, facts: ReportFacts, w: Words) -> list[Flowable]:
    if not ex.description:
        return []
    heading = w("Description")
    if ex.described is not None:
        heading = w("Description, {when_by}").format(when_by=_when_by(ex.described, w))
    story: list[Flowable] = [para(heading, "label")]
    for key, value in ex.description.items():
        story.append(_labelled(description_label(key, w) + ":", value))
    return story


def notes_section(ex: Exhibit, facts: ReportFacts, w: Words) -> list[Flowable]:
    return [para(w("Notes"), "label"), *notes_block(ex.notes, facts, w)] if ex.notes else []


def custody_block(ex: Exhibit, facts: ReportFacts, w: Words) -> list[Flowable]:
    label = (
        w("Custody of this item, from the first hands")
        if any(not e.chain.own for e in ex.history)
        else w("Custody events of this item")
    )
    return [history_table(ex.history, facts, w, label)]


EXHIBIT_BLOCKS: list[ExhibitBlock] = [
    description_block,
    provenance_block,  # DESIGN §9, vault/report/provenance.py
    notes_section,
    custody_block,
]


def exhibit(ex: Exhibit, facts: ReportFacts, w: Words) -> list[Flowable]:
    """Heading, thumbnail beside the recorded properties, then each of EXHIBIT_BLOCKS."""
    name = _recorded(ex, "original_name", w)
    picture, of, said = exhibit_picture(ex, facts, w)  # a sensitive exhibit: its redacted copy
    reread = functools.partial(stored_thumbnail, facts.case.conn, of)  # as the PDF is written
    preview = (
        Thumbnail(picture, THUMB, reread) if picture else para(said or w("no preview"), "small")
    )
    side = THUMB + 4 * mm
    fields = field_table(_fields(ex, facts, w), WIDTH - side)
    top = table([[preview, fields]], [side, WIDTH - side], ("LEFTPADDING", (0, 0), (-1, -1), 0))
    story: list[Flowable] = [
        CondPageBreak(EXHIBIT_ROOM),  # room for the heading and the table beside the thumbnail
        para(w("Exhibit {n}: {name}").format(n=ex.number, name=name), "exhibit"),
        top,
        # video and audio (vault/report/media.py); no frames of a sensitive exhibit
        *(media_section(ex.item, facts.case.conn, w) if said is None else []),
    ]
    if said:
        story.append(para(said, "small"))
    for block in EXHIBIT_BLOCKS:
        story += block(ex, facts, w)
    return story
