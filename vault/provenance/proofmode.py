"""ProofMode proof bundles (DESIGN §9): a zip of media, detached OpenPGP signatures over each
file's exact bytes, the capture metadata (`<sha256>.proof.csv` / `.proof.json`) and the
signing key (`pubkey.asc`).

Signatures are checked with Sequoia (pysequoia) against the bundle's own key, over the bytes
as stored in the zip: nothing is re-serialised or re-encoded. The key travels with the bundle,
so a valid bundle proves the files are unchanged since signing, not who signed; the signer is
named by key fingerprint (every ProofMode key has the same user id). `check_bundle` runs in
the sandboxed metadata worker: a zip is hostile input.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import io
import json
import posixpath
import shlex
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vault.evidence.filetype import Source, open_source
from vault.provenance.record import Provenance, clipped

MAX_MEMBERS = 10_000  # a bundle holds a few files per photo
MAX_MEMBER_BYTES = 512 << 20  # the largest member read into memory (a long video)
KEY = "pubkey.asc"
_SIDECARS = (".asc", ".proof.csv", ".proof.json", ".ots", ".gst", ".nostr", ".devicecheck")
_KNOWN = {KEY, "howtoverifyproofdata.txt", "c2paidentity.cert"}
_OFFLINE_ONLY = (".ots", ".gst", ".nostr", ".devicecheck")  # need Bitcoin, Google or Apple

SIG_INVALID_MEDIA = "ev.proofmode.media.signatureInvalid"
HASH_MISMATCH = "ev.proofmode.media.hashMismatch"
SIG_INVALID_PROOF = "ev.proofmode.proof.signatureInvalid"
KEY_MISSING = "ev.proofmode.key.missing"
KEY_OTHER = "ev.proofmode.key.other"
SIG_MISSING = "ev.proofmode.signature.missing"
KEY_IN_BUNDLE = "ev.proofmode.keyInBundle"
NOT_OFFLINE = "ev.proofmode.notVerifiedOffline"


@dataclass
class MediaProof:
    """One media member and what its proof says; `proof_members` are the bundle members
    that are its evidence (signatures, proof files, time stamps)."""

    member: str
    sha256: str
    result: Provenance
    proof_members: list[str] = field(default_factory=list)


@dataclass
class Bundle:
    """A recognised bundle: every member name in zip order, and each media file's reading."""

    members: list[str]
    media: list[MediaProof]


def looks_like_bundle(names: list[str]) -> bool:
    """ProofMode's shape: a detached signature and a proof file beside each other."""
    bases = [posixpath.basename(n).lower() for n in names]
    has_proof = any(b.endswith((".proof.csv", ".proof.json")) for b in bases)
    return has_proof and any(b.endswith(".asc") for b in bases)


def check_bundle(source: Source) -> Bundle | None:
    """Read a zip and, when it is a ProofMode bundle, check every media file in it; None for
    any other zip (or a file that is no zip at all)."""
    try:
        with open_source(source) as stream, zipfile.ZipFile(stream) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            if len(infos) > MAX_MEMBERS or not looks_like_bundle([i.filename for i in infos]):
                return None
            files = {i.filename: _member(archive, i) for i in infos}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None
    return Bundle(list(files), [_check_media(files, name) for name in _media_names(files)])


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_MEMBER_BYTES:
        raise ValueError("member too large")
    with archive.open(info) as member:
        data = member.read(MAX_MEMBER_BYTES + 1)  # the header's size may lie
    if len(data) > MAX_MEMBER_BYTES:
        raise ValueError("member too large")
    return data


def _media_names(files: dict[str, bytes]) -> list[str]:
    def is_media(name: str) -> bool:
        base = posixpath.basename(name).lower()
        return not base.endswith(_SIDECARS) and base not in _KNOWN and not base.endswith(".txt")

    return [name for name in files if is_media(name)]


def _sidecar(files: dict[str, bytes], folder: str, stems: list[str], suffix: str) -> str | None:
    for stem in stems:
        name = posixpath.join(folder, stem + suffix)
        if name in files:
            return name
    return None


