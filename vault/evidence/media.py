"""Video and audio metadata and frames (DESIGN §11): pure functions, run in the metadata
worker (vault/evidence/probe.py) like EXIF, since containers are hostile input.

MediaInfo (`pymediainfo`, whose wheels bundle libmediainfo) reads the container headers;
PyAV (`av`, whose wheels bundle FFmpeg) decodes frames for thumbnails and strips. A few
facts neither reports are read from the boxes directly: the QuickTime movie header (the
movie's duration and creation time as the file states them) and the 3GPP `loci` location.

Conventions (documented for `items --json` in docs/metadata.md):
- `captured_at` is the local wall-clock time `YYYY-MM-DDTHH:MM:SS` and `captured_offset`
  its UTC offset, as for photos. Apple's `com.apple.quicktime.creationdate` (local time
  with offset) wins; then a recorded date with its zone (Matroska DateUTC, AVCHD, 3GPP);
  then the QuickTime/MP4 movie header time, which the specification says is UTC (so
  `+00:00`); a header time of 0 (1904-01-01) means no date.
- `rotation` is the clockwise turn in degrees (0, 90, 180, 270) to apply to the stored
  frames for display, as exiftool's Rotation; `width` and `height` are the stored frame
  size before that turn. FFmpeg's display matrix angle is the opposite sign.
- `duration_ms` is an integer; `video_codec` and `audio_codec` are the codec identifiers the
  container declares (QuickTime/MP4 sample entry four-character code, AVI/WAV FourCC or
  format tag, Matroska CodecID), else MediaInfo's format name.
"""

from __future__ import annotations

import io
import re
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, BinaryIO

from PIL import Image

from vault.evidence.filetype import InMemory, Source, open_source
from vault.evidence.metadata import MAX_TAGS, Extracted, clean_text, decimal_text
from vault.i18n import _

MEDIA_FIELDS = ("duration_ms", "rotation", "video_codec", "audio_codec")
STRIP_FRAMES = 6
STRIP_SIDE = 160
THUMB_SIDE = 256
DECODE_BUDGET = 3.0  # seconds of decoding per request: a hostile stream must not hold the worker
MAX_FRAME_PIXELS = 80_000_000  # as for photos: never scale a decompression bomb
MOOV_LIMIT = 64 << 20  # the largest movie header read whole; real ones are kilobytes
_QT_EPOCH = datetime(1904, 1, 1, tzinfo=UTC)
_ISO6709 = re.compile(r"([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?")
_ZONED = re.compile(
    r"(\d{4})[-:](\d\d)[-:](\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.\d+)?\s*(Z|UTC|[+-]\d\d:?\d\d)?"
)


_CONTAINERS = {
    "video/quicktime": "QuickTime/MP4", "video/mp4": "QuickTime/MP4", "audio/mp4": "QuickTime/MP4",
    "video/3gpp": "QuickTime/MP4", "video/3gpp2": "QuickTime/MP4", "audio/mpeg": "ID3",
    "video/x-msvideo": "RIFF INFO", "audio/wav": "RIFF INFO", "video/x-matroska": "Matroska tags",
    "video/mp2t": "MPEG-TS",
}  # fmt: skip


def container_format(mime: str) -> str | None:
    """The name of the metadata a video or audio file of this type carries about itself, as
    "EXIF" names a photo's: QuickTime/MP4 atoms, RIFF INFO chunks, Matroska tags, ID3
    frames, MPEG-TS (AVCHD) streams; None for other types."""
    return _CONTAINERS.get(mime)


def read_into(source: Source | BinaryIO, result: Extracted) -> None:
    """The metadata worker's hook: §11's fields, tags and warnings of an audio or video file,
    and a thumbnail decoded from its first frame (turned upright)."""
    reading = read_media(source, result.fields)
    result.tags = reading.tags
    result.warnings.extend(reading.warnings)
    if reading.has_video:
        rotation = result.fields.get("rotation")
        frames = video_frames(source, rotation if isinstance(rotation, int) else None)
        result.thumbnail = frames.thumbnail
        if frames.problem:
            result.warnings.append(_("No thumbnail: {reason}").format(reason=frames.problem))


