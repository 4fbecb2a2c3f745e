"""Issue 17: a report's memory stays flat in the number of its exhibits. Its flowables are
made as layout reaches them and freed once drawn (a `Story`), and its pages are compressed
as they are finished; the PDF is laid out and signed in a file (vault/report/generate.py)."""

from __future__ import annotations

import gc
import io
import weakref
from collections.abc import Iterator

from reportlab.platypus import Flowable

from vault.report.layout import ReportDoc, Story, para, register_fonts


def _doc(out: io.BytesIO) -> ReportDoc:
    register_fonts()
    return ReportDoc(out, "Evidence report", "Case 1", "Page {page} of {total}", title="t",
                     author="a", subject="s", creator="c", keywords="k")  # fmt: skip


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
    assert many <= few <= 2 * 64  # what a Story keeps ready ahead, whatever the length


def test_finished_pages_keep_only_their_compressed_content() -> None:
    _most, doc = _most_alive(150)
    pages = doc.canv._doc.Pages.pages
    assert len(pages) == doc.pages > 2
    assert all(page.stream is None and page.Contents.content[:1] == b"x" for page in pages)
