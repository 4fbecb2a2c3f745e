"""Verifying a custody chain (DESIGN §4): hashes, links, sequence, actors, signatures.

Findings name the seq and the reason. Signature checks dominate the cost, so they are
batched and, for long chains, spread over every core.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from vault.case.identity import fingerprint
from vault.custody.entry import (
    GENESIS,
    ChainResult,
    Entry,
    Finding,
    entry_hash_of,
    is_signed_content,
)
from vault.i18n import _

PARALLEL_FROM = 4000  # below this, starting worker processes costs more than it saves
_Check = tuple[int, bytes, bytes, bytes]  # seq, public key, signature, message


def verify_chain(entries: Iterable[Entry], case_id: str | None = None) -> ChainResult:
    """Recompute and check every entry; never stops at the first problem."""
    result = ChainResult(case_id=case_id)
    checks: list[_Check] = []
    introduced_by: dict[str, int] = {}
    # Entries as signed whose place or claims do not hold (replayed, moved, after a gap;
    # content naming another seq, actor or case, or no action): they vouch for nothing a
    # report shows, yet still introduce keys, so one gap does not cascade.
    misplaced: set[int] = set()
    expected_seq, prev, last_at = 0, GENESIS, ""
    for entry in entries:
        if not _check_position(entry, expected_seq, prev, result):
            misplaced.add(entry.seq)
        _check_hashes(entry, result)
        if entry.content is not None:
            last_at, claims_hold = _check_content(entry, result, last_at)
            if not claims_hold:
                misplaced.add(entry.seq)
            if entry.seq not in result.unvouched:  # an altered entry introduces no one
                _learn_key(entry, result, introduced_by)
        result.actors.add(entry.actor)
        key = result.keys.get(entry.actor)
        if key is None:
            _unvouched(result, entry.seq, _("signed by a key that was never introduced"))
        else:
            checks.append((entry.seq, key, entry.sig, entry.entry_hash))
        expected_seq, prev = entry.seq + 1, entry.entry_hash
        result.length += 1
    result.head = prev
    result.unvouched |= misplaced
    _check_signatures(checks, result, introduced_by)
    result.findings.sort(key=lambda f: (f.seq is None, f.seq or 0))
    return result


def _check_position(entry: Entry, expected: int, prev: bytes, result: ChainResult) -> bool:
    """Whether the entry is where it belongs: the next seq, linked to the entry before."""
    if entry.seq > expected:
        missing = _("entry missing") if entry.seq == expected + 1 else _("entries missing")
        result.findings.append(Finding(expected, missing))
    elif entry.seq < expected:
        result.findings.append(Finding(entry.seq, _("entry out of order or repeated")))
    if entry.prev != prev:
        result.findings.append(
            Finding(entry.seq, _("does not link to the entry before it (chain broken)"))
        )
    return entry.seq == expected and entry.prev == prev


def _check_hashes(entry: Entry, result: ChainResult) -> None:
    if entry.content is not None and not is_signed_content(entry.content, entry.content_hash):
        _unvouched(result, entry.seq, _("content was changed after signing"))
    if entry_hash_of(entry.prev, entry.content_hash) != entry.entry_hash:
        _unvouched(result, entry.seq, _("entry hash does not match its contents"))


def _unvouched(result: ChainResult, seq: int, reason: str) -> None:
    result.findings.append(Finding(seq, reason))
    result.unvouched.add(seq)


def _check_content(entry: Entry, result: ChainResult, last_at: str) -> tuple[str, bool]:
    """The latest time so far, and whether the content's claims about the entry hold (its
    version, seq, actor, case and action)."""
    content = entry.content or {}
    if result.case_id is None:
        result.case_id = content.get("case")
    problems = [
        (content.get("v") != 1, _("unknown entry version")),
        (
            content.get("seq") != entry.seq,
            _("its content says seq {n}").format(n=content.get("seq")),
        ),
        (content.get("actor") != entry.actor, _("its content names another actor")),
        (content.get("case") != result.case_id, _("belongs to another case")),
        (not isinstance(content.get("action"), str), _("has no action")),
    ]
    result.findings += [Finding(entry.seq, text) for bad, text in problems if bad]
    at = content.get("at") if isinstance(content.get("at"), str) else ""
    if at and last_at and at < last_at:
        result.findings.append(
            Finding(entry.seq, _("recorded time goes backwards (device clock?)"), "warning")
        )
    return at or last_at, not any(bad for bad, _text in problems)


def _learn_key(entry: Entry, result: ChainResult, introduced_by: dict[str, int]) -> None:
    """case.create (seq 0 only) and identity.add introduce keys; nothing else does."""
    content: dict[str, Any] = entry.content or {}
    action = content.get("action")
    if action not in ("case.create", "identity.add"):
        return
    if action == "case.create" and entry.seq != 0:
        result.findings.append(Finding(entry.seq, _("a second case.create")))
        return
    if action == "identity.add" and entry.actor not in result.keys:
        return  # an unknown actor cannot vouch for anyone; reported as unknown already
    try:
        key = bytes.fromhex(content["details"]["public_key"])
        Ed25519PublicKey.from_public_bytes(key)
    except (KeyError, TypeError, ValueError):
        result.findings.append(Finding(entry.seq, _("introduces an unreadable public key")))
        return
    if action == "case.create" and fingerprint(key) != entry.actor:
        result.findings.append(Finding(entry.seq, _("case.create is not signed by its creator")))
        return
    result.keys.setdefault(fingerprint(key), key)
    introduced_by.setdefault(fingerprint(key), entry.seq)


def _check_signatures(
    checks: list[_Check], result: ChainResult, introduced_by: dict[str, int]
) -> None:
    bad = set(_bad_signatures(checks))
    for seq in sorted(bad):
        _unvouched(result, seq, _("signature does not verify"))
    # A key vouched for by a forged entry is not trusted: everything it signed fails too,
    # and so on down the line. Keys are introduced before they sign, so one pass in seq
    # order reaches every descendant.
    tainted = set(bad)
    for seq, key, _sig, _msg in sorted(checks, key=lambda check: check[0]):
        if introduced_by.get(fingerprint(key)) in tainted and seq not in bad:
            _unvouched(result, seq, _("signed by a key introduced by a forged entry"))
            tainted.add(seq)


def _bad_signatures(checks: list[_Check]) -> list[int]:
    if len(checks) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return verify_signatures(checks)
    workers = os.cpu_count() or 2
    size = -(-len(checks) // workers)
    batches = [checks[i : i + size] for i in range(0, len(checks), size)]
    # Loaded only for a long chain: a short one (`items --json` checks its lineages) is
    # checked before a process pool would have started.
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        return [seq for bad in pool.map(verify_signatures, batches) for seq in bad]


def verify_signatures(checks: list[_Check]) -> list[int]:
    """The seqs whose Ed25519 signature does not verify."""
    bad = []
    keys: dict[bytes, Ed25519PublicKey] = {}
    for seq, raw_key, sig, message in checks:
        key = keys.get(raw_key) or keys.setdefault(
            raw_key, Ed25519PublicKey.from_public_bytes(raw_key)
        )
        try:
            key.verify(sig, message)
        except InvalidSignature:
            bad.append(seq)
    return bad
