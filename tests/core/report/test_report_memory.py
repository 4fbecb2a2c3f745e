"""Issue 17: a report's memory stays flat in the number of its exhibits. Its flowables are
made as layout reaches them and freed once drawn (a `Story`), and its pages are compressed
as they are finished; the PDF is laid out and signed in a file (vault/report/generate.py)."""

from __future__ import annotations

import gc
import io
import re
import subprocess
import weakref
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable

from bench.big_case import build_case
from bench.common import PASSPHRASE as BENCH_KEY
from bench.common import bulk_entries
from tests.helpers.report import pdf_text
from vault.case.handle import Case
from vault.errors import VaultError
from vault.evidence.ingest import import_paths
from vault.evidence.items import BATCH, stored_thumbnail
from vault.report.canvas import PageCanvas, Reread
from vault.report.data import gather
from vault.report.exhibits import LOG_ROWS, entries_tables
from vault.report.formatting import Words
from vault.report.generate import generate_report
from vault.report.layout import ReportDoc, Story, Thumbnail, para, register_fonts


def _doc(out: io.BytesIO, spool: io.BytesIO | None = None) -> ReportDoc:
    register_fonts()
    return ReportDoc(out, "Evidence report", "Case 1", "Page {page} of {total}", title="t",
                     author="a", subject="s", creator="c", keywords="k",
                     spool=spool or io.BytesIO())  # fmt: skip


def _most_alive(count: int) -> tuple[int, ReportDoc]:
    """Lay out `count` exhibits' worth of paragraphs; the most that were alive at once."""
    alive: weakref.WeakSet[Flowable] = weakref.WeakSet()
    most = 0

    def exhibits() -> Iterator[Flowable]:
        nonlocal most
        for n in range(count):
            gc.collect(0)
            most = max(most, len(alive))
            made = para(f"Exhibit {n}: statement of a witness, photo {n}.jpg " * 4)
            alive.add(made)
            yield made

    doc = _doc(io.BytesIO())
    doc.build(Story(exhibits()))
    doc.finish()
    return most, doc


def test_flowables_are_made_as_layout_reaches_them_and_freed_once_drawn() -> None:
    few, _doc_few = _most_alive(100)
    many, doc = _most_alive(800)
    assert doc.pages > 15  # the many really ran over many pages
    assert many <= few <= 2  # what a Story keeps ready ahead, whatever the length


def _pages(story: Iterator[Flowable], pdf: Path) -> list[str]:
    with pdf.open("wb") as out:
        doc = _doc(out)  # type: ignore[arg-type]
        doc.build(Story(story))
        doc.finish()
    return pdf_text(pdf).split("\f")


def test_headings_stay_with_what_follows_them_though_flowables_are_made_one_by_one(
    tmp_path: Path,
) -> None:
    """reportlab groups a run of headings with the flowable after it, so the Story must
    have the whole run and one more ready: wherever the run falls near a page's foot, it
    lands on the page of the text under it."""

    def story(fillers: int) -> Iterator[Flowable]:
        yield from (para(f"Filler {n}") for n in range(fillers))
        yield from (para("Heading one", "h1"), para("Heading two", "h2"), para("A label", "label"))
        yield para("The text under the headings")

    for fillers in range(36, 46):
        pages = _pages(story(fillers), tmp_path / f"{fillers}.pdf")
        together = [p for p in pages if "Heading one" in p and "text under the headings" in p]
        assert together, f"headings stranded after {fillers} fillers"


def test_finished_pages_wait_compressed_in_the_spool_not_in_memory() -> None:
    spool = io.BytesIO()
    doc = _doc(io.BytesIO(), spool)
    doc.build(Story(para(f"Exhibit {n}: statement of a witness. " * 20) for n in range(300)))
    pages = doc.canv._doc.Pages.pages
    assert len(pages) == doc.pages > 2
    assert all(page.stream is None and not hasattr(page.Contents, "content") for page in pages)
    assert all(len(vars(page)) <= 9 for page in pages)  # of some thirty, most of them None
    assert spool.getvalue()[:1] == b"x"  # zlib's first byte: the compressed contents
    doc.finish()


