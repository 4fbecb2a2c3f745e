"""Issue 17 §4: the evidence list of a big case is read a window at a time, and every row it
shows is still the signed one (issue 9 §1), whatever the case file's rows claim."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.case import PASSPHRASE
from tests.helpers.case import edit_rows as edit
from vault.case.handle import Case
from vault.evidence.ingest import import_paths
from vault.evidence.items import list_items, thumbnail
from vault.evidence.listing import ItemLister, ItemRow, count_warned


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    """Photos with and without GPS, and a text note, imported as the app does."""
    path = tmp_path_factory.mktemp("listing") / "case.evault"
    folder = tmp_path_factory.mktemp("files")
    (folder / "note.txt").write_text("Свідок: утримували 46 днів.\n", encoding="utf-8")
    camera = corpus / "camera"
    with Case.create(path, PASSPHRASE, title="Listing", investigator="Olena K.") as case:
        import_paths(case, [camera / "Canon_40D.jpg", camera / "Kodak_CX7530.jpg"])
        import_paths(case, [folder / "note.txt", camera / "FurnaceCreekInn.jpg"])
    return path


@pytest.fixture
def case_file(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "case.evault"
    copy.write_bytes(pristine.read_bytes())
    return copy


def _as_listed(case_file: Path) -> tuple[list[ItemRow], dict[str, object]]:
    with Case.open(case_file, PASSPHRASE) as case:
        lister = ItemLister(case.conn)
        keys = lister.keys()
        rows = lister.rows(keys)
        return [rows[k] for k in keys], {i.id: i for i in list_items(case.conn)}


def test_the_list_rows_say_what_the_whole_items_say(case_file: Path) -> None:
    rows, items = _as_listed(case_file)
    assert [r.original_name for r in rows] == [
        "Canon_40D.jpg", "Kodak_CX7530.jpg", "note.txt", "FurnaceCreekInn.jpg"
    ]  # fmt: skip
    for row in rows:
        item = items[row.id]
        assert (row.size, row.mime, row.entered_seq) == (item.size, item.mime, item.entered_seq)
        assert row.captured_at == (item.metadata.get("captured_at") or "")
        assert row.gps == bool(item.metadata.get("gps_lat") and item.metadata.get("gps_lon"))
        assert row.warned == bool(item.warnings) and row.problems == 0
    assert [r.gps for r in rows] == [False, True, False, True]
    assert rows[0].captured_at == "2008-05-30T15:56:01"


def test_a_window_reads_only_the_rows_asked_for(case_file: Path) -> None:
    with Case.open(case_file, PASSPHRASE) as case:
        lister = ItemLister(case.conn)
        keys = lister.keys()
        window = lister.rows(keys[1:3])
        assert sorted(window) == keys[1:3]
        assert lister.key_of(window[keys[2]].id) == keys[2]
        assert lister.key_of("no such item") is None


def test_an_edited_name_is_listed_as_signed_and_flagged(case_file: Path) -> None:
    edit(case_file, "UPDATE items SET original_name = 'innocent.jpg', size = 1 WHERE rowid = 1")
    rows, _items = _as_listed(case_file)
    assert rows[0].original_name == "Canon_40D.jpg" and rows[0].size > 1
    assert rows[0].problems == 2 and rows[0].warned


def test_edited_metadata_shows_no_capture_time_or_position(case_file: Path) -> None:
    forged = "'$.captured_at', '2020-01-01T00:00:00', '$.gps_lat', '1', '$.gps_lon', '2'"
    edit(case_file, f"UPDATE items SET metadata = json_set(metadata, {forged})")
    rows, _items = _as_listed(case_file)
    assert all(r.captured_at == "" and not r.gps and r.problems == 1 for r in rows)


def test_a_painted_rows_thumbnail_is_the_signed_one_or_none(case_file: Path) -> None:
    """The list reads a thumbnail against the record its row was checked with: the same
    bytes the item's own check gives, and none for a thumbnail swapped in the file."""
    with Case.open(case_file, PASSPHRASE) as case:
        lister = ItemLister(case.conn)
        rows = lister.rows(lister.keys())
        genuine = {key: lister.thumbnail(row) for key, row in rows.items()}
        assert genuine == {key: thumbnail(case.conn, row.id) for key, row in rows.items()}
        assert genuine[1] and genuine[3] is None  # a photo's; a text note has none
    edit(case_file, "UPDATE thumbnails SET data = (SELECT data FROM thumbnails WHERE item_id ="
                    " (SELECT id FROM items WHERE rowid = 4))"
                    " WHERE item_id = (SELECT id FROM items WHERE rowid = 1)")  # fmt: skip
    with Case.open(case_file, PASSPHRASE) as case:
        lister = ItemLister(case.conn)
        rows = lister.rows([1, 4])
        assert lister.thumbnail(rows[1]) is None  # another photo's: never drawn
        assert lister.thumbnail(rows[4]) == genuine[4]


