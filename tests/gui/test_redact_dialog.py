"""Redacting in the app: draw a region on the photo, fill it, save; the copy is listed as a
working copy of the original, and the original's custody shows the copy being made."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from test_main_window import select

from ui.dialogs.export_dialog import PLAIN
from vault.case import view
from vault.evidence.ingest import import_paths
from vault.evidence.items import read_original
from vault.evidence.redact import redact_item
from vault.package.verify import verify_package


@pytest.fixture
def elephants_shown(case_window, camera, import_and_wait):
    """The window's workspace with camera/elephants.jpg imported and selected."""
    import_and_wait(case_window, [camera / "elephants.jpg"])
    select(case_window, "elephants.jpg")
    return case_window.workspace


def drag(canvas, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Press, move and release the left button on the canvas, from and to picture pixels."""
    viewport = canvas.viewport()
    a = canvas.mapFromScene(QPointF(*start))
    b = canvas.mapFromScene(QPointF(*end))
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(viewport, b)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def test_a_region_drawn_on_the_preview_is_filled_in_a_new_working_copy(
    qtbot, case_window, elephants_shown
):
    workspace = elephants_shown
    original = workspace.items.current_item()
    assert workspace.redact_button.isEnabled()
    workspace.redact_button.click()
    dialog = workspace.redact_window
    qtbot.waitExposed(dialog)
    canvas = dialog.canvas
    assert not dialog.save.isEnabled()  # nothing marked yet

    drag(canvas, (50, 40), (150, 120))
    (region,) = canvas.regions()
    assert all(abs(a - b) <= 2 for a, b in zip(region, (50, 40, 100, 80), strict=True))
    dialog.method.setCurrentIndex(dialog.method.findData("fill"))
    dialog.previewing.setChecked(True)  # the result is shown before saving
    shown = canvas.pixmap.pixmap().toImage()
    assert shown.pixelColor(100, 80).black() == 255
    canvas.zoom(2.0)
    assert canvas.transform().m11() > 1.5

    with qtbot.waitSignal(dialog.redacted, timeout=60_000) as saved:
        dialog.save.click()
    qtbot.waitUntil(lambda: not case_window.session.busy)
    made = saved.args[0]
    assert made.parent == original.id and made.parent_sha256 == original.sha256
    assert made.operation["regions"] == [list(region)]

    copy = workspace.items.current_item()  # the new copy is selected
    assert copy.id == made.id and copy.derived_from == original.id
    assert "↳" in workspace.item_model.data(workspace.items.proxy.mapToSource(
        workspace.items.proxy.index(workspace.items.proxy.rowCount() - 1, 0)))  # fmt: skip
    assert "elephants.jpg" in workspace.details.details.values["copy_of"].text()
    data = b"".join(read_original(case_window.session.case.conn, copy.id))
    img = Image.open(io.BytesIO(data)).convert("RGB")
    x, y, w, h = region
    assert img.getpixel((x, y)) == img.getpixel((x + w - 1, y + h - 1)) == (0, 0, 0)

    select(case_window, "elephants.jpg")
    actions = [e.action for e in workspace.reader.events(original.id)]
    assert "item.derive" in actions


def test_the_export_dialog_shares_redacted_copies_only(qtbot, case_window, camera, tmp_path):
    case = case_window.session.case
    (original,) = import_paths(case, [camera / "elephants.jpg"]).imported
    copy = redact_item(case, original.id, [(10, 10, 60, 60)], method="fill")
    case_window.workspace.reload()
    case_window.export_action.trigger()
    export = case_window.dialog
    export.protection.setCurrentIndex(export.protection.findData(PLAIN))
    export.copies_only.setChecked(True)
    export.path.setText(str(tmp_path / "disclosure.zip"))
    with qtbot.waitSignal(export.export_finished, timeout=60_000) as done:
        export.start.click()
    assert done.args[0].items == 1
    qtbot.waitUntil(lambda: not case_window.session.busy)
    checked = verify_package(tmp_path / "disclosure.zip")
    assert checked.ok and [(c.id, c.parent_included) for c in checked.copies] == [(copy.id, False)]
    export.close()
    case_window.receive_action.trigger()
    receive = case_window.dialog
    receive.path.setText(str(tmp_path / "disclosure.zip"))
    with qtbot.waitSignal(receive.verification_finished, timeout=60_000):
        receive.check.click()
    shown = [receive.checks.item(r).text() for r in range(receive.checks.count())]
    assert any(original.sha256 in line and "withheld" in line for line in shown)


def _edge_energy(image) -> float:
    """Mean difference between neighbouring pixels along a row: detail, in one number."""
    w, h = image.width(), image.height()
    total = n = 0
    for y in range(0, h, 7):
        for x in range(0, w - 1, 3):
            a, b = image.pixelColor(x, y), image.pixelColor(x + 1, y)
            total += abs(a.red() - b.red()) + abs(a.green() - b.green())
            n += 1
    return total / max(n, 1)


def test_a_sensitive_item_is_blurred_until_revealed_for_the_session(
    qtbot, case_window, elephants_shown
):
    workspace = elephants_shown
    item = workspace.items.current_item()
    clear = _edge_energy(workspace.preview.image())
    details = workspace.details.details
    details.sensitive.setChecked(True)
    details.save.click()  # a signed item.describe with "sensitive": "yes"
    assert workspace.reader.description(item.id)["sensitive"] == "yes"
    assert workspace.hidden(item.id) and workspace.reveal_button.isVisible()
    assert _edge_energy(workspace.preview.image()) < clear / 3
    thumb = workspace.thumbnails.get(item.id).toImage()
    assert (
        _edge_energy(thumb)
        < _edge_energy(QImage.fromData(workspace.reader.thumbnail(item.id)).scaled(thumb.size()))
        / 2
    )

    workspace.reveal_button.click()
    assert not workspace.hidden(item.id) and not workspace.reveal_button.isVisible()
    assert abs(_edge_energy(workspace.preview.image()) - clear) < 0.5

    case_window.apply_blur_all(True)  # the setting: every picture blurred until revealed
    assert case_window.settings.blur_all()
    assert not workspace.hidden(item.id)  # revealed this session stays revealed
    workspace.revealed.clear()
    workspace.reload()
    assert workspace.hidden(item.id)


def test_an_item_whose_signature_waits_is_blurred_until_the_window_has_checked_it(
    qtbot, elephants_shown, monkeypatch
):
    """A case with more descriptions than the window checks at once: an item whose
    description's signature has not been checked yet is blurred; the window checks it a
    slice at a time while it stays responsive, then shows it."""
    monkeypatch.setattr(view, "SIGNATURE_BUDGET", 0)
    workspace = elephants_shown
    item = workspace.items.current_item()
    details = workspace.details.details
    details.title.setText("Yard")
    details.save.click()  # a signed item.describe that does not mark it sensitive
    assert workspace.hidden(item.id) and workspace.reader.pending_signatures == 1
    details.title.setText("Yard, east wall")  # typed while the window checks
    qtbot.waitUntil(lambda: not workspace.hidden(item.id))
    assert workspace.reader.pending_signatures == 0 and not workspace.reveal_button.isVisible()
    assert details.title.text() == "Yard, east wall"  # only the pictures followed
