"""The report's page: embedded DejaVu fonts, styles, the running header and footer
("Page X of Y", case id, report id) and small flowable builders. Knows nothing of cases."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from functools import cache, partial
from typing import Any, BinaryIO

from reportlab import rl_config
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import STATE_DEFAULTS, Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    LongTable,
    PageTemplate,
    Paragraph,
    Table,
)
from reportlab.platypus.flowables import Flowable

from vault import assets
from vault.report.canvas import PageCanvas, Reread
from vault.report.formatting import esc

SANS, BOLD, MONO = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
RED = colors.HexColor("#b00000")
GREY = colors.HexColor("#555555")
_TOTAL_FORM = "pageTotal"
# A table cell holds one flowable or a column of them.
Cell = Flowable | Sequence[Flowable] | str  # str: plain text drawn by the table itself


@cache
def register_fonts() -> None:
    """Register the shipped fonts once; every glyph the report uses comes from them."""
    for name, file in (
        (SANS, "DejaVuSans.ttf"),
        (BOLD, "DejaVuSans-Bold.ttf"),
        (MONO, "DejaVuSansMono.ttf"),
    ):
        # The bytes, not a path: a shipped file need not be a file on disk (importlib.resources).
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(assets.read_bytes("fonts", file))))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=BOLD, italic=SANS, boldItalic=BOLD)
    # A canvas opens every page with its base font; left at Helvetica it would be an
    # unembedded font in the PDF even though no text uses it.
    rl_config.canvas_basefontname = SANS
    STATE_DEFAULTS["fontName"] = SANS  # the same, for graphics such as the QR code


def _heading(
    name: str,
    base: ParagraphStyle,
    size: tuple[float, float],
    space: tuple[float, float],
    keep: bool = True,
) -> ParagraphStyle:
    """A bold heading: `size` is its font size and leading, `space` what stands before and
    after it; `keep` holds it with what follows (never stranded at the foot of a page)."""
    (font_size, leading), (before, after) = size, space
    return ParagraphStyle(name, base, fontName=BOLD, fontSize=font_size, leading=leading,
                          spaceBefore=before, spaceAfter=after, keepWithNext=int(keep))  # fmt: skip


@cache
def styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=SANS, fontSize=9, leading=12)
    return {
        "title": ParagraphStyle(
            "title", base, fontName=BOLD, fontSize=20, leading=25, spaceAfter=8
        ),
        "h1": _heading("h1", base, (14, 18), (10, 6)),
        "h2": _heading("h2", base, (11, 14), (8, 4)),
        # An exhibit's heading: the CondPageBreak before it keeps it with its table, without
        # the cost of regrouping (keepWithNext) a thousand times in a big report.
        "exhibit": _heading("exhibit", base, (11, 14), (8, 4), keep=False),
        "body": ParagraphStyle("body", base, spaceAfter=4),
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=9.5),
        # Headings stay with what follows them: never stranded at the foot of a page.
        "label": ParagraphStyle(
            "label", base, fontSize=8, leading=10, textColor=GREY, keepWithNext=1
        ),
        "mono": ParagraphStyle("mono", base, fontName=MONO, fontSize=7, leading=9),
        "alert": ParagraphStyle(
            "alert",
            base,
            fontName=BOLD,
            fontSize=13,
            leading=17,
            textColor=RED,
            borderColor=RED,
            borderWidth=1.5,
            borderPadding=6,
            spaceBefore=8,
            spaceAfter=12,
        ),
        "ok": ParagraphStyle("ok", base, fontName=BOLD, fontSize=11, leading=14, spaceAfter=8),
        "center": ParagraphStyle("center", base, alignment=TA_CENTER),
    }


def para(text: object, style: str = "body") -> Paragraph:
    """Plain text as a paragraph: whatever it holds prints literally."""
    return Paragraph(esc(text), styles()[style])


def markup(trusted: str, style: str = "body") -> Paragraph:
    """A paragraph of the report's own markup; values in it MUST already be `esc()`-ed."""
    return Paragraph(trusted, styles()[style])


def table(
    cells: Sequence[Sequence[Cell]],
    widths: list[float],
    *style: tuple[Any, ...],
    repeat_rows: int = 0,
) -> Table:
    """A table of flowables, top-aligned with slim padding; one with a repeated header is a
    LongTable (faster for long logs). FONT is set because tables otherwise select Helvetica
    for every cell, leaving it unembedded in the PDF."""
    kind = LongTable if repeat_rows else Table
    made = kind([list(row) for row in cells], colWidths=widths, repeatRows=repeat_rows)
    made.setStyle(
        [
            ("FONT", (0, 0), (-1, -1), SANS, 8),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            *style,
        ]
    )
    return made


LABEL_WIDTH = 30 * mm


def field_table(rows: Sequence[tuple[str, Flowable]], width: float = WIDTH) -> Table:
    """Label / value rows; values are flowables so long text wraps and hashes stay mono.
    Labels are the report's own words: drawn as plain cell text (wrapped here), which costs
    a fraction of a Paragraph, and a big report has a dozen per exhibit."""
    cells: list[list[Cell]] = [[wrapped(label, LABEL_WIDTH - 4, 8), value] for label, value in rows]
    return table(
        cells,
        [LABEL_WIDTH, width - LABEL_WIDTH],
        ("FONT", (0, 0), (0, -1), SANS, 8, 10),
        ("TEXTCOLOR", (0, 0), (0, -1), GREY),
    )


def wrapped(text: str, width: float, size: float) -> str:
    """The app's own text (never evidence: it is not escaped) broken into lines that fit
    `width` points in SANS at `size`, for a plain table cell."""
    lines: list[str] = []
    for line in text.split("\n"):
        current = ""
        for word in line.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and pdfmetrics.stringWidth(candidate, SANS, size) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return "\n".join(lines)


