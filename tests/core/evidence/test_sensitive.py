"""Care for the viewer (issue 15 §4): an item marked sensitive by a signed description; its
pictures blurred; a report prints it through its redacted copy, or a placeholder, and says so."""

from __future__ import annotations

import io
import subprocess

from PIL import Image, ImageChops, ImageStat

from tests.helpers.case import CORPUS, PASSPHRASE, edit_rows, new_case, run_cli
from tests.helpers.package import received_case
from tests.helpers.report import pdf_text
from vault.case import view
from vault.case.handle import Case
from vault.case.view import CaseReader
from vault.custody.entry import read_entries
from vault.custody.verify import verify_case
from vault.evidence.derive import derive_item
from vault.evidence.ingest import import_paths
from vault.evidence.items import thumbnail
from vault.evidence.notes import describe_item
from vault.evidence.redact import redact_item
from vault.evidence.sensitive import blurred, mark_sensitive, redaction_copies, sensitive_ids
from vault.package.export import export
from vault.package.receive import receive
from vault.report.generate import generate_report

PHOTO = CORPUS / "camera" / "elephants.jpg"
CAMERA = ("Canon_40D.jpg", "elephants.jpg", "FurnaceCreekInn.jpg")


def test_marking_an_item_sensitive_is_a_signed_description_that_keeps_the_others(tmp_path):
    case = new_case(tmp_path)
    item = import_paths(case, [PHOTO]).imported[0]
    describe_item(case, item.id, {"title": "Body in the yard", "location": "Bucha"})
    entry = mark_sensitive(case, item.id, True)
    assert entry.action == "item.describe" and entry.subject == item.id
    assert entry.details == {"title": "Body in the yard", "location": "Bucha", "sensitive": "yes"}
    assert sensitive_ids(case) == {item.id}
    mark_sensitive(case, item.id, False)
    assert sensitive_ids(case) == set()
    assert CaseReader(case).description(item.id)["title"] == "Body in the yard"
    assert verify_case(case).ok
    case.close()
    run = run_cli("describe", case.path, item.id, "--title", "Yard", "--sensitive", "yes")
    assert run.returncode == 0, run.stderr


def test_an_item_whose_sensitive_mark_cannot_be_read_is_treated_as_sensitive(tmp_path):
    """The latest description, which marked the item sensitive, altered in the case file:
    the one before it did not mark it, yet the viewer is spared (in the app and the report)
    rather than shown what was marked sensitive; verify names the altered entry."""
    case = new_case(tmp_path)
    item = import_paths(case, [PHOTO]).imported[0]
    describe_item(case, item.id, {"title": "Body in the yard"})
    marked = mark_sensitive(case, item.id, True)
    case.close()
    edit_rows(case.path, "UPDATE custody SET content = replace(content, 'Body', 'A body')"
                         f" WHERE seq = {marked.seq}")  # fmt: skip
    with Case.open(case.path, PASSPHRASE) as case:
        assert CaseReader(case).description(item.id) == {"title": "Body in the yard"}
        assert sensitive_ids(case) == {item.id}
        out = tmp_path / "report.pdf"
        generate_report(case, out)
    text = " ".join(pdf_text(out).split())
    assert "Treated as sensitive, since a description of it is not as signed" in text
    assert "its picture is not printed" in text and "Marked sensitive" not in text


def test_a_description_whose_signature_fails_unmarks_nothing(tmp_path):
    """The latest description, "not sensitive", keeps its values but not its signature:
    the app shows the one before it and still blurs the item; a later act of the window
    (the signature checked once) keeps it so."""
    case = new_case(tmp_path)
    item = import_paths(case, [PHOTO]).imported[0]
    describe_item(case, item.id, {"title": "Body in the yard", "sensitive": "yes"})
    unmarked = describe_item(case, item.id, {"title": "Body in the yard", "sensitive": "no"})
    case.close()
    edit_rows(case.path, f"UPDATE custody SET sig = zeroblob(64) WHERE seq = {unmarked.seq}")
    with Case.open(case.path, PASSPHRASE) as case:
        reader = CaseReader(case)
        assert reader.description(item.id)["sensitive"] == "yes"
        assert reader.sensitive_ids() == reader.sensitive_ids() == {item.id}


def test_an_item_whose_signature_waits_stays_blurred_until_it_is_checked(tmp_path, monkeypatch):
    """More descriptions than the window checks at once: those whose signatures wait keep
    their items blurred until they are checked, then only the marked one is."""
    monkeypatch.setattr(view, "SIGNATURE_BUDGET", 1)
    case = new_case(tmp_path)
    items = import_paths(case, [CORPUS / "camera" / name for name in CAMERA]).imported
    for item, mark in zip(items, ("no", "yes", "no"), strict=True):
        describe_item(case, item.id, {"title": "Yard", "sensitive": mark})
    reader = CaseReader(case)
    assert reader.sensitive_ids() == {item.id for item in items[1:]}  # one checked: a "no"
    assert reader.pending_signatures == 2
    assert reader.check_signatures(1) == 1
    assert reader.check_signatures(1) == 0
    assert reader.sensitive_ids() == {items[1].id} and reader.pending_signatures == 0
    case.close()