@dataclass
class MediaReading:
    """What a container says about itself: §11's fields, printable tags, problems."""

    fields: dict[str, str | int | None]
    tags: dict[str, str]
    warnings: list[str]
    has_video: bool


def clock(ms: int) -> str:
    """A time within a recording: `m:ss.mmm` (`h:mm:ss.mmm` past an hour)."""
    seconds, millis = divmod(max(0, ms), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    head = f"{hours}:{minutes:02d}" if hours else f"{minutes}"
    return f"{head}:{seconds:02d}.{millis:03d}"


# --- metadata ---------------------------------------------------------------------------


def read_media(source: Source | BinaryIO, fields: dict[str, str | int | None]) -> MediaReading:
    """Fill §11's fields of an audio or video file into `fields` (which holds the photo
    keys too: captured_at, captured_offset, gps_*, make, model, software, width, height).
    Never raises: every problem is a warning."""
    from pymediainfo import MediaInfo  # the bundled library loads only where it is needed

    fields.update(dict.fromkeys(MEDIA_FIELDS))
    reading = MediaReading(fields, {}, [], False)
    try:
        with _opened(source) as fh:
            info = MediaInfo.parse(fh, parse_speed=0.0)
            general = info.general_tracks[0].to_data() if info.general_tracks else {}
            video = [t.to_data() for t in info.video_tracks]
            audio = [t.to_data() for t in info.audio_tracks]
            fh.seek(0)
            boxes = _quicktime_facts(fh)
            fh.seek(0)
            riff = _riff_info(fh)
    except Exception as err:  # noqa: BLE001 - the parsers fail in many ways on hostile input
        reading.warnings.append(_("The media container could not be read ({e}).").format(
            e=type(err).__name__))  # fmt: skip
        return reading
    reading.has_video = bool(video)
    _fill(reading, general, video, audio, boxes, riff)
    reading.tags = _printable(general, video, audio)
    _conformance(reading, general)
    return reading


@contextmanager
def _opened(source: Source | BinaryIO) -> Iterator[BinaryIO]:
    """A path or bytes opened here (and closed after), or a file object as it is (a stored
    original streamed to the worker, vault/evidence/frames.py), rewound."""
    if isinstance(source, str | InMemory):
        with open_source(source) as fh:
            yield fh
    else:
        source.seek(0)
        yield source


def _fill(
    reading: MediaReading,
    general: dict[str, Any],
    video: list[dict[str, Any]],
    audio: list[dict[str, Any]],
    boxes: dict[str, Any],
    riff: dict[str, str],
) -> None:
    fields, problems = reading.fields, reading.warnings
    first_video = next((v for v in video if _int(v.get("width"))), video[0] if video else {})
    fields["duration_ms"] = _duration(general, audio, boxes)
    fields["width"] = _int(first_video.get("width"))
    fields["height"] = _int(first_video.get("height"))
    fields["rotation"] = _rotation(first_video.get("rotation"), problems)
    fields["video_codec"] = riff.get("handler") or _codec(first_video)
    fields["audio_codec"] = _codec(audio[0]) if audio else None
    location = general.get("comapplequicktimelocationiso6709") or general.get("xyz")
    lat, lon, alt = _iso6709(str(location), problems) if location else boxes.get("loci", ()) or (
        None, None, None)  # fmt: skip
    fields["gps_lat"], fields["gps_lon"], fields["gps_alt"] = lat, lon, alt
    if lat == lon == "0.000000":
        problems.append(_("The GPS position is exactly 0°, 0°: usually the device had no fix."))
    fields["make"] = _text(_first(general, _MAKE) or riff.get("make"))
    fields["model"] = _text(_first(general, _MODEL) or riff.get("model"))
    fields["software"] = _text(general.get("comapplequicktimesoftware"))  # fmt: skip
    fields["captured_at"], fields["captured_offset"] = _capture_time(general, boxes, riff, problems)


# Where a camera or phone names itself, as MediaInfo reads it: Apple's keys, QuickTime's
# ©mak / ©mod (action cameras, Canon), Android's keys, then a Matroska or ASF writer's.
_MAKE = ("comapplequicktimemake", "make", "comandroidmanufacturer",
         "encoded_application_companyname")  # fmt: skip
_MODEL = ("comapplequicktimemodel", "model", "comandroidmodel", "encoded_application_name")


def _first(general: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((general[key] for key in keys if general.get(key)), None)


def _int(value: Any) -> int | None:
    try:
        number = int(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if 0 < number < 2**53 else None


def _text(value: Any) -> str | None:
    return (clean_text(value).strip() or None) if isinstance(value, str) else None


def _duration(general: dict[str, Any], audio: list[dict[str, Any]], boxes: dict[str, Any]) -> (
        int | None):  # fmt: skip
    """The movie header's duration where there is one (what the file states, as exiftool
    reads it); else MediaInfo's, taking the audio track's where the file has only audio
    (its general duration is truncated to whole milliseconds, the track's is rounded)."""
    if boxes.get("duration_ms") is not None:
        return int(boxes["duration_ms"])
    if general.get("format") == "MPEG Audio" and audio:
        return _int(audio[0].get("duration"))
    value = general.get("duration")
    try:
        return int(Decimal(str(value)).to_integral_value()) if value is not None else None
    except InvalidOperation:
        return None


def _rotation(value: Any, problems: list[str]) -> int | None:
    """MediaInfo's rotation is clockwise degrees (exiftool's sign), a decimal string."""
    if value is None:
        return None
    try:
        degrees = Decimal(str(value))
    except InvalidOperation:
        degrees = Decimal(-1)
    if degrees % 90 != 0:
        problems.append(_("The video's rotation {v} is not a quarter turn; it is ignored.").format(
            v=str(value)[:20]))  # fmt: skip
        return None
    return int(degrees) % 360


def _codec(track: dict[str, Any]) -> str | None:
    """The declared codec identifier; MPEG-4 object types ('mp4a-40-2') lose their suffix,
    since exiftool and the sample entry name the four-character code alone."""
    value = track.get("codec_id") or track.get("format")
    if not isinstance(value, str) or not value.strip():
        return None
    text = _text(value.split("-")[0] if re.fullmatch(r"mp4[av]-[0-9A-F-]+", value) else value)
    if text and text.isdigit():  # MPEG-TS stream types and RIFF format tags are numbers
        return _text(track.get("format"))
    return text


def _iso6709(text: str, problems: list[str]) -> tuple[str | None, str | None, str | None]:
    match = _ISO6709.match(text.strip())
    if not match:
        problems.append(_("The location {v!r} is not an ISO 6709 position.").format(v=text[:40]))
        return None, None, None
    lat, lon = _angle(match[1], 2), _angle(match[2], 3)
    alt = Decimal(match[3]) if match[3] else None
    if lat is None or lon is None:
        problems.append(_("The location {v!r} is not an ISO 6709 position.").format(v=text[:40]))
        return None, None, None
    if abs(lat) > 90 or abs(lon) > 180:
        problems.append(_("The location {v!r} is out of range.").format(v=text[:40]))
        return None, None, None
    return _deg(lat), _deg(lon), None if alt is None else _metres(alt)


def _angle(text: str, width: int) -> Decimal | None:
    """ISO 6709's ±DD.D, ±DDMM.M or ±DDMMSS.S (a longitude's degrees take three digits),
    in degrees; None for any other form, or minutes or seconds past 59."""
    sign, number = (-1 if text[0] == "-" else 1), text[1:]
    whole = len(number.split(".")[0])
    if whole <= width:
        return sign * Decimal(number)
    if whole not in (width + 2, width + 4):
        return None
    degrees, rest = Decimal(number[:width]), number[width:]
    if whole == width + 2:
        minutes, seconds = Decimal(rest), Decimal(0)
    else:
        minutes, seconds = Decimal(rest[:2]), Decimal(rest[2:])
    if minutes >= 60 or seconds >= 60:
        return None
    return sign * (degrees + minutes / 60 + seconds / 3600)


def _deg(value: Decimal) -> str:
    return decimal_text(Fraction(value), 6)


def _metres(value: Decimal) -> str:
    return decimal_text(Fraction(value), 3)


def _capture_time(
    general: dict[str, Any], boxes: dict[str, Any], riff: dict[str, str], problems: list[str]
) -> tuple[str | None, str | None]:
    apple = general.get("comapplequicktimecreationdate")
    recorded = general.get("recorded_date")
    encoded = general.get("encoded_date") if general.get("format") == "Matroska" else None
    for value in (apple, recorded, encoded):
        found = _zoned(value) if isinstance(value, str) else None
        if found and found[1] is not None:
            return found
    created = boxes.get("created")
    if isinstance(created, tuple):
        return str(created[0]), str(created[1])
    if riff.get("date"):
        found = _zoned(riff["date"])
        if found:
            return found
    claimed = recorded or apple
    if isinstance(claimed, str) and not re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", claimed):
        problems.append(_("The recorded date {v!r} is not a valid date.").format(v=claimed[:40]))
    return None, None


def _zoned(text: str) -> tuple[str, str | None] | None:
    """(local wall-clock ISO time, its offset or None) of a date as containers write it."""
    match = _ZONED.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        when = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return None
    if zone in ("Z", "UTC"):
        return when.isoformat(), "+00:00"
    if zone:
        offset = zone.replace(":", "")
        return when.isoformat(), f"{offset[:3]}:{offset[3:]}"
    return when.isoformat(), None


def _printable(
    general: dict[str, Any], video: list[dict[str, Any]], audio: list[dict[str, Any]]
) -> dict[str, str]:
    """MediaInfo's readings as display tags (file system facts and computed extras left out)."""
    tags: dict[str, str] = {}
    for label, tracks in (("General", [general]), ("Video", video), ("Audio", audio)):
        for n, track in enumerate(tracks):
            prefix = label if n == 0 else f"{label}{n + 1}"
            for key, value in track.items():
                if key.startswith(("other_", "file_", "folder_", "complete_name", "count")):
                    continue
                if len(tags) < MAX_TAGS and isinstance(value, str | int):
                    tags[clean_text(f"{prefix} {key}", 200)] = clean_text(str(value))
    return tags


def _conformance(reading: MediaReading, general: dict[str, Any]) -> None:
    if general.get("istruncated") == "Yes":
        reading.warnings.append(_("The media file is truncated: it ends before its container "
                                  "says it should."))  # fmt: skip
    compliance = general.get("general_compliance")
    if isinstance(compliance, str) and compliance:
        reading.warnings.append(_("The container does not conform to its format: {v}").format(
            v=_text(compliance[:200])))  # fmt: skip


# --- QuickTime / ISO-BMFF boxes and RIFF chunks -----------------------------------------


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of each box in data[start:end]; stops at junk."""
    pos, end = start, len(data) if end is None else min(end, len(data))
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        head = 8
        if size == 1 and pos + 16 <= end:
            size, head = struct.unpack(">Q", data[pos + 8 : pos + 16])[0], 16
        elif size == 0:
            size = end - pos
        if size < head or pos + size > end:
            return
        yield kind, pos + head, pos + size
        pos += size


def _find_moov(fh: BinaryIO) -> bytes | None:
    """The `moov` box's payload, found by walking the top-level boxes with seeks."""
    pos = 0
    for _box in range(1000):
        fh.seek(pos)
        head = fh.read(16)
        if len(head) < 8:
            return None
        size, kind = struct.unpack(">I4s", head[:8])
        header = 8
        if size == 1 and len(head) == 16:
            size, header = struct.unpack(">Q", head[8:16])[0], 16
        if kind == b"moov":
            length = (size - header) if size >= header else MOOV_LIMIT
            fh.seek(pos + header)
            return fh.read(min(length, MOOV_LIMIT))
        if size < header:
            return None
        pos += size
    return None


def _quicktime_facts(fh: BinaryIO) -> dict[str, Any]:
    """The movie header's duration and creation time, and a 3GPP `loci` location."""
    head = fh.read(12)
    if head[4:8] not in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        return {}
    fh.seek(0)
    moov = _find_moov(fh)
    if not moov:
        return {}
    facts: dict[str, Any] = {}
    for kind, start, end in _boxes(moov):
        if kind == b"mvhd":
            facts.update(_mvhd(moov[start:end]))
        elif kind == b"udta":
            for sub, s_start, s_end in _boxes(moov, start, end):
                if sub == b"loci":
                    facts["loci"] = _loci(moov[s_start:s_end])
    return facts


def _mvhd(box: bytes) -> dict[str, Any]:
    if len(box) < 20:
        return {}
    if box[0] == 1 and len(box) >= 32:
        created, _mod, scale, length = struct.unpack(">QQIQ", box[4:32])
    else:
        created, _mod, scale, length = struct.unpack(">IIII", box[4:20])
    facts: dict[str, Any] = {}
    if scale:
        facts["duration_ms"] = round(Fraction(length * 1000, scale))
    if created:  # 0 is 1904-01-01: no date
        try:
            when = (_QT_EPOCH + timedelta(seconds=created)).replace(tzinfo=None)
            facts["created"] = (when.isoformat(), "+00:00")
        except OverflowError:
            pass
    return facts


def _loci(box: bytes) -> tuple[str | None, str | None, str | None]:
    """3GPP TS 26.244 location: version/flags, language, a name, role, then 16.16 fixed-point
    longitude, latitude and altitude."""
    end = box.find(b"\x00", 6)
    if end < 0 or len(box) < end + 14:
        return None, None, None
    lon, lat, alt = struct.unpack(">iii", box[end + 2 : end + 14])
    if abs(lat) > 90 << 16 or abs(lon) > 180 << 16:
        return None, None, None
    return _deg(Decimal(lat) / 65536), _deg(Decimal(lon) / 65536), _metres(Decimal(alt) / 65536)


_RIFF_TEXT = {b"ecor": "make", b"emdl": "model", b"etim": "time", b"erel": "related",
              b"ICRD": "created"}  # fmt: skip


def _riff_info(fh: BinaryIO) -> dict[str, str]:
    """RIFF (WAV, AVI) `LIST/exif` and `LIST/INFO` strings: a camera's voice memo keeps its
    maker, model and time there (`ecor`, `emdl`, `etim` with ICRD's date)."""
    head = fh.read(12)
    if head[:4] != b"RIFF":
        return {}
    data = head + fh.read(1 << 20)  # such lists sit before the media data
    found: dict[str, str] = {}
    pos = 12
    for _chunk in range(1000):
        if pos + 8 > len(data):
            break
        kind, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        if kind == b"LIST" and data[pos + 8 : pos + 12] == b"hdrl":
            found.update(_avi_handler(data[pos + 12 : pos + 8 + size]))
        if kind == b"LIST" and data[pos + 8 : pos + 12] in (b"exif", b"INFO"):
            sub = pos + 12
            while sub + 8 <= min(pos + 8 + size, len(data)):
                name, length = data[sub : sub + 4], struct.unpack("<I", data[sub + 4 : sub + 8])[0]
                if name in _RIFF_TEXT:
                    text = data[sub + 8 : sub + 8 + length].split(b"\x00")[0]
                    found[_RIFF_TEXT[name]] = text.decode("latin-1")
                sub += 8 + length + (length & 1)
        pos += 8 + size + (size & 1)
    if found.get("created") and found.get("time"):
        found["date"] = f"{found['created'][:10]} {found['time'][:8]}"
    return found


def _avi_handler(hdrl: bytes) -> dict[str, str]:
    """The video stream header's handler FourCC (`strh` fccHandler), the codec a camera's
    AVI names (exiftool's VideoCodec); the bitmap header's compression may differ."""
    at = hdrl.find(b"strh")
    handler = hdrl[at + 12 : at + 16] if at >= 0 and hdrl[at + 8 : at + 12] == b"vids" else b""
    text = handler.decode("latin-1")
    return {"handler": text} if len(text) == 4 and text.isalnum() else {}


# --- frames -----------------------------------------------------------------------------


@dataclass
class Frames:
    """Decoded frames: the thumbnail, a strip (time in ms, JPEG), and why there are none."""

    thumbnail: bytes | None
    strip: list[tuple[int, bytes]]
    problem: str | None
    still: tuple[int, bytes] | None = None  # (time in ms, full-size upright PNG) if asked


def _open_container(source: Source | BinaryIO) -> Any:
    import av

    target: Any = io.BytesIO(source.data) if isinstance(source, InMemory) else source
    if not isinstance(source, str | InMemory):
        source.seek(0)
    return av.open(target, metadata_errors="ignore")


def video_frames(
    source: Source | BinaryIO,
    rotation: int | None,
    *,
    strip: int = 0,
    at_ms: int | None = None,
    still: bool = False,
) -> Frames:
    """The thumbnail (the first frame, or the frame at `at_ms`) and `strip` frames spread
    over the video, each turned upright by `rotation`; with `still`, that frame whole as a
    PNG too. A file whose frames cannot be decoded gets a problem, never an exception.
    Decoding is single-threaded and bounded in time."""
    import av

    av.logging.set_level(None)  # FFmpeg's messages quote file content; they are not for logs
    try:
        with _open_container(source) as container:
            stream = next(iter(container.streams.video), None)
            if stream is None:
                return Frames(None, [], _("The file has no video stream."))
            stream.thread_type = "SLICE"
            stream.codec_context.thread_count = 1
            deadline = time.monotonic() + DECODE_BUDGET
            first = _frame_at(container, stream, at_ms or 0, deadline)
            if first is None:
                return Frames(None, [], _("No frame of the video could be decoded."))
            thumb = _jpeg(first[1], rotation, THUMB_SIDE)
            whole = (first[0], _png(first[1], rotation)) if still else None
            frames = _strip(container, stream, strip, rotation, deadline) if strip else []
            return Frames(thumb, frames, None, whole)
    except Exception as err:  # noqa: BLE001 - FFmpeg fails in many ways on hostile input
        return Frames(None, [], _("The video could not be decoded ({e}).").format(
            e=type(err).__name__))  # fmt: skip


def _duration_ms(container: Any, stream: Any) -> int:
    if stream.duration and stream.time_base:
        return int(stream.duration * stream.time_base * 1000)
    return int(container.duration // 1000) if container.duration else 0


def _strip(
    container: Any, stream: Any, count: int, rotation: int | None, deadline: float
) -> list[tuple[int, bytes]]:
    """Up to `count` frames spread over the video: the keyframe at or before each mark (one
    decode each, however long the groups of pictures), each later than the one before."""
    length = _duration_ms(container, stream)
    marks = [length * (2 * i + 1) // (2 * count) for i in range(count)] if length else [0]
    out: list[tuple[int, bytes]] = []
    for mark in marks:
        found = _frame_at(container, stream, mark, deadline, after=out[-1][0] if out else -1)
        if found is None:
            break
        out.append((found[0], _jpeg(found[1], rotation, STRIP_SIDE)))
    return out


def _frame_at(
    container: Any, stream: Any, at_ms: int, deadline: float, after: int | None = None
) -> tuple[int, Any] | None:
    """(time in ms, frame): seek to the keyframe before `at_ms`, then decode to the first frame
    at or after `at_ms` (or, when `after` is given, the first later than `after` ms: no
    decoding up to the mark). Past the last frame (a video track shorter than the movie, a
    player's position at the very end) the last frame is the one shown then. None when
    nothing decodes before the deadline."""
    start = stream.start_time or 0
    if at_ms > 0:
        target = start + int(Fraction(at_ms, 1000) / stream.time_base)
        container.seek(target, stream=stream, backward=True, any_frame=False)
    last = None
    for frame in container.decode(stream):
        if time.monotonic() > deadline or frame.width * frame.height > MAX_FRAME_PIXELS:
            return None
        when = int((frame.pts - start) * stream.time_base * 1000) if frame.pts is not None else 0
        if (when > after) if after is not None else (when + 1 >= at_ms):
            return when, frame
        last = when, frame
    return last if after is None else None


def _png(frame: Any, rotation: int | None) -> bytes:
    """The frame at its full size, upright, lossless, with no metadata of the original."""
    img: Image.Image = frame.to_image()
    if rotation:
        img = img.rotate(-rotation, expand=True)
    out = io.BytesIO()
    img.convert("RGB").save(out, "PNG")
    return out.getvalue()


def _jpeg(frame: Any, rotation: int | None, side: int) -> bytes:
    img: Image.Image = frame.to_image()
    img.thumbnail((side, side))
    if rotation:
        img = img.rotate(-rotation, expand=True)  # PIL turns counter-clockwise
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()