def qr_code(value: str, side: float = 38 * mm) -> Drawing:
    """reportlab's own QR widget, scaled to `side`, with a quiet zone for scanners."""
    widget = QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


class _JpegReader(ImageReader):
    """A JPEG that reaches the PDF as it is (DCT passthrough), never decoded.

    `drawImage` names an ImageReader's XObject by hashing `getRGBData()`, which would
    decode every thumbnail to raw RGB (about 150 KB each, and a big case's RSS grows with
    them); the JPEG's own bytes name it just as uniquely."""

    def __init__(self, jpeg: bytes) -> None:
        super().__init__(io.BytesIO(jpeg))
        self._jpeg = jpeg
        self._dataA = None  # no alpha channel in a JPEG, so no soft mask

    def getRGBData(self) -> bytes:
        return self._jpeg


class Thumbnail(Flowable):
    """A thumbnail from memory (never a temp file), fitted into a `box` square. With
    `reread` (its bytes from the case again), the PDF lets them go once drawn until it is
    written (vault/report/canvas.py): a report of many photos does not hold them all."""

    def __init__(self, jpeg: bytes, box: float, reread: Reread | None = None) -> None:
        super().__init__()
        self._reader, self._reread = _JpegReader(jpeg), reread
        w, h = self._reader.getSize()
        self.width, self.height = w * box / max(w, h), h * box / max(w, h)

    def draw(self) -> None:
        self.canv.drawImage(self._reader, 0, 0, self.width, self.height)
        if self._reread is not None and isinstance(self.canv, PageCanvas):
            self.canv.let_go(self._reader.getRGBData(), self._reread)


class ReportDoc(BaseDocTemplate):
    """A4 pages with a header (title, case id, report id) and a "Page X of Y" footer.

    Y is unknown until the end, so every footer draws a form that is defined only after
    the last page, just before saving (PDF allows the forward reference)."""

    def __init__(
        self,
        out: BinaryIO,
        header: str,
        ids: str,
        page_label: str,
        *,
        title: str,
        author: str,
        subject: str,
        creator: str,
        keywords: str,
        spool: BinaryIO,
    ) -> None:
        super().__init__(
            out,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 6 * mm,
            bottomMargin=MARGIN + 4 * mm,
            invariant=0,
            title=title,
            author=author,
            subject=subject,
            creator=creator,
            keywords=[keywords],
        )
        self._doSave = 0
        self._spool = spool  # where finished pages wait (vault/report/canvas.py)
        self._header, self._ids = header, ids
        # "Page {page} of {total}": the part before {total} is drawn per page.
        self._before_total, _sep, self._after_total = page_label.partition("{total}")
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._decorate)])
        self.pages = 0

    def build(self, flowables: list[Flowable]) -> None:  # type: ignore[override]
        """Lay out `flowables` (a `Story`, made as it is consumed) on pages compressed and
        spooled as they are finished."""
        super().build(flowables, canvasmaker=partial(PageCanvas, spool=self._spool))

    def _decorate(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        self.pages = canv.getPageNumber()
        top, bottom = A4[1] - MARGIN + 2 * mm, MARGIN - 2 * mm
        canv.saveState()
        canv.setFillColor(GREY)
        canv.setFont(SANS, 7)
        canv.drawString(MARGIN, top, self._header)
        canv.drawString(MARGIN, bottom, self._ids)
        prefix = self._before_total.format(page=self.pages)
        x = A4[0] - MARGIN - 30 * mm
        canv.drawString(x, bottom, prefix)
        canv.translate(x + canv.stringWidth(prefix, SANS, 7), bottom)
        canv.doForm(_TOTAL_FORM)
        canv.restoreState()
        canv.setStrokeColor(colors.lightgrey)
        canv.line(MARGIN, top - 2 * mm, A4[0] - MARGIN, top - 2 * mm)

    def finish(self) -> None:
        """Define the page total now that it is known, then write the PDF."""
        canv = self.canv
        canv.beginForm(_TOTAL_FORM)
        canv.setFillColor(GREY)
        canv.setFont(SANS, 7)
        canv.drawString(0, 0, f"{self.pages}{self._after_total}")
        canv.endForm()
        canv.save()


class Story(list[Flowable]):
    """The document's flowables, made as layout consumes them.

    reportlab's `build` takes a list, asks its length before each flowable and deletes each
    from the front once drawn. Its only look ahead groups a run of flowables kept with the
    next one (headings) with the flowable after the run; this list tops itself up from
    `parts` whenever its length is asked until it holds one flowable not kept with its next,
    and no further. So a big report's exhibits and custody-log tables are never all in
    memory at once: each is made just before it is laid out and freed once drawn."""

    def __init__(self, parts: Iterator[Flowable]) -> None:
        super().__init__()
        self._parts: Iterator[Flowable] | None = parts
        self._fill()

    def _fill(self) -> None:
        while self._parts is not None and all(_kept_with_next(f) for f in self):
            made = next(self._parts, None)
            if made is None:
                self._parts = None
            else:
                self.append(made)

    def __len__(self) -> int:
        self._fill()
        return super().__len__()


def _kept_with_next(flowable: Flowable) -> bool:
    return bool(flowable.getKeepWithNext())  # type: ignore[no-untyped-call]


def polling(check: Callable[[], None]) -> Callable[[str, int], None]:
    """reportlab's progress callback, used only to poll for cancel after each flowable: the
    report's progress is counted as its story is made (a `Story` has no length up front)."""

    def callback(kind: str, _value: int) -> None:
        if kind == "PROGRESS":
            check()

    return callback
