"""ProofMode bundles (DESIGN §9): every corpus bundle gives the verdict in
../shared/corpus/proofmode/expected.json, signatures checked over the exact bytes with the
bundle's own key; the signer is named by fingerprint, never by user id."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.helpers.case import CORPUS
from vault.evidence.filetype import InMemory
from vault.provenance.proofmode import check_bundle

PROOFMODE = CORPUS / "proofmode"
EXPECTED = json.loads((PROOFMODE / "expected.json").read_text())["bundles"]
STATE = {"verified": "valid", "tampered": "invalid", "unverifiable": "unverifiable"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_corpus_bundle_gets_its_expected_verdict(name):
    expected = EXPECTED[name]
    bundle = check_bundle(str(CORPUS / name))
    assert bundle is not None
    assert bundle.members == expected["entries"]
    by_member = {m.member.rsplit("/", 1)[-1]: m for m in bundle.media}
    assert sorted(by_member) == sorted(i["media_entry"] for i in expected["items"])
    for item in expected["items"]:
        media = by_member[item["media_entry"]]
        assert media.sha256 == item["media_sha256"]
        assert media.result.state == STATE[expected["expected_verdict"]]
        assert media.result.signed_at == item["signature_time_utc"]
        if expected["expected_verdict"] == "verified":
            assert media.result.signer == expected["signed_by_fingerprint"]
            if item["location"]:
                claims = media.result.claims
                assert claims["latitude"] == repr(item["location"]["latitude"])
                assert claims["accuracy_m"] == repr(item["location"]["accuracy_m"])
        fingerprint = item["media_signature"]["gpgv"]["signer_fingerprint"]
        key_id = item["media_signature"]["issuer_key_id"]
        assert media.result.issuer in (fingerprint, key_id) or media.result.issuer.endswith(key_id)


def test_tampered_media_is_invalid_and_its_proof_is_not_its_claims():
    [media] = check_bundle(str(PROOFMODE / "tampered-media.zip")).media
    assert media.result.codes == ["ev.proofmode.media.signatureInvalid",
                                  "ev.proofmode.media.hashMismatch"]  # fmt: skip
    assert "latitude" not in media.result.claims  # the proof describes the original photo
    assert media.result.claims["unverified.latitude"] == "40.4000694444444"


def test_an_edited_proof_keeps_the_signed_csv_and_flags_the_json():
    [media] = check_bundle(str(PROOFMODE / "tampered-proof-json.zip")).media
    assert media.result.state == "invalid"
    assert media.result.codes == ["ev.proofmode.proof.signatureInvalid"]
    assert media.result.claims["latitude"] == "40.4000694444444"
    assert media.result.claims["unverified.latitude"] == "41.4000694444444"


def test_the_same_user_id_with_another_key_is_unverifiable_not_valid():
    [media] = check_bundle(str(PROOFMODE / "wrong-key.zip")).media
    assert media.result.state == "unverifiable"
    assert media.result.codes == ["ev.proofmode.key.other"]
    assert media.result.signer == EXPECTED["proofmode/wrong-key.zip"]["signed_by_fingerprint"]


def test_the_2016_sample_without_a_key_names_the_issuer_key_id():
    [media] = check_bundle(str(PROOFMODE / "sample-2016-IMG_20161214_072053.zip")).media
    assert media.result.state == "unverifiable"
    assert media.result.codes == ["ev.proofmode.key.missing"]
    assert media.result.issuer == "B64C8428C2AE01C5"
    assert media.result.claims["unverified.time"] == "2016-12-14T12:20:55Z"


def test_time_stamps_and_attestations_are_listed_not_verified_and_strays_ignored():
    data = (PROOFMODE / "good.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as original:
        members = {n: original.read(n) for n in original.namelist()}
    sha = EXPECTED["proofmode/good.zip"]["items"][0]["media_sha256"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as rebuilt:
        for name, blob in members.items():
            rebuilt.writestr(name, blob)
        rebuilt.writestr(f"{sha}.ots", b"opentimestamps proof")
        rebuilt.writestr(f"{sha}.gst", b"eyJhbGciOi.jwt")
        rebuilt.writestr("notes.txt", b"stray")
    bundle = check_bundle(InMemory("bundle.zip", out.getvalue()))
    [media] = bundle.media
    assert media.result.state == "valid"
    assert media.result.codes == ["ev.proofmode.keyInBundle", "ev.proofmode.notVerifiedOffline"]
    assert {f"{sha}.ots", f"{sha}.gst"} <= set(media.proof_members)
    assert "notes.txt" in bundle.members and "notes.txt" not in media.proof_members


def test_other_zips_and_broken_files_are_not_bundles(tmp_path):
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("a.jpg", b"x")
    assert check_bundle(InMemory("a.zip", plain.getvalue())) is None
    assert check_bundle(InMemory("b.zip", b"PK\x03\x04 not really a zip")) is None