def test_the_index_has_the_stored_values_for_filtering(case_file: Path) -> None:
    edit(case_file, "UPDATE items SET metadata = 'not json' WHERE rowid = 4")
    with Case.open(case_file, PASSPHRASE) as case:
        index = ItemLister(case.conn).index()
    assert [r.name for r in index][:2] == ["Canon_40D.jpg", "Kodak_CX7530.jpg"]
    assert index[0].captured_at == "2008-05-30T15:56:01"
    assert index[3].captured_at == "" and not index[3].gps  # unreadable: filtered as unknown


def test_keys_skip_a_gap_in_the_row_keys(case_file: Path) -> None:
    with Case.open(case_file, PASSPHRASE) as case:
        every = ItemLister(case.conn).keys()
    assert every == [1, 2, 3, 4]
    edit(case_file, "UPDATE items SET rowid = 10 WHERE rowid = 2")
    with Case.open(case_file, PASSPHRASE) as case:
        lister = ItemLister(case.conn)
        assert lister.keys() == [1, 3, 4, 10]
        assert [r.original_name for r in lister.rows([10]).values()] == ["Kodak_CX7530.jpg"]


@pytest.fixture
def warned_case(tmp_path: Path, corpus: Path) -> Path:
    """A clean photo, two hostile files imported with warnings, then another clean photo."""
    path = tmp_path / "case.evault"
    hostile = corpus / "hostile"
    with Case.create(path, PASSPHRASE, title="Warned", investigator="Olena K.") as case:
        import_paths(case, [corpus / "camera" / "Canon_40D.jpg"])
        import_paths(case, [hostile / "text-file-named.jpg", hostile / "empty.jpg"])
        import_paths(case, [corpus / "camera" / "Kodak_CX7530.jpg"])
    return path


def _counted(path: Path, after: int, upto: int) -> int:
    with Case.open(path, PASSPHRASE) as case:
        return count_warned(ItemLister(case.conn), after, upto)


def test_the_items_with_warnings_are_counted_span_by_span(warned_case: Path) -> None:
    """The list's "with warnings: N" is counted a span of row keys at a time; spans add up
    to the case's count, a span of clean items counts none, and no warning text is read."""
    with Case.open(warned_case, PASSPHRASE) as case:
        keys = ItemLister(case.conn).keys()
        whole = sum(1 for item in list_items(case.conn) if item.warnings)
        assert whole == 2
        statements: list[str] = []
        case.conn.set_trace_callback(statements.append)
        lister = ItemLister(case.conn)
        assert count_warned(lister, 0, keys[-1]) == whole
        assert not [s for s in statements if "FROM items" in s and " warnings," in s]
        halves = count_warned(lister, 0, keys[1]) + count_warned(lister, keys[1], keys[-1])
        assert halves == whole
        assert count_warned(lister, 0, keys[0]) == 0  # the clean photo alone


def test_emptying_stored_warnings_does_not_hide_them_from_the_count(warned_case: Path) -> None:
    """The count is evidence too: a row whose stored warnings were emptied behind the app's
    back no longer matches its signed record and is still counted (the list marks it)."""
    edit(warned_case, "UPDATE items SET warnings = '[]'")
    assert _counted(warned_case, 0, 4) == 2
    edit(warned_case, "UPDATE items SET warnings = '[\"x\"]' WHERE rowid = 1")
    assert _counted(warned_case, 0, 1) == 1  # a clean photo's row claiming one: misstated
