"""The open case in the real window, offscreen: import with progress and Cancel, details
and EXIF, notes, descriptions, the custody log, verification, lock, tampering."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.helpers.case import PASSPHRASE, new_case
from tests.helpers.tamper import tamper
from ui.workspace.item_model import ItemRole
from vault.case.handle import Case


def select(window, name: str) -> None:
    items = window.workspace.items
    for row in range(items.proxy.rowCount()):
        if items.proxy.index(row, 0).data(ItemRole).original_name == name:
            items.select_row(row)
            return
    raise AssertionError(f"{name} is not listed")


def test_importing_a_folder_reports_progress_and_lists_every_file(
    qtbot, case_window, camera, import_and_wait
):
    progress: list[tuple[int, int]] = []
    case_window.session.job_started.connect(
        lambda job, _title: job.progressed.connect(lambda d, t: progress.append((d, t)))
    )
    result = import_and_wait(case_window, [camera])
    files = sorted(camera.iterdir())
    assert len(result.imported) == len(files) and not result.cancelled
    assert progress and progress[-1][0] == progress[-1][1] == sum(f.stat().st_size for f in files)
    assert case_window.workspace.item_model.rowCount() == len(files)
    assert case_window.summary.isVisible()
    assert f"{len(files)} items imported" in case_window.summary.summary.text()
    assert not case_window.progress.isVisible()


def test_cancel_stops_the_import_and_keeps_what_finished(
    qtbot, case_window, camera, import_and_wait
):
    def cancel_on_first_progress(job, _title):
        # Direct: the cancel flag is set on the worker's thread at once, no race.
        job.progressed.connect(job.cancel, Qt.ConnectionType.DirectConnection)

    case_window.session.job_started.connect(cancel_on_first_progress)
    result = import_and_wait(case_window, [camera])
    assert result.cancelled
    assert len(result.imported) < len(list(camera.iterdir()))
    assert case_window.workspace.item_model.rowCount() == len(result.imported)
    assert "cancelled" in case_window.summary.summary.text()


def test_the_cancel_button_asks_the_running_job_to_stop(qtbot, case_window, camera):
    jobs = []
    case_window.session.job_started.connect(lambda job, _t: jobs.append(job))
    with qtbot.waitSignal(case_window.workspace.import_finished, timeout=60_000):
        case_window.import_paths([camera])
        case_window.progress.cancel.click()
        assert jobs[0].cancel_requested.is_set()
    qtbot.waitUntil(lambda: not case_window.session.busy)


def test_selecting_an_item_shows_its_properties_exif_and_preview(
    qtbot, case_window, camera, import_and_wait
):
    import_and_wait(case_window, [camera])
    select(case_window, "Canon_40D.jpg")
    details = case_window.workspace.details.details
    assert details.values["name"].text() == "Canon_40D.jpg"
    assert len(details.values["sha256"].text().replace("\n", "")) == 64
    assert details.tag_value("model") == "Canon EOS 40D"  # key fields first
    assert details.tag_value("Image Make") == "Canon"  # then every tag
    assert not case_window.workspace.preview.image().isNull()


def test_notes_and_descriptions_are_recorded_and_the_log_grows(
    qtbot, case_window, camera, import_and_wait
):
    import_and_wait(case_window, [camera / "Canon_40D.jpg"])
    workspace = case_window.workspace
    select(case_window, "Canon_40D.jpg")
    before = workspace.custody.model.rowCount()
    notes = workspace.details.notes
    notes.editor.setPlainText("Свідок: тут тримали людей.")
    notes.add.click()
    assert notes.notes.count() == 1 and notes.editor.toPlainText() == ""
    notes.notes.setCurrentRow(0)
    notes.editor.setPlainText("Witness: people were held here (corrected).")
    notes.amend.click()
    assert notes.notes.count() == 2
    details = workspace.details.details
    details.title.setText("Cell 2, north wall")
    details.location.setText("Basement, police station")
    details.save.click()
    assert workspace.custody.model.rowCount() == before + 3
    actions = [workspace.custody.model.index(r, 4).data() for r in range(before, before + 3)]
    assert actions == ["Note added", "Note amended", "Item described"]
    subjects = [workspace.custody.model.index(r, 5).data() for r in range(before - 1, before + 3)]
    assert subjects == ["Canon_40D.jpg", "note on Canon_40D.jpg", "note on Canon_40D.jpg",
                        "Canon_40D.jpg"]  # fmt: skip
    assert details.title.text() == "Cell 2, north wall"  # read back from the signed entry
    assert workspace.details.events.model.rowCount() == 4  # import, 2 notes, describe


def test_verify_passes_and_says_what_was_checked(qtbot, case_window, camera, import_and_wait):
    import_and_wait(case_window, [camera])
    workspace = case_window.workspace
    with qtbot.waitSignal(workspace.verify_finished, timeout=60_000) as blocker:
        case_window.verify_action.trigger()
    assert blocker.args[0].ok
    qtbot.waitUntil(lambda: not case_window.session.busy)
    text = workspace.custody.result.text()
    assert text.startswith("✓ Custody verified")
    assert "re-hashed from their stored bytes: 20." in text
    assert workspace.item_model.index(0, 5).data() == "✓"
    assert workspace.header.badge.text().startswith("Verified")
    assert workspace.custody.model.index(workspace.custody.model.rowCount() - 1, 4).data() == (
        "Case verified"
    )


def test_a_tampered_case_shows_the_findings_with_their_entries(qtbot, window, tmp_path, camera):
    case = new_case(tmp_path)
    from vault.evidence.ingest import import_paths

    import_paths(case, [camera / "Canon_40D.jpg"])
    case.close()
    # The signed content of seq 1 (the import) is rewritten behind the log's back.
    tamper(
        case,
        "UPDATE custody SET content = replace(content, 'Canon_40D', 'Nikon_D70') WHERE seq = 1",
    )
    case = Case.open(tmp_path / "case.evault", PASSPHRASE)
    window.on_case_ready(case)
    workspace = window.workspace
    with qtbot.waitSignal(workspace.verify_finished, timeout=60_000) as blocker:
        workspace.start_verify()
    assert not blocker.args[0].ok
    qtbot.waitUntil(lambda: not window.session.busy)
    assert workspace.custody.result.text().startswith("✗ Custody did NOT verify")
    assert workspace.custody.findings.count() >= 1
    assert 1 in [
        workspace.custody.model.entry(r).seq for r in workspace.custody.model.highlighted_rows()
    ]
    assert workspace.item_model.index(0, 5).data() == "✗"
    assert workspace.header.badge.text().startswith("Verification FAILED")


def test_lock_closes_the_case_and_clears_every_model(qtbot, case_window, camera, import_and_wait):
    import_and_wait(case_window, [camera])
    workspace = case_window.workspace
    select(case_window, "Canon_40D.jpg")
    qtbot.waitUntil(lambda: len(workspace.thumbnails) > 0)  # painted rows load theirs
    with qtbot.waitSignal(case_window.case_locked):
        case_window.lock_action.trigger()
    assert workspace.item_model.rowCount() == 0
    assert len(workspace.thumbnails) == 0
    assert workspace.custody.model.rowCount() == 0
    assert workspace.preview.image().isNull()
    assert case_window.session is None and case_window.workspace is None
    assert case_window.dialog.isVisible()  # the passphrase prompt returns
    assert not case_window.import_action.isEnabled()


def test_the_case_locks_itself_after_the_idle_time(qtbot, case_window):
    case_window.idle.set_interval(50)
    case_window.idle.start()
    with qtbot.waitSignal(case_window.case_locked, timeout=5000):
        pass
    assert case_window.session is None


def test_evidence_strings_are_shown_as_plain_text(qtbot, case_window, tmp_path, import_and_wait):
    hostile = tmp_path / "in" / "<b>bold<b>.jpg"
    hostile.parent.mkdir()
    hostile.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    import_and_wait(case_window, [hostile.parent])
    select(case_window, "<b>bold<b>.jpg")
    label = case_window.workspace.details.details.values["name"]
    assert label.text() == "<b>bold<b>.jpg"
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert case_window.workspace.items.proxy.index(0, 0).data() == "<b>bold<b>.jpg"


def test_filtering_by_name_and_gps(qtbot, case_window, camera, import_and_wait):
    import_and_wait(case_window, [camera])
    items = case_window.workspace.items
    case_window.filter_action.trigger()
    items.filter.setText("canon")
    assert items.proxy.rowCount() == 1
    items.filter.clear()
    items.gps.setCurrentIndex(1)  # with GPS
    with_gps = items.proxy.rowCount()
    items.gps.setCurrentIndex(2)  # without
    assert with_gps + items.proxy.rowCount() == items.model.total()
    assert "shown" in items.count.text()


def test_dropping_a_folder_imports_it_and_enter_opens_the_preview(
    qtbot, case_window, camera, import_and_wait
):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(camera / "Canon_40D.jpg"))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(case_window.workspace.import_finished, timeout=60_000):
        case_window.dropEvent(drop)
    qtbot.waitUntil(lambda: not case_window.session.busy)
    assert case_window.workspace.item_model.rowCount() == 1
    select(case_window, "Canon_40D.jpg")
    qtbot.keyClick(case_window.workspace.items.table, Qt.Key.Key_Return)
    preview = case_window.workspace.preview_window
    assert preview.isVisible() and not preview.pane.image().isNull()


def test_a_big_cases_custody_log_is_read_when_its_tab_is_shown(qtbot, case_window):
    """Issue 17 §4: the log of a case past `eager_log_items` waits for its tab, so the
    evidence list paints first; shown, it lists every entry."""
    workspace = case_window.workspace
    assert workspace.custody.model.rowCount() == 1  # a small case: read with the list
    workspace.eager_log_items = -1  # this empty case now counts as big
    workspace.custody.clear()
    workspace.reload()
    assert workspace.custody.model.rowCount() == 0, "not read while the evidence tab shows"
    workspace.tabs.setCurrentIndex(1)
    assert workspace.custody.model.rowCount() == 1  # the case.create entry


def test_a_case_whose_creation_entry_was_altered_opens_and_fails_verification(
    qtbot, window, tmp_path, camera
):
    """No signed entry introduces anyone then: the window still lists, shows an item's
    custody and verifies (never a traceback), and the verification fails. Its header
    shows no title: the case file's row is not what was signed."""
    case = new_case(tmp_path)
    from vault.evidence.ingest import import_paths

    import_paths(case, [camera / "Canon_40D.jpg"])
    case.close()
    tamper(case, "UPDATE custody SET content = rtrim(content, '}') || ',\"x\":\"\\ud800\"}'"
                 " WHERE seq = 0")  # fmt: skip
    tamper(case, "UPDATE case_info SET title = 'Forged row'")
    window.on_case_ready(Case.open(tmp_path / "case.evault", PASSPHRASE))
    workspace = window.workspace
    qtbot.waitUntil(lambda: workspace.items.proxy.rowCount() == 1)
    qtbot.waitUntil(lambda: window.session is not None and not window.session.busy)
    assert workspace.header.title.text() == "(title not shown: not as signed)"  # not the row
    assert window.windowTitle().startswith("(title not shown: not as signed) — ")
    select(window, "Canon_40D.jpg")
    qtbot.waitUntil(lambda: workspace.details.events.model.rowCount() >= 1)
    with qtbot.waitSignal(workspace.verify_finished, timeout=60_000) as blocker:
        workspace.start_verify()
    assert not blocker.args[0].ok
    qtbot.waitUntil(lambda: not window.session.busy)
    assert workspace.custody.result.text().startswith("✗ Custody did NOT verify")
