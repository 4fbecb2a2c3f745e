"""Words, dates and sizes for a report, in the report's own language (not the process's).

Evidence strings are hostile: everything that goes into reportlab markup passes `esc()`.
"""

from __future__ import annotations

import gettext
import re
from datetime import UTC, datetime, timedelta, timezone
from xml.sax.saxutils import escape

from vault.i18n import translations
from vault.text import shown

_OFFSET = re.compile(r"([+-])(\d\d):(\d\d)")


def N_(message: str) -> str:  # noqa: N802 - gettext's name for a deferred translation
    """Mark a string for translation where it is defined; `Words` translates it when used."""
    return message


def esc(value: object) -> str:
    """Plain text made safe for Paragraph markup: tags print literally, control and
    bidi-override characters are shown as escapes instead of acting."""
    text = shown(value, keep="\n\t")
    return escape(text).replace("\n", "<br/>").replace("\t", " ")


def _month_names(t: gettext.NullTranslations) -> tuple[str, ...]:
    # Months as they stand inside a date ("13 вересня 2022" needs the genitive in Ukrainian).
    return (
        t.pgettext("date", "January"),
        t.pgettext("date", "February"),
        t.pgettext("date", "March"),
        t.pgettext("date", "April"),
        t.pgettext("date", "May"),
        t.pgettext("date", "June"),
        t.pgettext("date", "July"),
        t.pgettext("date", "August"),
        t.pgettext("date", "September"),
        t.pgettext("date", "October"),
        t.pgettext("date", "November"),
        t.pgettext("date", "December"),
    )


def parse_offset(tz: str | None) -> timezone | None:
    """'+02:00' -> a fixed offset; anything else -> None (unknown, never guessed)."""
    match = _OFFSET.fullmatch(tz or "")
    if not match:
        return None
    sign = -1 if match.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))


def parse_utc(at: str | None) -> datetime | None:
    """An RFC 3339 UTC time as written in the log ('...Z'); None when it is not one."""
    try:
        return datetime.strptime(at or "", "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None


class Words:
    """The report's language: translations plus the date and size formats that go with it."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._t = translations(language)
        self._months = _month_names(self._t)

    def __call__(self, message: str) -> str:
        return self._t.gettext(message)

    def plural(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n).format(n=n)

    def date(self, when: datetime) -> str:
        """'13 September 2022' / '13 вересня 2022 р.'"""
        return self("{day} {month} {year}").format(
            day=when.day, month=self._months[when.month - 1], year=when.year
        )

    def moment(self, when: datetime) -> str:
        return f"{self.date(when)}, {when:%H:%M:%S}"

    def utc(self, at: str | None) -> str:
        utc = parse_utc(at)
        return (
            f"{self.moment(utc)} UTC" if utc else self("(no valid time: {value})").format(value=at)
        )

    def utc_and_local(self, at: str | None, tz: str | None) -> str:
        """A logged time in UTC, then as the recording machine's clock showed it."""
        utc = parse_utc(at)
        if utc is None:
            return self.utc(at)
        offset = parse_offset(tz)
        local = (
            self("local time {time} ({offset})").format(
                time=self.moment(utc.astimezone(offset)), offset=tz
            )
            if offset
            else self("local offset not recorded")
        )
        return f"{self.utc(at)}; {local}"

    def stamp(self, at: str | None, tz: str | None) -> str:
        """The same as `utc_and_local`, on three short lines for a table cell."""
        utc, offset = parse_utc(at), parse_offset(tz)
        if utc is None:
            return self.utc(at)
        lines = [self.date(utc), f"{utc:%H:%M:%S} UTC"]
        if offset:
            local = utc.astimezone(offset)
            day = "" if local.date() == utc.date() else f"{self.date(local)}, "
            lines.append(
                self("local {time} ({offset})").format(time=f"{day}{local:%H:%M:%S}", offset=tz)
            )
        return "\n".join(lines)

    def camera_time(self, captured_at: str | None, offset: str | None) -> str:
        """EXIF capture time as the camera claims it, with UTC only when it gave an offset."""
        if not captured_at:
            return self("not recorded")
        try:
            local = datetime.strptime(captured_at, "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            return self("(no valid time: {value})").format(value=captured_at)
        zone = parse_offset(offset)
        if zone is None:
            return self("{time} by the camera's clock; no time zone recorded").format(
                time=self.moment(local)
            )
        utc = local.replace(tzinfo=zone).astimezone(UTC)
        return self("{time} ({offset}) by the camera's clock = {utc} UTC").format(
            time=self.moment(local), offset=offset, utc=self.moment(utc)
        )

    def size(self, n: int) -> str:
        """Bytes exactly (a court compares them), plus a readable form."""
        units = [self("KB"), self("MB"), self("GB")]
        readable, value = "", float(n)
        for unit in units:
            if value < 1000:
                break
            value /= 1000
            readable = f" ({value:.1f} {unit})"
        return self("{n} bytes").format(n=n) + readable