def test_a_page_changed_in_the_spool_stops_the_report() -> None:
    out, spool = io.BytesIO(), io.BytesIO()
    doc = _doc(out, spool)
    doc.build(Story(para(f"Exhibit {n}: statement of a witness. " * 20) for n in range(300)))
    spool.seek(len(spool.getvalue()) // 2)
    spool.write(b"\0")
    with pytest.raises(VaultError, match="A page of the report changed on the disk"):
        doc.finish()


class _Recording(io.BytesIO):
    """A file that remembers the size of each write."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def write(self, data: Any) -> int:
        self.sizes.append(len(data))
        return super().write(data)


def test_the_pdf_is_written_object_by_object_never_whole(tmp_path: Path) -> None:
    """reportlab assembles the whole file in memory before writing it; the report's
    document writes each object as it is formatted, and the file is the same valid PDF."""
    out = _Recording()
    doc = _doc(out)
    doc.build(Story(para(f"Exhibit {n}: statement of a witness. " * 20) for n in range(1000)))
    doc.finish()
    pdf = tmp_path / "streamed.pdf"
    pdf.write_bytes(out.getvalue())
    assert doc.pages > 20 and len(out.sizes) > 2 * doc.pages  # a page and its content each
    assert max(out.sizes) < len(out.getvalue()) / 5  # the largest: the embedded font
    assert "Exhibit 999: statement of a witness." in pdf_text(pdf)
    checked = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _jpeg(n: int) -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (64 + n, 48), (40 * n % 256, 90, 160)).save(picture, "JPEG")
    return picture.getvalue()


def _pdf_bytes(
    canvasmaker: Callable[..., PageCanvas], reread: dict[bytes, Reread] | None = None
) -> bytes:
    """200 paragraphs and, with `reread`, a thumbnail after every tenth (each JPEG of
    `reread` drawn twice)."""

    def story() -> Iterator[Flowable]:
        pictures = list(reread or {})
        for n in range(200):
            yield para(f"Свідок {n}: the school roof. " * 12)
            if pictures and n % 10 == 0:
                jpeg = pictures[n // 10 % len(pictures)]
                yield Thumbnail(jpeg, 30 * mm, reread[jpeg] if reread else None)

    out = io.BytesIO()
    doc = _doc(out)
    doc.invariant = 1  # no clock, no random id: the same document twice is the same bytes
    BaseDocTemplate.build(doc, Story(story()), canvasmaker=canvasmaker)
    doc.finish()
    return out.getvalue()


class _Whole(PageCanvas):
    """reportlab's own save (the file assembled in memory, then written), images kept."""

    def let_go(self, jpeg: bytes, reread: Reread) -> None:
        pass

    def save(self) -> None:
        Canvas.save(self)


class _Reportlab(_Whole):
    """reportlab's own pages too (compressed, and ASCII85-encoded, only as written)."""

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        Canvas.showPage(self)


def test_the_streamed_pdf_is_byte_for_byte_the_one_reportlab_writes_whole() -> None:
    spooled = _pdf_bytes(partial(PageCanvas, spool=io.BytesIO()))
    assert spooled == _pdf_bytes(PageCanvas) == _pdf_bytes(_Whole)


def test_pages_spooled_and_made_lean_are_the_pages_reportlab_writes(tmp_path: Path) -> None:
    """Decoded object for object (qpdf's QDF form), the report's PDF is reportlab's own:
    only its stream encoding (no ASCII85) and the file's ID, a digest of the bytes, differ."""
    spooled, own = _pdf_bytes(partial(PageCanvas, spool=io.BytesIO())), _pdf_bytes(_Reportlab)
    assert spooled != own
    assert _decoded(spooled, tmp_path) == _decoded(own, tmp_path)


def _decoded(pdf: bytes, folder: Path) -> list[bytes]:
    (folder / "in.pdf").write_bytes(pdf)
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", "--decode-level=all",
                    str(folder / "in.pdf"), str(folder / "out.pdf")], check=True)  # fmt: skip
    lines = (folder / "out.pdf").read_bytes().splitlines()
    return [line for line in lines if not line.lstrip().startswith(b"/ID [")]


