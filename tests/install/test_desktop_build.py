"""`make dist`: the one-folder desktop app built by PyInstaller runs on its own, with its
fonts, translations, VERIFY templates, icon and Qt plugins, from a folder outside the project.

The build takes minutes, so it is made once per run (module fixture) and its tests are slow;
they still run in `make test`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.case import PASSPHRASE, ROOT

SPEC = ROOT / "packaging" / "evidence-vault.spec"
DESKTOP = ROOT / "packaging" / "linux" / "evidence-vault.desktop"
NAME = "evidence-vault"
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux build")


def _run(
    argv: list[str | Path], timeout: float = 1800, **kw: object
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, stdin=subprocess.DEVNULL,
        timeout=timeout, check=False, **kw,
    )  # fmt: skip
    assert proc.returncode == 0, f"{argv}\n{proc.stdout}\n{proc.stderr}"
    return proc


def _user_env(home: Path, **extra: str) -> dict[str, str]:
    """A user's environment: no Python variables and no virtualenv on the PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), PATH="/usr/bin:/bin", EVIDENCE_VAULT_PASSPHRASE=PASSPHRASE)
    env.update(extra)
    return env


def _frozen_cli(app_dir: Path, home: Path) -> tuple[Callable[..., str], Path]:
    """A function running the built app's command line as a user would, in a folder outside
    the project; and that folder."""
    work = home / "elsewhere"
    work.mkdir()
    env = _user_env(home)

    def cli(*args: str | Path) -> str:
        return _run([app_dir / NAME, *args], cwd=work, env=env, timeout=300).stdout

    return cli, work


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder `make dist` makes, built into a temporary folder from the project's spec."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
          "--distpath", out / "dist", "--workpath", out / "build", SPEC], cwd=out)  # fmt: skip
    return out / "dist" / NAME


