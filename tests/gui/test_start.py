"""Start: a new case through the dialog; opening with a wrong passphrase, then the right one."""

from __future__ import annotations

from tests.helpers.case import PASSPHRASE, new_case
from ui.dialogs.open_case_dialog import retry_delay_ms
from ui.widgets.passphrase import strength_hint


def test_a_case_is_created_through_the_new_case_dialog(qtbot, window, tmp_path):
    window.new_case()
    dialog = window.dialog
    dialog.title.setText("Balakliia — police station basement")
    dialog.number.setText("12022220000000123")
    dialog.organization.setText("Kharkiv regional prosecutor")
    dialog.investigator.setText("Olena K.")
    dialog.passphrase.setText(PASSPHRASE)
    dialog.confirm.setText(PASSPHRASE)
    dialog.path.setText(str(tmp_path / "new.evault"))
    with qtbot.waitSignal(window.case_opened):
        dialog.create_button.click()
    assert (tmp_path / "new.evault").is_file()
    header = window.workspace.header
    assert header.title.text().startswith("Balakliia — police station basement")
    assert "Olena K." in header.investigator.text()
    assert window.settings.recent_cases() == [(tmp_path / "new.evault").resolve()]
    # An empty case teaches how to import.
    assert window.workspace.items.stack.currentIndex() == 0


def test_the_new_case_dialog_refuses_mismatched_or_short_passphrases(window, tmp_path):
    window.new_case()
    dialog = window.dialog
    dialog.title.setText("T")
    dialog.investigator.setText("Olena")
    dialog.passphrase.setText(PASSPHRASE)
    dialog.confirm.setText(PASSPHRASE + "x")
    dialog.path.setText(str(tmp_path / "c.evault"))
    dialog.create_button.click()
    assert "differ" in dialog.message.text()
    dialog.passphrase.setText("short")
    dialog.confirm.setText("short")
    dialog.create_button.click()
    assert "12 characters" in dialog.message.text()
    assert dialog.isVisible() and not (tmp_path / "c.evault").exists()
    assert "Too short" in strength_hint("short")
    assert strength_hint("correct horse battery staple") == "Strong."


def test_a_wrong_passphrase_keeps_the_dialog_open_and_the_file_unchanged(qtbot, window, tmp_path):
    new_case(tmp_path).close()
    path = tmp_path / "case.evault"
    before = path.read_bytes()
    dialog = window.open_case(path)
    dialog.passphrase.setText("not the passphrase at all")
    dialog.open_button.click()
    assert dialog.isVisible()
    assert dialog.message.text().startswith(
        "The passphrase is not right. The case file was not changed."
    )
    assert path.read_bytes() == before
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(window.case_opened):
        dialog.open_button.click()
    assert not dialog.isVisible()


def test_repeated_failures_slow_further_tries(qtbot, refused_twice):
    dialog = refused_twice(retry_base_ms=200)
    assert not dialog.open_button.isEnabled()
    assert "try again in 1 second." in dialog.message.text()
    qtbot.waitUntil(dialog.open_button.isEnabled, timeout=2000)
    assert [retry_delay_ms(n, 1000) for n in (1, 2, 3, 4)] == [0, 1000, 2000, 4000]
    assert retry_delay_ms(50, 1000) == 30_000
