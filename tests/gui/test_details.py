"""What the details pane and the list say about an item: sizes in the user's language, and
the camera named once."""

from __future__ import annotations

import pytest
from test_main_window import select

from ui.widgets.text import human_size
from ui.workspace.details_tab import camera_name
from vault.i18n import set_language


@pytest.mark.parametrize(
    ("make", "model", "shown"),
    [
        ("Canon", "Canon PowerShot S5 IS", "Canon PowerShot S5 IS"),
        ("NIKON CORPORATION", "NIKON D70", "NIKON D70"),
        (
            "EASTMAN KODAK COMPANY",
            "KODAK CX7530 ZOOM DIGITAL CAMERA",
            "KODAK CX7530 ZOOM DIGITAL CAMERA",
        ),
        ("FUJIFILM", "FinePix6900ZOOM", "FUJIFILM FinePix6900ZOOM"),
        ("SONY", "", "SONY"),
        ("", "DSC-HX5V", "DSC-HX5V"),
        ("", "", ""),
    ],
)
def test_the_camera_is_named_once(make, model, shown):
    assert camera_name(make, model) == shown


def test_sizes_are_written_in_the_users_language():
    assert [human_size(n) for n in (512, 4_404_019, 3 * 1024**4)] == [
        "512 B",
        "4.2 MB",
        "3072.0 GB",
    ]
    set_language("uk")
    try:
        assert [human_size(n) for n in (512, 2048, 4_404_019, 5 * 1024**3)] == [
            "512 Б",
            "2.0 КБ",
            "4.2 МБ",
            "5.0 ГБ",
        ]
    finally:
        set_language("en")


def test_the_details_pane_names_the_camera_once(qtbot, case_window, camera, import_and_wait):
    import_and_wait(case_window, [camera / "FurnaceCreekInn.jpg", camera / "Nikon_D70.jpg"])
    details = case_window.workspace.details.details
    select(case_window, "FurnaceCreekInn.jpg")
    assert details.values["camera"].text() == "Canon PowerShot S5 IS"
    select(case_window, "Nikon_D70.jpg")
    assert details.values["camera"].text() == "NIKON D70"
    assert details.tag_value("make") == "NIKON CORPORATION"  # the full tag stays in the table
