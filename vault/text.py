"""The one rule for showing strings that come from evidence (file names, EXIF values, notes,
package fields): they are hostile. A control, format or separator character could move a
terminal's cursor, recolour or hide text, or reverse what a line seems to say.

The rule: a character is unsafe when its Unicode category is C* (control, format, surrogate,
private use, unassigned) or a line/paragraph separator. The terminal and the report show
unsafe characters as escapes (`shown`); the desktop app, which cannot be fooled by them in a
plain-text label, drops them instead (`stripped`). Both use `unsafe()`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def unsafe(ch: str) -> bool:
    """True for a character that must never reach a terminal or a label as it is."""
    category = unicodedata.category(ch)
    return category.startswith("C") or category in ("Zl", "Zp")


def escape_char(ch: str) -> str:
    """A visible, unambiguous spelling of one character: \\n, \\u001b, \\u202e, ..."""
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def shown(value: object, keep: str = "") -> str:
    """`value` as text with every unsafe character escaped (those in `keep` stay as they
    are, e.g. "\\n" for a multi-line block). A backslash itself is not escaped: the result
    is for people to read, not to parse back."""
    text = str(value)
    # isprintable() is False for every C* and Z* character but the space: a superset of
    # unsafe ones, checked in C (a file listing of 20,000 names calls this per line).
    if text.isprintable() or not any(unsafe(ch) for ch in text):
        return text
    return "".join(ch if ch in keep or not unsafe(ch) else escape_char(ch) for ch in text)


def stripped(value: object, keep_newlines: bool = False) -> str:
    """`value` with unsafe characters removed: tabs and line breaks become spaces (or stay,
    for line breaks, when `keep_newlines`)."""
    out = []
    for ch in str(value):
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in "\t\r\n" or unicodedata.category(ch) in ("Zl", "Zp"):
            out.append(" ")
        elif not unsafe(ch):
            out.append(ch)
    return "".join(out)


def text_lines(text: str) -> list[str]:
    """The lines of a tag file or a JSON Lines log: split at LF (a CR before it dropped)
    only. `str.splitlines()` would also split at U+0085, U+2028 and other characters a
    file name or a JSON string may hold, and cut an entry in two."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def line_spans(data: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of `data` as `utf8_lines` splits it: a log's lines can be
    found again later by where they stand, without holding them (issue 17)."""
    if not data:
        return
    start, end = 0, len(data) - 1 if data.endswith(b"\n") else len(data)
    while (stop := data.find(b"\n", start, end)) >= 0:
        yield start, stop
        start = stop + 1
    yield start, end


def utf8_line(data: bytes, start: int, end: int) -> str:
    """The line of `data` between `start` and `end` (a span of `line_spans`), decoded."""
    return data[start:end].decode("utf-8", "replace").removesuffix("\r")


def utf8_lines(data: bytes) -> Iterator[str]:
    """`text_lines(data.decode("utf-8", "replace"))`, one line at a time: a long log is
    never held as a second, decoded copy nor as a list of its lines. (A line break byte
    never stands inside a UTF-8 sequence, so decoding line by line gives the same text.)"""
    for start, end in line_spans(data):
        yield utf8_line(data, start, end)