def test_a_received_item_whose_signature_waits_is_not_blurred_for_good(tmp_path, monkeypatch):
    """The sender's description waits for its signature check, and the window asks again
    meanwhile (an act): once checked, the item is shown as the sender described it."""
    monkeypatch.setattr(view, "SIGNATURE_BUDGET", 0)
    lawyer, ids = received_case(tmp_path, CORPUS)
    with lawyer:
        reader = CaseReader(lawyer)
        assert ids[0] in reader.sensitive_ids() and ids[0] in reader.sensitive_ids()
        assert reader.check_signatures(1000) == 0
        assert reader.sensitive_ids() == set() and reader.pending_signatures == 0


def test_a_forged_signature_is_checked_once_and_its_item_stays_blurred(tmp_path, monkeypatch):
    """Descriptions whose signatures were replaced: each is checked once (no endless
    re-checking), and their items stay spared."""
    monkeypatch.setattr(view, "SIGNATURE_BUDGET", 1)
    case = new_case(tmp_path)
    items = import_paths(case, [CORPUS / "camera" / name for name in CAMERA]).imported
    for item in items:
        describe_item(case, item.id, {"title": "Yard", "sensitive": "no"})
    case.close()
    edit_rows(case.path, "UPDATE custody SET sig = zeroblob(64) WHERE action = 'item.describe'")
    with Case.open(case.path, PASSPHRASE) as case:
        reader = CaseReader(case)
        assert reader.sensitive_ids() == {item.id for item in items}
        assert reader.check_signatures(1000) == 0
        assert reader.sensitive_ids() == {item.id for item in items}
        assert reader.pending_signatures == 0


def test_a_blurred_thumbnail_keeps_no_detail():
    case_thumb = io.BytesIO()
    Image.open(PHOTO).convert("RGB").resize((256, 170)).save(case_thumb, "JPEG")
    original = Image.open(case_thumb)
    veiled = Image.open(io.BytesIO(blurred(case_thumb.getvalue())))
    assert veiled.size == original.size
    # Edges (detail) all but vanish: the blurred picture's edge energy is a small fraction.
    edges = [ImageStat.Stat(ImageChops.difference(img.convert("L"), img.convert("L").transform(
        img.size, Image.Transform.AFFINE, (1, 0, 1, 0, 1, 0)))).mean[0]
        for img in (original, veiled)]  # fmt: skip
    assert edges[1] < edges[0] / 4
    assert blurred(b"not an image") is None and blurred(None) is None


def test_a_report_prints_a_sensitive_exhibit_through_its_redacted_copy_or_a_placeholder(
    tmp_path,
):
    case = new_case(tmp_path)
    with_copy, without = import_paths(case, [PHOTO, CORPUS / "camera" / "Canon_40D.jpg"]).imported
    copy = redact_item(case, with_copy.id, [(100, 50, 200, 200)], method="fill")
    mark_sensitive(case, with_copy.id, True)
    mark_sensitive(case, without.id, True)
    out = tmp_path / "report.pdf"
    generate_report(case, out, item_ids=[with_copy.id, without.id])
    text = " ".join(pdf_text(out).split())
    assert f"the picture shown is its redacted copy {copy.original_name}" in text
    assert "its picture is not printed, and it has no redacted copy" in text
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True,
                            check=True).stdout  # fmt: skip
    thumbs = [line for line in images.splitlines()[2:] if "image" in line]
    copy_thumb = Image.open(io.BytesIO(thumbnail(case.conn, copy.id)))
    # One exhibit picture (the copy's); the QR code and the other sensitive one are not photos.
    assert sum(f" {copy_thumb.width} " in line for line in thumbs) == 1
    assert [e.action for e in read_entries(case.conn)][-1] == "report.generate"
    case.close()


def test_a_sensitive_exhibit_shows_its_latest_redaction_as_its_signed_records_say(tmp_path):
    """The latest redacted copy, whatever came after it (a copy of another kind) and
    whatever the log's unsigned index columns say; a case that received the item and its
    copies shows the copy its first holder made."""
    case = new_case(tmp_path)
    item = import_paths(case, [PHOTO]).imported[0]
    redact_item(case, item.id, [(100, 50, 200, 200)], method="fill")
    latest = redact_item(case, item.id, [(0, 0, 497, 331)], method="fill")
    derive_item(case, item.id, b"a page of the photo's text", name="text.txt",
                operation={"op": "extract", "member": "text.txt"})  # fmt: skip
    describe_item(case, item.id, {"title": "Yard"})  # kept by the receiver's unmarking
    mark_sensitive(case, item.id, True)
    assert redaction_copies(case.conn)[item.id].id == latest.id
    export(case, tmp_path / "pkg")
    case.close()
    edit_rows(case.path, "UPDATE custody SET action = 'item.import' WHERE subject = ?", latest.id)
    with Case.open(case.path, PASSPHRASE) as reopened:
        assert redaction_copies(reopened.conn)[item.id].id == latest.id
    lawyer = new_case(tmp_path, "lawyer.evault")
    receive(lawyer, tmp_path / "pkg")
    out = tmp_path / "received.pdf"
    generate_report(lawyer, out)
    assert redaction_copies(lawyer.conn)[item.id].id == latest.id  # as its first holder signed
    assert sensitive_ids(lawyer) == {item.id}  # the sender's mark: blurred in the app too
    mark_sensitive(lawyer, item.id, False)  # the receiver's own latest description decides
    assert sensitive_ids(lawyer) == set()
    assert CaseReader(lawyer).description(item.id) == {"title": "Yard", "sensitive": "no"}
    text = " ".join(pdf_text(out).split())  # (both copies are named for the original's digest)
    assert f"the picture shown is its redacted copy {latest.original_name}" in text
    lawyer.close()
