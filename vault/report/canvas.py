"""How the report's PDF leaves memory (issue 17): each page's content compressed as the
page is finished, its thumbnails let go until the file is written, and the file written
object by object as reportlab formats it.

reportlab keeps every page's content stream as uncompressed text, and every image's bytes,
until the document is saved, then assembles the whole file in memory before writing it: a
big report's peak memory would grow by its thumbnails and twice the size of its PDF.
Nothing here changes a byte of the PDF; a save that fails leaves what was written so far
(in the report's temporary file, removed)."""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Callable
from typing import Any, BinaryIO

from reportlab.lib.utils import _digester  # type: ignore[attr-defined]  # how drawImage names
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDocument,
    PDFFile,
    PDFImageXObject,
    PDFName,
    PDFStream,
)
from reportlab.pdfgen.canvas import Canvas

from vault.errors import VaultError
from vault.i18n import _

Reread = Callable[[], bytes | None]


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

    def let_go(self, jpeg: bytes, reread: Reread) -> None:
        """Drop the bytes of the image just drawn from `jpeg` (by drawImage, without mask)
        until the PDF is written; `reread` then gives them again, and they must be the same
        bytes. An image drawn twice is let go once."""
        name = self._doc.getXObjectName(_digester(jpeg + b"None"))  # type: ignore[attr-defined]
        image = self._doc.idToObject.get(name)  # type: ignore[attr-defined]
        if type(image) is PDFImageXObject and "DCTDecode" in getattr(image, "_filters", ()):
            image.__class__ = _RereadImage  # the same object, its bytes read when written
            assert isinstance(image, _RereadImage)
            image.forget(jpeg, reread)

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


class _RereadImage(PDFImageXObject):
    """An image whose bytes are read again, and checked, only as its object is written."""

    reread: Reread
    sha256: bytes

    def forget(self, jpeg: bytes, reread: Reread) -> None:
        self.reread, self.sha256 = reread, hashlib.sha256(jpeg).digest()
        self.streamContent = ""

    def format(self, document: PDFDocument) -> bytes:
        jpeg = self.reread()
        if (
            jpeg is None
            or hashlib.sha256(jpeg).digest() != self.sha256
            or not self.loadImageFromJPEG(io.BytesIO(jpeg))  # as drawImage loaded it first
        ):
            raise VaultError(_("A thumbnail changed in the case file while the report was "
                               "being made. No report was written."))  # fmt: skip
        try:
            return super().format(document)
        finally:
            self.streamContent = ""
