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
    PDFDictionary,
    PDFDocument,
    PDFFile,
    PDFImageXObject,
    PDFName,
    PDFPage,
    PDFStream,
)
from reportlab.pdfgen.canvas import Canvas

from vault.errors import VaultError
from vault.i18n import _

Reread = Callable[[], bytes | None]


class PageCanvas(Canvas):
    """A canvas whose pages are compressed as they are finished, their contents kept in
    `spool` (a file) until the document is written to its file as it is formatted
    (`_StreamedDocument`)."""

    def __init__(self, *args: Any, spool: BinaryIO | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._spool = spool

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        super().showPage()
        page = self._doc.Pages.pages[-1]  # type: ignore[attr-defined]
        if page.stream:  # reportlab's default, page compression, is on
            text = page.stream.encode("utf8") if isinstance(page.stream, str) else page.stream
            data = zlib.compress(text)
            page.Contents = _SpooledStream(self._spool, data) if self._spool else _flate(data)
            page.stream = None
        _lean(page)

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


class _LeanPage(PDFPage):
    """reportlab's page, whose attributes left None are the class's (it reads each with a
    default of None when it writes the page, and a few directly before)."""


# A page's attributes that are often None or empty until it is written, with the value
# the class gives them: none of them has another class value in reportlab's page.
_LEFT: dict[str, object] = dict.fromkeys([*PDFPage.__NoDefault__, "ExtGState", "XObjects"])
_LEFT["stream"] = None
_LEFT.update(_colorsUsed={}, _shadingUsed={})  # read only, never changed in place
for _name, _value in _LEFT.items():
    setattr(_LeanPage, _name, _value)


_NO_TRANSITION = PDFDictionary({})  # every page's, unless a transition is set


def _lean(page: PDFPage) -> None:
    """A page of some thirty attributes, most of them None or empty until it is written:
    held for every page of a big report, those are left to the class (an empty `Annots`
    is written as None would be)."""
    page.__class__ = _LeanPage
    page.__dict__ = {k: v for k, v in vars(page).items() if k not in _LEFT or _written(v)}
    if isinstance(page.Trans, PDFDictionary) and not page.Trans.dict:
        page.Trans = _NO_TRANSITION  # written "<< >>" all the same


def _written(value: object) -> bool:
    return value is not None and value != [] and value != {}


class _SpooledStream(PDFStream):
    """A page's compressed contents, kept in the spool until the page is written, and
    checked to be the same bytes when read back."""

    def __init__(self, spool: BinaryIO, data: bytes) -> None:
        # No dictionary of its own until it is written (PDFStream makes one per stream).
        self._spool = spool
        self._at = spool.seek(0, io.SEEK_END)
        self._length, self._sha256 = len(data), hashlib.sha256(data).digest()
        spool.write(data)

    def format(self, document: PDFDocument) -> bytes:
        self._spool.seek(self._at)
        data = self._spool.read(self._length)
        if hashlib.sha256(data).digest() != self._sha256:
            raise VaultError(_("A page of the report changed on the disk while the report "
                               "was being written. No report was written."))  # fmt: skip
        return bytes(_flate(data).format(document))


def _flate(data: bytes) -> PDFStream:
    """A stream of `data` already compressed with zlib, as the PDF writes it."""
    stream = PDFStream(content=data)
    stream.dictionary["Filter"] = PDFArray([PDFName("FlateDecode")])
    return stream


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