def _stems(files: dict[str, bytes], name: str, sha256: str) -> list[str]:
    """The names its proof files may carry: the media's hash (ProofMode today), its file
    name (2016 bundles), or, when the media was changed, the hash a proof names for a
    file of this name."""
    folder, base = posixpath.split(name)
    stems = [sha256, base]
    for other in files:
        if posixpath.dirname(other) != folder or not other.endswith(".proof.json"):
            continue
        claimed = _proof_values(files[other], json_file=True)
        if posixpath.basename(claimed.get("File Path", "")) == base:
            stems.append(posixpath.basename(other)[: -len(".proof.json")])
    for other in files:
        if posixpath.dirname(other) == folder and other.endswith(".proof.csv"):
            claimed = _proof_values(files[other], json_file=False)
            if posixpath.basename(claimed.get("File Path", claimed.get("File", ""))) == base:
                stems.append(posixpath.basename(other)[: -len(".proof.csv")])
    return list(dict.fromkeys(stems))


def _check_media(files: dict[str, bytes], name: str) -> MediaProof:
    data = files[name]
    sha256 = hashlib.sha256(data).hexdigest()
    folder = posixpath.dirname(name)
    stems = _stems(files, name, sha256)
    key_name = posixpath.join(folder, KEY) if posixpath.join(folder, KEY) in files else None
    key = _cert(files[key_name]) if key_name else None
    media_sig = _sidecar(files, folder, stems, ".asc")
    proofs = {s: _sidecar(files, folder, stems, s) for s in (".proof.json", ".proof.csv")}
    checks = {"media": _verify(data, files.get(media_sig or ""), key)}
    for suffix, proof in proofs.items():
        if proof is not None:
            checks[suffix] = _verify(files[proof], files.get(proof + ".asc"), key)
    extras = [posixpath.join(folder, s + x) for s in stems for x in _OFFLINE_ONLY]
    evidence = [n for n in (media_sig, *proofs.values()) if n]
    evidence += [p + ".asc" for p in proofs.values() if p and p + ".asc" in files]
    evidence += [n for n in extras if n in files] + ([key_name] if key_name else [])
    result = _judge(files, proofs, checks, sha256, key)
    if any(n in files for n in extras):
        result.codes.append(NOT_OFFLINE)
    return MediaProof(name, sha256, result, list(dict.fromkeys(evidence)))


@dataclass
class _Sig:
    outcome: str  # "valid", "invalid", "unverifiable" or "missing"
    issuer: str | None = None
    created: str | None = None


def _cert(data: bytes) -> Any:
    import pysequoia

    try:
        return pysequoia.Cert.from_bytes(data)
    except Exception:  # noqa: BLE001 - a damaged key is a missing key, never a crash
        return None


def _verify(data: bytes, signature: bytes | None, key: Any) -> _Sig:
    """One detached signature over `data`, exactly as stored."""
    import pysequoia

    if signature is None:
        return _Sig("missing")
    try:
        sig = pysequoia.Sig.from_bytes(signature)
    except Exception:  # noqa: BLE001 - an unreadable signature proves nothing: invalid
        return _Sig("invalid")
    issuer = (sig.issuer_fingerprint or sig.issuer_key_id or "").upper() or None
    created = sig.created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if sig.created else None
    if key is None:
        return _Sig("unverifiable", issuer, created)
    fingerprint = key.fingerprint.upper()
    # The issuer is the primary key (ProofMode signs with it) or, failing that, perhaps a
    # subkey: then only a success tells; a failure is "another key", not "tampered".
    own = issuer is not None and fingerprint.endswith(issuer)
    try:
        valid = bool(
            pysequoia.verify(bytes=data, store=lambda _ids: [key], signature=sig).valid_sigs
        )
    except Exception:  # noqa: BLE001 - Sequoia raises when no signature verifies
        valid = False
    outcome = "valid" if valid else ("invalid" if own else "unverifiable")
    return _Sig(outcome, issuer, created)


