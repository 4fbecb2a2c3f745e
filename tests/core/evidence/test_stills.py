"""A still of a video saved as a derived item (DESIGN §10 operation `frame`, §11)."""

from __future__ import annotations

import hashlib
import json
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from tests.helpers.case import CORPUS, new_case, run_cli
from vault.custody.entry import read_entries
from vault.errors import InvalidInput, VaultError
from vault.evidence.ingest import import_paths
from vault.evidence.items import get_item, read_original
from vault.evidence.stills import save_frame

VIDEO = CORPUS / "video"


def test_a_saved_frame_is_an_upright_png_derived_from_the_video(tmp_path: Path) -> None:
    case = new_case(tmp_path)
    video = import_paths(case, [VIDEO / "iPhone6_gps_rot90.mov"]).imported[0]
    still = save_frame(case, video.id, 2000)
    assert still.parent == video.id and still.parent_sha256 == video.sha256
    assert still.operation["op"] == "frame" and 2000 <= still.operation["at_ms"] < 2100
    png = b"".join(read_original(case.conn, still.id))
    assert hashlib.sha256(png).hexdigest() == still.sha256
    with Image.open(BytesIO(png)) as img:
        assert img.format == "PNG" and img.size == (320, 568)  # the clip turned 90°, whole
        assert "exif" not in img.info  # none of the video's metadata (GPS) travels along
    entry = next(e for e in read_entries(case.conn) if e.action == "item.derive")
    assert entry.subject == still.id and entry.details["operation"] == still.operation
    assert get_item(case.conn, still.id).mime == "image/png"
    case.close()
    listed = json.loads(run_cli("items", case.path, "--json").stdout)
    assert listed[1]["derived_from"] == video.id
    assert run_cli("verify", case.path).returncode == 0


def test_frames_are_refused_for_audio_and_times_outside_the_video(tmp_path: Path) -> None:
    case = new_case(tmp_path)
    audio, video = import_paths(case, [VIDEO / "alac_zero-date.m4a", VIDEO / "with-gps.mp4"]
                                ).imported  # fmt: skip
    with pytest.raises(InvalidInput):
        save_frame(case, audio.id, 0)
    with pytest.raises(InvalidInput):
        save_frame(case, video.id, 10_000)
    entries = len(list(read_entries(case.conn)))
    stripped = import_paths(case, [VIDEO / "Pentax_QuickTime.mov"]).imported[0]
    with pytest.raises(VaultError, match="No frame could be decoded"):
        save_frame(case, stripped.id, 0)
    assert len(list(read_entries(case.conn))) == entries + 1  # the import only
    case.close()


def test_derive_frame_at_on_the_command_line_saves_the_still(tmp_path: Path) -> None:
    case = new_case(tmp_path)
    video = import_paths(case, [VIDEO / "with-gps.mp4"]).imported[0]
    case.close()
    made = run_cli("derive", case.path, video.id, "--frame-at", "100", "--json")
    assert made.returncode == 0, made.stderr
    copy = json.loads(made.stdout)
    assert copy["parent"] == video.id and copy["operation"]["op"] == "frame"
    said = run_cli("derive", case.path, video.id, "--frame-at", "150")  # past the video track
    assert said.returncode == 0 and "Frame at 0:00.0" in said.stdout
    both = run_cli("derive", case.path, video.id, "--frame-at", "50", "--redact", "0,0,1,1")
    assert both.returncode == 2
