"""Plain words for provenance states and codes (DESIGN §9), shared by the CLI, the app and
the report, in English and Ukrainian. A code without words of its own is shown as it is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vault.i18n import _


def state_words(state: str) -> str:
    """The badge text of a state."""
    words: dict[str, Callable[[], str]] = {
        "trusted": lambda: _("trusted"),
        "valid": lambda: _("valid, signer not on a trusted list"),
        "invalid": lambda: _("invalid"),
        "unverifiable": lambda: _("cannot be checked"),
    }
    return words[state]() if state in words else state


def state_explained(state: str) -> str:
    """One sentence on what a state means for the evidence."""
    words: dict[str, Callable[[], str]] = {
        "trusted": lambda: _(
            "The file is unchanged since it was signed, and the signer's certificate chains"
            " to a trusted list."
        ),
        "valid": lambda: _(
            "The file is unchanged since it was signed, but the signer is not on a trusted"
            " list: it proves integrity, not who signed."
        ),
        "invalid": lambda: _(
            "The file or its claims do not match the signature. The codes say why; this is a"
            " fact about the file, not a break in the custody log."
        ),
        "unverifiable": lambda: _(
            "A signature is present but could not be checked offline; this says nothing"
            " either way about tampering."
        ),
    }
    return words[state]() if state in words else state


def _code_words() -> dict[str, str]:
    return {
        "signingCredential.untrusted": _("The signer's certificate is not on any trusted list."),
        "signingCredential.trusted": _("The signer's certificate is on a trusted list."),
        "signingCredential.expired": _(
            "The signer's certificate had expired, and no trusted time shows it was signed"
            " while the certificate was valid. This is not a sign of tampering."
        ),
        "signingCredential.revoked": _("The signer's certificate was revoked."),
        "signingCredential.invalid": _("The signer's certificate is not valid for signing."),
        "signingCredential.ocsp.skipped": _(
            "Revocation was not checked online (the vault works offline)."
        ),
        "assertion.dataHash.mismatch": _("The image data has changed since it was signed."),
        "assertion.bmffHash.mismatch": _("The video data has changed since it was signed."),
        "assertion.hashedURI.mismatch": _(
            "A part of the signed claim has changed since it was signed."
        ),
        "assertion.bmffHash.additionalExclusionsPresent": _(
            "The signed hash leaves out more of the video file than usual."
        ),
        "claimSignature.mismatch": _("The claim's signature does not match the claim."),
        "claimSignature.missing": _("The claim has no signature."),
        "ingredient.manifest.missing": _("The manifest of an earlier version is missing."),
        "timeStamp.mismatch": _("The signing time stamp does not match the signature."),
        "timeStamp.untrusted": _("The signing time stamp's authority is not on a trusted list."),
        "cawg.x509.credential.untrusted": _(
            "The creator identity's certificate is not on a trusted list."
        ),
        "ev.remoteManifest.notFetched": _(
            "The Content Credentials are stored online, not in the file; the vault does not"
            " fetch them. Not checked, and not a sign of tampering."
        ),
        "ev.manifest.unreadable": _(
            "The validator could not read the Content Credentials (for example an unknown"
            " signature algorithm)."
        ),
        "ev.validator.stopped": _(
            "The validator crashed or ran out of time on this file; the file itself was"
            " imported unchanged."
        ),
        "ev.proofmode.media.signatureInvalid": _(
            "The photo's signature does not match its bytes: the photo changed after signing."
        ),
        "ev.proofmode.media.hashMismatch": _(
            "The photo's SHA-256 is not the hash the proof names: the proof describes another file."
        ),
        "ev.proofmode.proof.signatureInvalid": _(
            "A proof file's signature does not match: its claims were changed after signing."
        ),
        "ev.proofmode.key.missing": _(
            "The bundle holds no public key, so its signatures cannot be checked."
        ),
        "ev.proofmode.key.other": _(
            "The signatures were made by a key other than the one in the bundle."
        ),
        "ev.proofmode.signature.missing": _("A signature the bundle should hold is missing."),
        "ev.proofmode.keyInBundle": _(
            "The key travels inside the bundle: a valid signature proves the files are unchanged"
            " since signing, not who signed. Compare the fingerprint with one obtained separately."
        ),
        "ev.proofmode.notVerifiedOffline": _(
            "Time-stamp or device-attestation files are kept as evidence but not verified offline."
        ),
    }


def explain(code: str) -> str:
    """What a validator code means, in the current language; the code itself if unknown."""
    return _code_words().get(code, code)


def describe(result: dict[str, Any]) -> list[str]:
    """A provenance result (an entry's details, with its `seq`) as lines for a person:
    state, signer, time, the list it chained to, claims, every code in plain words. The
    values are evidence strings: the caller shows them through its sanitizer."""
    kind = "C2PA" if result.get("kind") == "c2pa" else "ProofMode"
    state = str(result.get("state"))
    lines = [f"{kind}: {state_words(state)} (seq {result.get('seq')})", state_explained(state)]
    facts = (
        (_("signer"), result.get("signer")), (_("issuer"), result.get("issuer")),
        (_("generator"), result.get("claim_generator")), (_("signed at"), result.get("signed_at")),
        (_("trusted list"), ((result.get("trust") or {}).get("chained_to") or {}).get("name")),
    )  # fmt: skip
    lines += [f"{label}: {value}" for label, value in facts if value]
    claims = result.get("claims") or {}
    lines += [_("claim {key}: {value}").format(key=k, value=v) for k, v in claims.items()]
    lines += [f"{code}: {explain(code)}" for code in result.get("codes") or []]
    return lines