def _judge(
    files: dict[str, bytes], proofs: dict[str, str | None], checks: dict[str, _Sig],
    sha256: str, key: Any,
) -> Provenance:  # fmt: skip
    """The state and codes of one media file from its signatures and its proof's hash."""
    media = checks["media"]
    claims_from = [s for s in (".proof.json", ".proof.csv")
                   if proofs[s] and checks[s].outcome == "valid"]  # fmt: skip
    values = {s: _proof_values(files[p], json_file=s == ".proof.json")
              for s, p in proofs.items() if p}  # fmt: skip
    hashes = {_named_hash(v) for v in values.values()} - {None}
    codes = []
    if media.outcome == "invalid":
        codes.append(SIG_INVALID_MEDIA)
    if hashes and hashes != {sha256}:
        codes.append(HASH_MISMATCH)
    if any(checks[s].outcome == "invalid" for s in (".proof.json", ".proof.csv") if s in checks):
        codes.append(SIG_INVALID_PROOF)
    outcomes = {c.outcome for c in checks.values()}
    if "unverifiable" in outcomes:
        codes.append(KEY_MISSING if key is None else KEY_OTHER)
    if "missing" in outcomes or not (proofs[".proof.json"] or proofs[".proof.csv"]):
        codes.append(SIG_MISSING)
    if SIG_INVALID_MEDIA in codes or HASH_MISMATCH in codes or SIG_INVALID_PROOF in codes:
        state = "invalid"
    elif outcomes == {"valid"} and hashes == {sha256}:
        state, codes = "valid", [*codes, KEY_IN_BUNDLE]
    else:
        state = "unverifiable"
    trusted_values = values if state == "valid" else {}
    if state == "invalid" and media.outcome == "valid" and HASH_MISMATCH not in codes:
        trusted_values = {s: values[s] for s in claims_from}  # only the proofs that verify
    return Provenance(
        "proofmode", state, codes,
        signer=key.fingerprint.upper() if key is not None and media.outcome == "valid"
        else media.issuer,
        issuer=media.issuer,
        signed_at=media.created,
        claims=_claims(trusted_values, values),
        tool=f"pysequoia {importlib.metadata.version('pysequoia')}",
    )  # fmt: skip


def _proof_values(data: bytes, *, json_file: bool) -> dict[str, str]:
    """A proof file's fields as strings: Android's org.json object, or the one-header,
    one-value-row CSV (a trailing comma on both)."""
    try:
        text = data.decode("utf-8")
        if json_file:
            parsed = json.loads(text)
            return {str(k): str(v) for k, v in parsed.items()} if isinstance(parsed, dict) else {}
        rows = list(csv.reader(io.StringIO(text)))
    except (UnicodeDecodeError, ValueError, RecursionError, csv.Error):
        return {}
    if len(rows) < 2:
        return {}
    return {k.strip(): v for k, v in zip(rows[0], rows[1], strict=False) if k.strip()}


def _named_hash(values: dict[str, str]) -> str | None:
    found = values.get("File Hash SHA256") or values.get("SHA256")
    return found.strip().lower() if found else None


_CLAIMS = {
    "time": ("Proof Generated", "CurrentDateTime0GMT"),
    "latitude": ("Location.Latitude",),
    "longitude": ("Location.Longitude",),
    "altitude": ("Location.Altitude",),
    "accuracy_m": ("Location.Accuracy",),
    "location_provider": ("Location.Provider",),
    "device_id": ("DeviceID",),
    "device": ("Hardware",),
    "manufacturer": ("Manufacturer",),
    "file_path": ("File Path", "File"),
    "file_sha256": ("File Hash SHA256", "SHA256"),
}


def _claims(trusted: dict[str, dict[str, str]], every: dict[str, dict[str, str]]) -> dict[str, str]:
    """The capture claims as strings: from the proofs whose signatures hold (json first);
    anything only an unverified or conflicting proof says is kept under `unverified.`."""
    claims: dict[str, str] = {}
    for values in trusted.values():
        for claim, keys in _CLAIMS.items():
            value = next((values[k] for k in keys if values.get(k)), None)
            if value is not None and claim not in claims:
                claims[claim] = clipped(value)
    for values in every.values():
        for claim, keys in _CLAIMS.items():
            value = next((values[k] for k in keys if values.get(k)), None)
            if value is not None and claims.get(claim) != value:
                claims.setdefault(f"unverified.{claim}", clipped(value))
    for name in ("time", "unverified.time"):
        if claims.get(name, "").isdigit() and len(claims[name]) <= 12:  # 2016: Unix seconds
            moment = datetime.fromtimestamp(int(claims[name]), UTC)
            claims[name] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return claims


def gpgv_commands(media: str, evidence: list[str]) -> list[str]:
    """The `gpgv` commands that check a media file's ProofMode signatures by hand, from the
    names of its evidence files (gpgv wants the key dearmored into a keyring first)."""
    if KEY not in evidence:
        return []
    commands = ["gpg --dearmor < pubkey.asc > pubkey.gpg"]
    for name in evidence:
        if name.endswith(".asc") and name != KEY:
            signed = name[: -len(".asc")]
            target = signed if signed.endswith((".proof.csv", ".proof.json")) else media
            commands.append(
                f"gpgv --keyring ./pubkey.gpg {shlex.quote(name)} {shlex.quote(target)}"
            )
    return commands