def test_thumbnails_leave_memory_once_drawn_and_come_back_unchanged_in_the_pdf() -> None:
    """reportlab holds every image's bytes until it saves; the report's canvas drops each
    once drawn and reads it again from the case as its object is written: the same PDF,
    each picture read back once, none held while the others are written."""
    jpegs = [_jpeg(n) for n in range(10)]
    held: list[int] = []
    canvases: list[PageCanvas] = []

    class Watched(PageCanvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            canvases.append(self)

    def reread(jpeg: bytes) -> Reread:
        def again() -> bytes:
            objects = canvases[-1]._doc.idToObject.values()  # type: ignore[attr-defined]
            held.append(sum(len(getattr(o, "streamContent", "") or "") for o in objects))
            return jpeg

        return again

    streamed = _pdf_bytes(Watched, {jpeg: reread(jpeg) for jpeg in jpegs})
    assert streamed == _pdf_bytes(_Whole, {jpeg: reread(jpeg) for jpeg in jpegs})
    assert len(held) == len(jpegs) and max(held) < min(map(len, jpegs))  # read once, held none


def test_a_thumbnail_changed_before_the_pdf_is_written_stops_the_report() -> None:
    jpeg = _jpeg(1)
    with pytest.raises(VaultError, match="A thumbnail changed in the case file"):
        _pdf_bytes(PageCanvas, {jpeg: lambda: _jpeg(2)})
    with pytest.raises(VaultError, match="A thumbnail changed in the case file"):
        _pdf_bytes(PageCanvas, {jpeg: lambda: None})


def test_a_long_custody_log_is_laid_out_in_tables_of_bounded_length(tmp_path: Path) -> None:
    """One table of the whole log made layout's cost grow faster than the log (each page's
    split copied every row still to come); tables of LOG_ROWS rows keep it linear, and
    every entry is still printed, in order."""
    with Case.create(tmp_path / "long.evault", BENCH_KEY, title="Long") as case:
        bulk_entries(case, 2 * LOG_ROWS + 10)
        facts = gather(case, "report-1", None)
        register_fonts()
        tables = list(entries_tables(facts.log, facts, Words("en")))
        signed = [entry.seq for entry in facts.log]
        made = generate_report(case, tmp_path / "long.pdf", language="en")
    count = len(signed)
    assert [len(t._cellvalues) - 1 for t in tables] == [LOG_ROWS, LOG_ROWS, count - 2 * LOG_ROWS]
    text = pdf_text(made.path)
    log = text[text.index("Every entry of this case's signed custody log") :]
    printed = [int(n) for n in re.findall(r"^(\d+)\s", log, re.MULTILINE)]
    assert [n for n in printed if n <= signed[-1]][:count] == signed


def test_a_reports_items_are_read_as_its_exhibits_are_made_never_all_at_once(
    tmp_path: Path,
) -> None:
    """The facts hold the exhibits' ids; the items themselves (metadata and all, about
    3.5 KB each) are read a batch at a time as layout reaches them."""
    count = 3 * BATCH
    build_case(tmp_path / "big.evault", BENCH_KEY, count, tmp_path / "scratch")
    with Case.open(tmp_path / "big.evault", BENCH_KEY) as case:
        facts = gather(case, "report-1", None)
        assert len(facts.item_ids) == count and all(isinstance(i, str) for i in facts.item_ids)
        alive: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()
        most = 0
        for ex in facts.exhibits():
            alive[ex.number] = ex.item
            if ex.number % 50 == 0:
                gc.collect()
                most = max(most, len(alive))
    assert ex.number == count and most <= BATCH + 50


def test_a_reports_photos_are_read_again_as_the_pdf_is_written(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each exhibit's thumbnail leaves memory once drawn: the report reads it again from
    the case, once, as its object is written."""
    import vault.report.exhibits as exhibits

    reads: list[str] = []

    def counted(conn: Any, item_id: str) -> bytes | None:
        reads.append(item_id)
        return stored_thumbnail(conn, item_id)

    monkeypatch.setattr(exhibits, "stored_thumbnail", counted)
    photos = [corpus / "camera" / name for name in ("Canon_40D.jpg", "Nikon_D70.jpg")]
    with Case.create(tmp_path / "photos.evault", BENCH_KEY, title="Photos") as case:
        imported = import_paths(case, photos).imported
        made = generate_report(case, tmp_path / "photos.pdf", language="en")
    assert sorted(reads) == sorted(item.id for item in imported)
    listed = subprocess.run(["pdfimages", "-list", str(made.path)], capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    assert sum(" jpeg " in line for line in listed.splitlines()) == 2
