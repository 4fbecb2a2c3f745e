"""Plain words for provenance states and codes (DESIGN §9), shared by the CLI, the app and
the report, in English and Ukrainian. A code without words of its own is shown as it is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vault.i18n import _


def N_(message: str) -> str:  # noqa: N802 - gettext's name for a deferred translation
    """Mark a string for translation where it is defined; the caller's `tr` translates it
    (the app's language, or a report's own)."""
    return message


Translate = Callable[[str], str]

_STATES = {
    "trusted": N_("trusted"),
    "valid": N_("valid, signer not on a trusted list"),
    "invalid": N_("invalid"),
    "unverifiable": N_("cannot be checked"),
}


def state_words(state: str, tr: Translate = _) -> str:
    """The badge text of a state."""
    return tr(_STATES[state]) if state in _STATES else state


_EXPLAINED = {
    "trusted": N_(
        "The file is unchanged since it was signed, and the signer's certificate chains"
        " to a trusted list."
    ),
    "valid": N_(
        "The file is unchanged since it was signed, but the signer is not on a trusted"
        " list: it proves integrity, not who signed."
    ),
    "invalid": N_(
        "The file or its claims do not match the signature. The codes say why; this is a"
        " fact about the file, not a break in the custody log."
    ),
    "unverifiable": N_(
        "A signature is present but could not be checked offline; this says nothing"
        " either way about tampering."
    ),
}


# An "invalid" reading whose only failures are these is an expired certificate, nothing
# more: the data hash and the claim signature matched (their codes would be here otherwise).
_CREDENTIAL_ONLY = {
    "signingCredential.expired", "signingCredential.untrusted", "signingCredential.ocsp.skipped",
}  # fmt: skip
_EXPIRED_ONLY = N_(
    "The signature matches the file, but the signer's certificate had expired when it was"
    " checked and no trusted time shows when it was signed. This is not a sign of tampering."
)


def expired_only(codes: list[str]) -> bool:
    """The reading failed only because the certificate had expired (no trusted time)."""
    return "signingCredential.expired" in codes and set(codes) <= _CREDENTIAL_ONLY


def state_explained(state: str, tr: Translate = _, codes: list[str] | None = None) -> str:
    """One sentence on what a state means for the evidence (with its `codes`: an expired
    certificate is said to be one, never a changed file)."""
    if state == "invalid" and expired_only(codes or []):
        return tr(_EXPIRED_ONLY)
    return tr(_EXPLAINED[state]) if state in _EXPLAINED else state


_CODES = {
    "signingCredential.untrusted": N_("The signer's certificate is not on any trusted list."),
    "signingCredential.trusted": N_("The signer's certificate is on a trusted list."),
    "signingCredential.expired": N_(
        "The signer's certificate had expired, and no trusted time shows it was signed"
        " while the certificate was valid. This is not a sign of tampering."
    ),
    "signingCredential.revoked": N_("The signer's certificate was revoked."),
    "signingCredential.invalid": N_("The signer's certificate is not valid for signing."),
    "signingCredential.ocsp.skipped": N_(
        "Revocation was not checked online (the vault works offline)."
    ),
    "assertion.dataHash.mismatch": N_("The image data has changed since it was signed."),
    "assertion.bmffHash.mismatch": N_("The video data has changed since it was signed."),
    "assertion.hashedURI.mismatch": N_(
        "A part of the signed claim has changed since it was signed."
    ),
    "assertion.bmffHash.additionalExclusionsPresent": N_(
        "The signed hash leaves out more of the video file than usual."
    ),
    "claimSignature.mismatch": N_("The claim's signature does not match the claim."),
    "claimSignature.missing": N_("The claim has no signature."),
    "ingredient.manifest.missing": N_("The manifest of an earlier version is missing."),
    "timeStamp.mismatch": N_("The signing time stamp does not match the signature."),
    "timeStamp.untrusted": N_("The signing time stamp's authority is not on a trusted list."),
    "cawg.x509.credential.untrusted": N_(
        "The creator identity's certificate is not on a trusted list."
    ),
    "ev.remoteManifest.notFetched": N_(
        "The Content Credentials are stored online, not in the file; the vault does not"
        " fetch them. Not checked, and not a sign of tampering."
    ),
    "ev.manifest.unreadable": N_(
        "The validator could not read the Content Credentials (for example an unknown"
        " signature algorithm)."
    ),
    "ev.validator.stopped": N_(
        "The validator crashed or ran out of time on this file; the file itself was"
        " imported unchanged."
    ),
    "ev.proofmode.media.signatureInvalid": N_(
        "The photo's signature does not match its bytes: the photo changed after signing."
    ),
    "ev.proofmode.media.hashMismatch": N_(
        "The photo's SHA-256 is not the hash the proof names: the proof describes another file."
    ),
    "ev.proofmode.proof.signatureInvalid": N_(
        "A proof file's signature does not match: its claims were changed after signing."
    ),
    "ev.proofmode.key.missing": N_(
        "The bundle holds no public key, so its signatures cannot be checked."
    ),
    "ev.proofmode.key.other": N_(
        "The signatures were made by a key other than the one in the bundle."
    ),
    "ev.proofmode.signature.missing": N_("A signature the bundle should hold is missing."),
    "ev.proofmode.keyInBundle": N_(
        "The key travels inside the bundle: a valid signature proves the files are unchanged"
        " since signing, not who signed. Compare the fingerprint with one obtained separately."
    ),
    "ev.proofmode.notVerifiedOffline": N_(
        "Time-stamp or device-attestation files are kept as evidence but not verified offline."
    ),
}


def explain(code: str, tr: Translate = _) -> str:
    """What a validator code means, in the language of `tr`; the code itself if unknown."""
    return tr(_CODES[code]) if code in _CODES else code


def describe(result: dict[str, Any], tr: Translate = _) -> list[str]:
    """A provenance result (an entry's details, with its `seq`) as lines for a person:
    state, signer, time, the list it chained to, claims, every code in plain words. The
    values are evidence strings: the caller shows them through its sanitizer."""
    kind = "C2PA" if result.get("kind") == "c2pa" else "ProofMode"
    state = str(result.get("state"))
    codes = [str(c) for c in result.get("codes") or []]
    lines = [f"{kind}: {state_words(state, tr)} (seq {result.get('seq')})",
             state_explained(state, tr, codes)]  # fmt: skip
    facts = (
        (N_("signer"), result.get("signer")), (N_("issuer"), result.get("issuer")),
        (N_("generator"), result.get("claim_generator")),
        (N_("signed at"), result.get("signed_at")),
        (N_("trusted list"), ((result.get("trust") or {}).get("chained_to") or {}).get("name")),
    )  # fmt: skip
    lines += [f"{tr(label)}: {value}" for label, value in facts if value]
    claims = result.get("claims") or {}
    lines += [tr(N_("claim {key}: {value}")).format(key=k, value=v) for k, v in claims.items()]
    lines += [f"{code}: {explain(code, tr)}" for code in result.get("codes") or []]
    return lines
