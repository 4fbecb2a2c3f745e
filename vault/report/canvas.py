"""How the report's PDF leaves memory (issue 17): each page's content compressed as the
page is finished, and the file written object by object as reportlab formats it.

reportlab keeps every page's content stream as uncompressed text until the document is
saved, then assembles the whole file in memory before writing it: a big report's peak
memory would grow by twice the size of its PDF. Nothing here changes a byte of the PDF; a
save that fails leaves what was written so far (in the report's temporary file, removed)."""

from __future__ import annotations

import zlib
from typing import Any, BinaryIO

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDocument, PDFFile, PDFName, PDFStream
from reportlab.pdfgen.canvas import Canvas


class PageCanvas(Canvas):
    """A canvas whose pages are compressed as they are finished and whose document is
    written to its file as it is formatted (`_StreamedDocument`)."""

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        super().showPage()
        page = self._doc.Pages.pages[-1]  # type: ignore[attr-defined]
        if page.stream:  # reportlab's default, page compression, is on
            text = page.stream.encode("utf8") if isinstance(page.stream, str) else page.stream
            contents = PDFStream(content=zlib.compress(text))
            contents.dictionary["Filter"] = PDFArray([PDFName("FlateDecode")])
            page.Contents, page.stream = contents, None

    def save(self) -> None:
        # The document the canvas made, told to stream: its class adds behaviour, no state.
        self._doc.__class__ = _StreamedDocument  # type: ignore[attr-defined]
        super().save()


class _StreamedDocument(PDFDocument):
    """reportlab's document, each formatted object written to the file at once.

    `PDFDocument.format` collects the file in a `PDFFile` it keeps as `__accum__` while it
    formats (the offsets for the cross-reference table are counted there, not from the
    list); taking that attribute over sends every piece to the file instead of the list,
    and the bytes `format` returns at the end are only what was not written yet (none)."""

    _out: BinaryIO

    def SaveToFile(self, filename: Any, canvas: Canvas) -> None:  # noqa: N802 (reportlab's name)
        if not callable(getattr(filename, "write", None)):  # a programming error
            raise TypeError("the report's canvas writes to a file object, not to a name")
        self._out = filename
        super().SaveToFile(filename, canvas)

    @property
    def __accum__(self) -> PDFFile:
        return self._accum

    @__accum__.setter
    def __accum__(self, file: PDFFile) -> None:
        self._out.write(b"".join(file.strings))  # the header, written when it was made
        file.strings.clear()
        file.write = self._write
        self._accum = file

    @__accum__.deleter
    def __accum__(self) -> None:
        del self._accum

    def _write(self, data: bytes) -> None:
        self._out.write(data)
