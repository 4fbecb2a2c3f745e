"""Metadata tags in words: the details pane names a tag "Exposure time" under the heading
"Camera and exposure", not "EXIF ExposureTime" on every row. The raw name stays in the
row's tooltip for experts (and is what `DetailsTab.tag_value` looks up)."""

from __future__ import annotations

import re

from vault.i18n import N_, _

# The key fields the app reads from the tags (vault/evidence/metadata.py FIELD_NAMES).
FIELD_NAMES = {
    "captured_at": N_("Taken"),
    "captured_offset": N_("Time zone offset"),
    "gps_lat": N_("Latitude"),
    "gps_lon": N_("Longitude"),
    "gps_alt": N_("Altitude"),
    "make": N_("Make"),
    "model": N_("Model"),
    "body_serial": N_("Serial number"),
    "software": N_("Software"),
    "orientation": N_("Orientation"),
    "width": N_("Width"),
    "height": N_("Height"),
}

GROUPS = {
    "": N_("Key fields"),
    "Image": N_("Image"),
    "EXIF": N_("Camera and exposure"),
    "GPS": N_("Location (GPS)"),
    "Thumbnail": N_("Embedded thumbnail"),
    "Interoperability": N_("Interoperability"),
    "MakerNote": N_("Maker's notes"),
}

# The tags most files carry; the rest are spelled out from their names.
TAG_NAMES = {
    "DateTime": N_("Date and time"),
    "DateTimeOriginal": N_("Taken"),
    "DateTimeDigitized": N_("Digitized"),
    "OffsetTime": N_("Time zone offset"),
    "OffsetTimeOriginal": N_("Time zone offset when taken"),
    "SubSecTime": N_("Fractions of a second"),
    "SubSecTimeOriginal": N_("Fractions of a second when taken"),
    "SubSecTimeDigitized": N_("Fractions of a second when digitized"),
    "Make": N_("Make"),
    "Model": N_("Model"),
    "Software": N_("Software"),
    "Orientation": N_("Orientation"),
    "ImageWidth": N_("Width"),
    "ImageLength": N_("Height"),
    "ExifImageWidth": N_("Width"),
    "ExifImageLength": N_("Height"),
    "XResolution": N_("Horizontal resolution"),
    "YResolution": N_("Vertical resolution"),
    "ResolutionUnit": N_("Resolution unit"),
    "ImageDescription": N_("Description"),
    "Artist": N_("Author"),
    "Copyright": N_("Copyright"),
    "BodySerialNumber": N_("Serial number"),
    "LensModel": N_("Lens"),
    "LensMake": N_("Lens make"),
    "ExposureTime": N_("Exposure time"),
    "FNumber": N_("F-number"),
    "ISOSpeedRatings": N_("ISO speed"),
    "FocalLength": N_("Focal length"),
    "FocalLengthIn35mmFilm": N_("Focal length (35 mm equivalent)"),
    "Flash": N_("Flash"),
    "WhiteBalance": N_("White balance"),
    "ExposureProgram": N_("Exposure program"),
    "ExposureMode": N_("Exposure mode"),
    "ExposureBiasValue": N_("Exposure compensation"),
    "MeteringMode": N_("Metering mode"),
    "ColorSpace": N_("Colour space"),
    "DigitalZoomRatio": N_("Digital zoom"),
    "SceneCaptureType": N_("Scene type"),
    "Compression": N_("Compression"),
    "GPSLatitude": N_("Latitude"),
    "GPSLatitudeRef": N_("Latitude (north or south)"),
    "GPSLongitude": N_("Longitude"),
    "GPSLongitudeRef": N_("Longitude (east or west)"),
    "GPSAltitude": N_("Altitude"),
    "GPSAltitudeRef": N_("Altitude reference"),
    "GPSTimeStamp": N_("GPS time (UTC)"),
    "GPSDate": N_("GPS date (UTC)"),
    "GPSImgDirection": N_("Direction the camera faced"),
    "GPSMapDatum": N_("Map datum"),
    "GPSVersionID": N_("GPS version"),
}


def field_name(key: str) -> str:
    """A key field's name in words, in the current language."""
    return _(FIELD_NAMES[key]) if key in FIELD_NAMES else spelled_out(key)


def group_and_name(tag: str) -> tuple[str, str]:
    """("EXIF", "Exposure time") for "EXIF ExposureTime": the tag's group key and its name
    in words (a name we know in the current language, else its CamelCase spelled out)."""
    group, _sep, name = tag.partition(" ") if " " in tag else ("", "", tag)
    if group not in GROUPS:
        group, name = "", tag
    return group, _(TAG_NAMES[name]) if name in TAG_NAMES else spelled_out(name)


def group_title(group: str) -> str:
    return _(GROUPS.get(group, GROUPS[""]))


def spelled_out(name: str) -> str:
    """'FocalPlaneXResolution' -> 'Focal plane X resolution'; 'GPSSpeedRef' -> 'GPS speed ref'."""
    if not name.isalnum():
        return name  # "Tag 0x9010" and the like: no words to find
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z]|\d|\b)|[A-Z]?[a-z]+|[A-Z]+|\d+", name)
    if not words:
        return name
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:]
