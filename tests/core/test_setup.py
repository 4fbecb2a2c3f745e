"""The project's set-up holds: shipped Cyrillic fonts, no network, isolated settings."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent.parent
FONT_DIR = ROOT / "resources" / "fonts"
SHIPPED_FONTS = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold.ttf",
)
UKRAINIAN_LETTERS = "ҐґЄєІіЇїЖжЩщЯяЬь"


@pytest.mark.parametrize("name", SHIPPED_FONTS)
def test_shipped_font_has_ukrainian_glyphs(name: str) -> None:
    font = ImageFont.truetype(str(FONT_DIR / name), 32)
    # A missing glyph still renders, as the .notdef box; so compare against that box.
    notdef = _render(font, "\U0010fffd")
    for letter in UKRAINIAN_LETTERS:
        left, top, right, bottom = font.getbbox(letter)
        assert right > left and bottom > top, f"{name} draws nothing for {letter!r}"
        assert _render(font, letter) != notdef, f"{name} has no glyph for {letter!r}"


def _render(font: ImageFont.FreeTypeFont, text: str) -> bytes:
    image = Image.new("L", (64, 64))
    ImageDraw.Draw(image).text((8, 8), text, font=font, fill=255)
    return image.tobytes()


def test_font_licence_ships_with_fonts() -> None:
    licence = (FONT_DIR / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    assert "Bitstream Vera" in licence
    assert "LICENSE-DejaVu.txt" in (FONT_DIR / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("family", "address"),
    [(socket.AF_INET, ("127.0.0.1", 9)), (socket.AF_INET6, ("::1", 9, 0, 0))],
)
def test_network_hook_refuses_connect(family: int, address: tuple) -> None:
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        with pytest.raises(RuntimeError, match="network access refused"):
            sock.connect(address)
        with pytest.raises(RuntimeError, match="network access refused"):
            sock.connect_ex(address)


def test_network_hook_allows_unix_sockets(tmp_path: Path) -> None:
    # multiprocessing and D-Bus talk over AF_UNIX; those stay on the machine.
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX) as server, socket.socket(socket.AF_UNIX) as client:
        server.bind(path)
        server.listen(1)
        client.connect(path)
        conn, _ = server.accept()
        with conn:
            client.sendall(b"ok")
            assert conn.recv(2) == b"ok"


def test_settings_are_isolated(isolated_settings: Path) -> None:
    assert Path.home() == isolated_settings