def test_smoke_test_flag_starts_the_window_and_quits(tmp_path: Path) -> None:
    code = "from ui.entry import main; raise SystemExit(main(['--smoke-test']))"
    env = _user_env(tmp_path, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env["PATH"] = os.environ["PATH"]
    proc = _run([sys.executable, "-c", code], cwd=tmp_path, env=env, timeout=120)
    assert "window 'Evidence Vault' shown on offscreen, font 'DejaVu Sans'" in proc.stdout


@linux_only
def test_linux_menu_entry_is_valid() -> None:
    _run(["desktop-file-validate", DESKTOP])
    entry = DESKTOP.read_text(encoding="utf-8")
    assert "Exec=evidence-vault\n" in entry and "Icon=evidence-vault\n" in entry


@pytest.mark.slow
def test_built_app_carries_its_resources_and_qt_plugins(app_dir: Path) -> None:
    internal = app_dir / "_internal"
    for shipped in (
        "resources/fonts/DejaVuSans.ttf",
        "resources/locale/uk/LC_MESSAGES/ui.mo",
        "resources/verify/VERIFY.uk.md",
        "resources/verify/check_package.py",
        "resources/icons/evidence-vault.png",
    ):
        assert (internal / shipped).is_file(), shipped
    platforms = {p.stem.removeprefix("lib") for p in internal.rglob("plugins/platforms/*")}
    assert "qoffscreen" in platforms, platforms
    if sys.platform.startswith("linux"):
        assert {"qxcb", "qwayland"} & platforms, platforms  # a real desktop, too
    assert list(internal.glob("libpython3*")), "the app must carry its own Python"


@pytest.mark.slow
@linux_only
def test_built_app_ships_the_menu_entry_and_icon(app_dir: Path) -> None:
    assert (app_dir / f"{NAME}.desktop").read_bytes() == DESKTOP.read_bytes()
    assert (app_dir / f"{NAME}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_built_app_command_line_works_outside_the_project(
    app_dir: Path, tmp_path: Path, corpus: Path
) -> None:
    cli, work = _frozen_cli(app_dir, tmp_path)
    cli("init", "case.evault", "--title", "Ізюм — ліс", "--investigator", "Olena K.")
    # A JPEG goes through the sandboxed metadata worker: the frozen app must start it too.
    cli("import", "case.evault", corpus / "camera" / "Canon_40D.jpg")
    (item,) = json.loads(cli("items", "case.evault", "--json"))
    assert (item["model"], item["warnings"]) == ("Canon EOS 40D", [])  # read by the worker
    # Content Credentials: c2pa's native library is loaded by the frozen app's worker.
    cli("import", "case.evault", corpus / "c2pa" / "CA.jpg")
    (signed,) = [i for i in json.loads(cli("items", "case.evault", "--json")) if i["provenance"]]
    assert [p["state"] for p in signed["provenance"]] == ["valid"]
    verified = cli("verify", "case.evault").splitlines()
    assert any(line.startswith("VERIFIED: 4 entries, 2 items") for line in verified), verified
    cli("report", "case.evault", "report.pdf", "--lang", "uk")
    text = _run(["pdftotext", work / "report.pdf", "-"]).stdout
    assert "Звіт про докази" in text and "Ізюм — ліс" in text
    cli("export", "case.evault", "package.zip")
    with zipfile.ZipFile(work / "package.zip") as package:
        verify_md = next(n for n in package.namelist() if n.endswith("data/VERIFY.md"))
        assert "Як перевірити" in package.read(verify_md).decode("utf-8")


@pytest.mark.slow
def test_built_app_window_starts_offscreen_and_quits(app_dir: Path, tmp_path: Path) -> None:
    env = _user_env(tmp_path, QT_QPA_PLATFORM="offscreen")
    proc = _run([app_dir / NAME, "--smoke-test"], cwd=tmp_path, env=env, timeout=120)
    assert "window 'Evidence Vault' shown on offscreen, font 'DejaVu Sans'" in proc.stdout


@pytest.mark.slow
def test_built_app_reads_video_checks_provenance_and_signs_its_report(
    app_dir: Path, tmp_path: Path, corpus: Path
) -> None:
    """The frozen app, headless, with its native parts: PyAV and MediaInfo read a video in
    the worker, c2pa checks Content Credentials, pysequoia checks ProofMode's OpenPGP
    signatures (a good bundle and a tampered one) and pyHanko signs the report."""
    cli, work = _frozen_cli(app_dir, tmp_path)
    cli("init", "case.evault", "--title", "Frozen", "--investigator", "Olena K.")
    cli("import", "case.evault", corpus / "video" / "iPhone6_gps_rot90.mov",
        corpus / "c2pa" / "CA.jpg", corpus / "proofmode" / "good.zip")  # fmt: skip
    cli("import", "case.evault", corpus / "proofmode" / "tampered-media.zip")
    items = json.loads(cli("items", "case.evault", "--json"))
    video = next(i for i in items if i["original_name"] == "iPhone6_gps_rot90.mov")
    assert video["warnings"] == [], video["warnings"]
    assert (video["duration_ms"], video["rotation"], video["video_codec"]) == (4002, 90, "avc1")
    assert (video["make"], video["model"], video["gps_lat"]) == ("Apple", "iPhone 6", "32.092900")
    assert video["captured_at"] == "2019-07-24T11:25:40"
    states = sorted(
        (i["original_name"], p["state"]) for i in items for p in i["provenance"]
    )  # fmt: skip
    assert states == [("CA.jpg", "valid"), ("PXL_20231006_205351724.jpg", "invalid"),
                      ("PXL_20231006_205351724.jpg", "valid")], states  # fmt: skip
    cli("report", "case.evault", "report.pdf", "--no-timestamp")
    said = _run(["pdfsig", work / "report.pdf"]).stdout
    assert "Signature Validation: Signature is Valid." in said, said
    assert "Total document signed" in said, said
    text = _run(["pdftotext", work / "report.pdf", "-"]).stdout
    assert "QuickTime/MP4" in text and "avc1 / mp4a" in text
