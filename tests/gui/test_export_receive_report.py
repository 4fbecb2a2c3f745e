"""Export, Receive and Report through their dialogs, on real cases, in the background."""

from __future__ import annotations

import shutil

import pyrage

from tests.helpers.case import new_case
from ui.dialogs import receive_dialog
from ui.dialogs.export_dialog import PLAIN
from ui.dialogs.report_dialog import ReportDialog
from vault.evidence.ingest import import_paths
from vault.package.export import export


def wait_idle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.session.busy, timeout=60_000)


def test_export_then_receive_in_another_case(qtbot, case_window, camera, import_and_wait, tmp_path):
    import_and_wait(case_window, [camera / "Canon_40D.jpg", camera / "Nikon_D70.jpg"])
    assert case_window.export_action.isEnabled()
    case_window.export_action.trigger()
    export = case_window.dialog
    export.protection.setCurrentIndex(export.protection.findData(PLAIN))
    export.path.setText(str(tmp_path / "out.zip"))
    with qtbot.waitSignal(export.export_finished, timeout=60_000) as done:
        export.start.click()
    assert done.args[0].items == 2 and (tmp_path / "out.zip").is_file()
    sender = case_window.session.case.signer.fingerprint
    assert sender[:4] in export.fingerprint.text()
    wait_idle(qtbot, case_window)
    export.close()
    case_window.lock()
    case_window.dialog.close()

    other = tmp_path / "mykola"
    other.mkdir()
    case_window.on_case_ready(new_case(other, investigator="Mykola P."))
    case_window.receive_action.trigger()
    receive = case_window.dialog
    receive.path.setText(str(tmp_path / "out.zip"))
    with qtbot.waitSignal(receive.verification_finished, timeout=60_000) as checked:
        receive.check.click()
    assert checked.args[0].ok and receive.import_button.isEnabled()
    assert receive.checks.count() and all(
        receive.checks.item(r).text().startswith(("✓", " ")) for r in range(receive.checks.count())
    )
    assert sender[:4] in receive.sender_label.text()
    wait_idle(qtbot, case_window)
    with qtbot.waitSignal(receive.receive_finished, timeout=60_000):
        receive.import_button.click()
    wait_idle(qtbot, case_window)
    assert case_window.workspace.item_model.rowCount() == 2


def test_a_refused_package_cannot_be_imported(qtbot, case_window, tmp_path):
    bogus = tmp_path / "bogus.zip"
    bogus.write_bytes(b"PK\x05\x06" + bytes(18))
    case_window.receive_action.trigger()
    receive = case_window.dialog
    receive.path.setText(str(bogus))
    receive.check.click()
    wait_idle(qtbot, case_window)
    assert not receive.import_button.isEnabled()
    assert receive.message.text()


