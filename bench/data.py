"""Benchmark data, generated per run in a scratch folder (never kept in the repository):
phone photos with varied EXIF, text notes, and the notes and descriptions added to items."""

from __future__ import annotations

import io
import os
import random
from collections.abc import Sequence
from pathlib import Path

from PIL import Image
from PIL.TiffImagePlugin import IFDRational

MAKES = [("Apple", "iPhone 13"), ("samsung", "SM-A525F"), ("Google", "Pixel 7"),
         ("Xiaomi", "Redmi Note 10"), ("HUAWEI", "P30 lite")]  # fmt: skip
WORDS = ["shelling", "crossroads", "school", "roof", "window", "crater", "debris", "witness",
         "vehicle", "checkpoint", "street", "basement", "shelter", "fragment", "smoke"]  # fmt: skip


def phone_photo(n: int, size: tuple[int, int] = (320, 240)) -> bytes:
    """A JPEG of about 30 KB (noise compresses like a real scene) with EXIF a phone writes:
    make, model, capture time and offset, GPS, orientation; each photo its own values."""
    rng = random.Random(n)
    img = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    exif = Image.Exif()
    make, model = MAKES[n % len(MAKES)]
    exif[0x010F], exif[0x0110], exif[0x0131] = make, model, f"{make} camera {n % 7}.0"
    exif[0x0112] = (1, 6, 3, 8)[n % 4]
    ifd = exif.get_ifd(0x8769)
    ifd[0x9003] = f"2024:{1 + n % 12:02}:{1 + n % 28:02} {n % 24:02}:{n % 60:02}:{n % 59:02}"
    ifd[0x9011] = ("+02:00", "+03:00")[n % 2]
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", _dms(48 + rng.random())
    gps[3], gps[4] = "E", _dms(35 + rng.random())
    out = io.BytesIO()
    img.save(out, "JPEG", quality=60, exif=exif)
    return out.getvalue()


def _dms(degrees: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    minutes = (degrees % 1) * 60
    return (IFDRational(int(degrees)), IFDRational(int(minutes)),
            IFDRational(round((minutes % 1) * 60 * 100), 100))  # fmt: skip


def note_text(n: int) -> str:
    rng = random.Random(-n - 1)
    return f"Note {n}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60))) + "\n"


def evidence_folder(folder: Path, count: int, photo_every: int = 10) -> list[Path]:
    """`count` files: every `photo_every`-th a phone photo, the others text notes."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        photo = photo_every and n % photo_every == 0
        path = folder / (f"IMG_{n:06}.jpg" if photo else f"note-{n:06}.txt")
        path.write_bytes(phone_photo(n) if photo else note_text(n).encode())
        paths.append(path)
    return paths


def photos(folder: Path, count: int) -> list[Path]:
    """`count` phone photos of about 30 KB each."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"IMG_{n:06}.jpg" for n in range(count)]
    for n, path in enumerate(paths):
        path.write_bytes(phone_photo(n))
    return paths


def mixed_files(folder: Path, sizes: Sequence[int]) -> list[Path]:
    """Files of incompressible bytes, the given sizes (videos, photos, documents)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, size in enumerate(sizes):
        path = folder / f"file-{n:05d}.bin"
        with open(path, "wb") as f:
            for start in range(0, size, 8 << 20):
                f.write(os.urandom(min(8 << 20, size - start)))
        paths.append(path)
    return paths
