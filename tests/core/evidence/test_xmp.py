"""A photo's XMP gives the capture time and position its EXIF lacks, said as such."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image

from vault.evidence.metadata import extract_metadata
from vault.evidence.xmp import xmp_facts

PACKET = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    'xmlns:exif="http://ns.adobe.com/exif/1.0/" {attributes}>{elements}</rdf:Description>'
    "</rdf:RDF></x:xmpmeta>"
)


def packet(attributes: str = "", elements: str = "") -> bytes:
    return PACKET.format(attributes=attributes, elements=elements).encode()


def test_an_edited_photo_gets_its_time_and_place_from_xmp_with_a_warning(tmp_path: Path):
    """Sydney, as exiftool reads the same packet: -33.86875, 151.2093, +11:00."""
    photo = tmp_path / "exported.jpg"
    xmp = packet('exif:GPSLatitude="33,52.125S" exif:GPSLongitude="151,12.558E" '
                 'exif:DateTimeOriginal="2019-03-04T05:06:07+11:00"')  # fmt: skip
    Image.new("RGB", (16, 16)).save(photo, xmp=xmp)
    result = extract_metadata(str(photo))
    fields = result.fields
    assert (fields["captured_at"], fields["captured_offset"]) == ("2019-03-04T05:06:07", "+11:00")
    assert (fields["gps_lat"], fields["gps_lon"]) == ("-33.868750", "151.209300")
    assert len([w for w in result.warnings if "comes from the photo's XMP" in w]) == 2


def test_exif_wins_over_xmp(tmp_path: Path):
    photo = tmp_path / "both.jpg"
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2020:01:01 10:00:00"
    xmp = packet('exif:DateTimeOriginal="2019-03-04T05:06:07"')
    Image.new("RGB", (16, 16)).save(photo, exif=exif.tobytes(), xmp=xmp)
    result = extract_metadata(str(photo))
    assert result.fields["captured_at"] == "2020-01-01T10:00:00" and not result.warnings


def test_xmp_elements_and_seconds_are_read():
    facts = xmp_facts(packet(elements="<exif:GPSLatitude>50,27,0.36N</exif:GPSLatitude>"
                                      "<exif:GPSLongitude>30,31,24.24E</exif:GPSLongitude>"
                                      "<exif:DateTimeOriginal>2022-02-24T04:50Z"
                                      "</exif:DateTimeOriginal>"))  # fmt: skip
    assert facts.gps_lat == 50 + Fraction(27, 60) + Fraction("0.36") / 3600
    assert facts.gps_lon == 30 + Fraction(31, 60) + Fraction("24.24") / 3600
    assert (facts.captured_at, facts.captured_offset) == ("2022-02-24T04:50:00", "+00:00")


@pytest.mark.parametrize(
    "attributes",
    [
        'exif:GPSLatitude="95,0.0N" exif:GPSLongitude="30,0.0E"',  # beyond the pole
        'exif:GPSLatitude="50,61.0N" exif:GPSLongitude="30,0.0E"',  # 61 minutes
        'exif:GPSLatitude="50,27.5E" exif:GPSLongitude="30,0.0E"',  # a latitude to the east
        'exif:GPSLatitude="50,27.5N"',  # no longitude
        'exif:DateTimeOriginal="2019-02-30T05:06:07"',  # no such day
    ],
)
def test_impossible_xmp_values_give_nothing(attributes: str):
    facts = xmp_facts(packet(attributes))
    assert (facts.gps_lat, facts.gps_lon, facts.captured_at) == (None, None, None)
