"""Provenance in the app (DESIGN §9): a badge in the evidence list with an accessible name,
and a Provenance section in the details with signer, time, claims and every code explained,
in English and Ukrainian."""

from __future__ import annotations

from PySide6.QtCore import Qt
from test_main_window import select

from ui.workspace.item_model import PROVENANCE
from vault.i18n import set_language
from vault.provenance.trust import add_trust_list


def badge(window, name: str) -> tuple[str, str]:
    model = window.workspace.item_model
    row = next(r for r, item in enumerate(model.items()) if item.original_name == name)
    index = model.index(row, PROVENANCE)
    return index.data(), index.data(Qt.ItemDataRole.AccessibleTextRole)


def test_each_item_shows_its_provenance_badge_and_details(qtbot, case_window, corpus,
                                                          import_and_wait):  # fmt: skip
    c2pa = corpus / "c2pa"
    add_trust_list("c2pa-rs test root", c2pa / "test_cert_root_bundle.pem")
    import_and_wait(case_window, [c2pa / n for n in ("CA.jpg", "XCA.jpg", "cloud.jpg")]
                    + [corpus / "camera" / "Canon_40D.jpg"])  # fmt: skip
    assert badge(case_window, "CA.jpg") == ("✓✓ trusted", "Provenance (C2PA): trusted")
    assert badge(case_window, "XCA.jpg") == ("✗ invalid", "Provenance (C2PA): invalid")
    assert badge(case_window, "cloud.jpg")[1] == "Provenance (C2PA): cannot be checked"
    assert badge(case_window, "Canon_40D.jpg") == ("", "No provenance")

    details = case_window.workspace.details.details
    select(case_window, "XCA.jpg")
    shown = details.provenance.text()
    assert details.provenance_box.isVisibleTo(details)
    assert "signer: C2PA Signer" in shown and "signed at: 2024-08-06T21:53:37+00:00" in shown
    assert "assertion.dataHash.mismatch: The image data has changed since it was signed." in shown
    select(case_window, "Canon_40D.jpg")
    assert not details.provenance_box.isVisibleTo(details)


def test_the_provenance_words_are_ukrainian_in_ukrainian(qtbot, case_window, corpus,
                                                         import_and_wait):  # fmt: skip
    set_language("uk")
    import_and_wait(case_window, [corpus / "c2pa" / "cloud.jpg"])
    details = case_window.workspace.details.details
    select(case_window, "cloud.jpg")
    assert "неможливо перевірити" in details.provenance.text()
    assert "сховище їх не завантажує" in details.provenance.text()
