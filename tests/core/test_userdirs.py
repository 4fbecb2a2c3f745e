"""Default save locations exist, and default file names are safe on every file system."""

from __future__ import annotations

from pathlib import Path

from vault.userdirs import MAX_NAME, file_name, first_existing_folder


def test_a_missing_documents_folder_falls_back_to_the_next_that_exists(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    assert first_existing_folder(tmp_path / "Documents", None, "", real) == real


def test_with_no_folder_existing_the_home_folder_is_the_default(tmp_path):
    assert first_existing_folder(tmp_path / "nope") == Path.home()


def test_a_file_name_says_case_kind_and_date_and_is_safe():
    assert (
        file_name("12022220000000123", "report", "uk", "2026-11-30", suffix=".pdf")
        == "12022220000000123-report-uk-2026-11-30.pdf"
    )
    assert file_name("a/b\\c:d", "", "e\x00f\u202e", suffix=".zip") == "a_b_c_d-e_f_.zip"
    assert file_name("  ", suffix=".evault") == "evidence-vault.evault"
    long = file_name("x" * 500, suffix=".pdf")
    assert len(long) == MAX_NAME + len(".pdf") and long.endswith(".pdf")