def test_a_report_is_made_in_the_background(
    qtbot, case_window, camera, import_and_wait, tmp_path, monkeypatch
):
    import_and_wait(case_window, [camera / "Canon_40D.jpg"])
    monkeypatch.setattr(ReportDialog, "open_pdf", False)
    case_window.report_action.trigger()
    report = case_window.dialog
    report.language.setCurrentIndex(report.language.findData("uk"))
    report.path.setText(str(tmp_path / "report.pdf"))
    with qtbot.waitSignal(report.report_finished, timeout=120_000) as done:
        report.generate.click()
    assert done.args[0].verified and (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    wait_idle(qtbot, case_window)
    log = case_window.workspace.custody.model
    assert log.index(log.rowCount() - 1, 4).data() == "Report generated"


def test_the_passphrase_is_asked_for_only_when_the_package_is_encrypted(
    qtbot, case_window, camera, tmp_path
):
    (tmp_path / "olena").mkdir()
    sender = new_case(tmp_path / "olena", investigator="Olena K.")
    import_paths(sender, [camera / "Canon_40D.jpg"])
    export(sender, tmp_path / "plain.zip")
    export(sender, tmp_path / "sealed.zip.age", encrypt_passphrase="read it out by phone")
    sender.close()
    renamed = tmp_path / "from-the-usb-stick"
    shutil.copyfile(tmp_path / "sealed.zip.age", renamed)  # the age header still says so

    case_window.receive_action.trigger()
    receive = case_window.dialog

    def shown() -> bool:
        return receive.passphrase.isVisibleTo(receive) and receive.passphrase.isEnabled()

    assert not shown()  # nothing chosen yet
    receive.path.setText(str(tmp_path / "plain.zip"))
    assert not shown() and not receive.encrypted()
    receive.path.setText(str(renamed))
    assert shown() and receive.encrypted()
    receive.path.setText(str(tmp_path / "sealed.zip.age"))
    assert shown()
    receive.passphrase.setText("read it out by phone")
    with qtbot.waitSignal(receive.verification_finished, timeout=60_000) as checked:
        receive.check.click()
    assert checked.args[0].ok and receive.import_button.isEnabled()
    wait_idle(qtbot, case_window)
    receive.path.setText(str(tmp_path / "plain.zip"))  # another package: check it first
    assert not receive.import_button.isEnabled()
    assert not shown() and receive.passphrase.text() == ""


def test_a_package_encrypted_to_the_lawyers_key_opens_with_his_key_file(
    qtbot, case_window, camera, tmp_path, monkeypatch
):
    """Olena encrypts to Petrenko's age key; he gives the dialog the key file age-keygen
    wrote for him (its comment lines too). A file with no key is said, and nothing read."""
    identity = pyrage.x25519.Identity.generate()
    key_file = tmp_path / "petrenko-key.txt"
    key_file.write_text(f"# created: 2026-12-02\n# public key: {identity.to_public()}\n"
                        f"{identity}\n", encoding="utf-8")  # fmt: skip
    (tmp_path / "olena").mkdir()
    with new_case(tmp_path / "olena", investigator="Olena K.") as sender:
        import_paths(sender, [camera / "Canon_40D.jpg"])
        export(sender, tmp_path / "to-petrenko.zip.age",
               age_recipients=[str(identity.to_public())])  # fmt: skip
    case_window.receive_action.trigger()
    receive = case_window.dialog
    receive.path.setText(str(tmp_path / "to-petrenko.zip.age"))
    chosen = iter([str(camera / "Canon_40D.jpg"), str(key_file)])
    monkeypatch.setattr(receive_dialog, "choose_file", lambda *_args: next(chosen))
    receive.on_key_file_clicked()  # a photo, not a key file
    assert "holds no age key" in receive.message.text() and receive.passphrase.text() == ""
    receive.on_key_file_clicked()
    assert receive.passphrase.text() == str(identity)
    with qtbot.waitSignal(receive.verification_finished, timeout=60_000) as checked:
        receive.check.click()
    assert checked.args[0].ok and receive.import_button.isEnabled()
    wait_idle(qtbot, case_window)


def test_a_package_replaced_after_it_was_checked_is_not_imported(
    qtbot, case_window, camera, tmp_path
):
    """The user checks a package, someone puts another (valid) package under its name, the
    user clicks Import: the app imports only the package whose verification it showed."""
    for name, photo in (("olena", "Canon_40D.jpg"), ("petro", "Nikon_D70.jpg")):
        (tmp_path / name).mkdir()
        sender = new_case(tmp_path / name, investigator=name.title())
        import_paths(sender, [camera / photo])
        export(sender, tmp_path / f"{name}.zip")
        sender.close()
    case_window.receive_action.trigger()
    receive = case_window.dialog
    receive.path.setText(str(tmp_path / "olena.zip"))
    with qtbot.waitSignal(receive.verification_finished, timeout=60_000) as checked:
        receive.check.click()
    assert checked.args[0].ok
    wait_idle(qtbot, case_window)
    shutil.copyfile(tmp_path / "petro.zip", tmp_path / "olena.zip")
    receive.import_button.click()
    wait_idle(qtbot, case_window)
    assert "changed since it was checked" in receive.message.text()
    assert case_window.workspace.item_model.rowCount() == 0


def test_a_package_passphrase_is_typed_twice_and_follows_the_case_rule(
    qtbot, case_window, camera, import_and_wait, tmp_path
):
    import_and_wait(case_window, [camera / "Canon_40D.jpg"])
    case_window.export_action.trigger()
    export = case_window.dialog
    export.path.setText(str(tmp_path / "sealed.zip.age"))
    export.secret.setText("short")
    assert "at least 12" in export.strength.text()
    export.start.click()
    assert "at least 12" in export.message.text()
    export.secret.setText("a long package passphrase")
    export.confirm.setText("a long package passphrase, mistyped")
    export.start.click()
    assert "differ" in export.message.text()
    assert not (tmp_path / "sealed.zip.age").exists()
    export.confirm.setText("a long package passphrase")
    with qtbot.waitSignal(export.export_finished, timeout=60_000):
        export.start.click()
    assert (tmp_path / "sealed.zip.age").is_file()
    wait_idle(qtbot, case_window)
    export.close()


def _receive_through_dialog(qtbot, window, package):
    window.receive_action.trigger()
    receive = window.dialog
    receive.path.setText(str(package))
    with qtbot.waitSignal(receive.verification_finished, timeout=60_000):
        receive.check.click()
    wait_idle(qtbot, window)
    with qtbot.waitSignal(receive.receive_finished, timeout=60_000) as done:
        receive.import_button.click()
    wait_idle(qtbot, window)
    receive.close()
    return receive, done.args[0]


def test_receive_names_the_senders_role_and_organization_and_says_what_a_log_only_update_did(
    qtbot, case_window, camera, tmp_path
):
    """The sender as their key was signed in (name, role, organization); a second package
    that only extends the sender's log says so, not "Imported 0 items"."""
    from vault.evidence.items import list_items
    from vault.evidence.notes import describe_item
    from vault.package.receive import ReceiveResult

    folder = tmp_path / "olena"
    folder.mkdir()
    with new_case(folder, investigator="Olena K.", role="forensic photographer",
                  organization="Kharkiv Human Rights Group") as sender:  # fmt: skip
        import_paths(sender, [camera / "Canon_40D.jpg"])
        export(sender, tmp_path / "first")
        describe_item(sender, list_items(sender.conn)[0].id, {"location": "Balakliia"})
        export(sender, tmp_path / "second")
    receive, first = _receive_through_dialog(qtbot, case_window, tmp_path / "first")
    label = receive.sender_label.text()
    assert "Olena K. (forensic photographer, Kharkiv Human Rights Group)" in label
    assert first.items == 1 and "Imported 1 item and" in receive.message.text()
    receive, second = _receive_through_dialog(qtbot, case_window, tmp_path / "second")
    assert isinstance(second, ReceiveResult) and second.items == 0 and second.seq is not None
    message = receive.message.text()
    assert "No new items or notes" in message and "Imported" not in message
    assert f"custody entry {second.seq}" in message
