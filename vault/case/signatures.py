"""Signature checks that a view spreads over time (issue 17 §4).

The app shows only what is signed (`people.signed_in_place`), and an Ed25519 check costs
0.13-0.2 ms on this machine kind: the sensitive mark of a case with 20,000 descriptions
would hold the window for seconds at every open. `Signatures` remembers the signatures
seen to verify (a later act re-checks only what is new) and, given a budget, checks at
most that many at once: the rest wait, and what they vouch for counts as not signed
until `check` has verified them a slice at a time. Nothing unverified is ever taken as
signed; a wait only spares the viewer longer (an item whose mark waits is blurred).
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

Signed = tuple[bytes, bytes, bytes]  # (message: the entry hash, signature, public key)


class Signatures:
    """Signatures seen to verify or to fail, and those left to check."""

    def __init__(self) -> None:
        self._verified: set[Signed] = set()
        self._failed: set[Signed] = set()  # never asked again: a forged one costs one check
        self._pending: set[Signed] = set()
        self._allowed: int | None = None  # checks left before the rest wait; None: no limit

    def allow(self, budget: int | None) -> None:
        """Check at most `budget` signatures from now (None: any number) before the rest
        wait for `check`."""
        self._allowed = budget

    def holds(self, message: bytes, signature: bytes, key: bytes) -> bool:
        """Whether `signature` of `message` verifies under `key`; False, and remembered as
        pending, when the budget is spent (the answer is then not known yet)."""
        signed = (message, signature, key)
        if signed in self._verified or signed in self._failed:
            return signed in self._verified
        if self._allowed is not None and self._allowed <= 0:
            self._pending.add(signed)
            return False
        if self._allowed is not None:
            self._allowed -= 1
        return self._verify(signed)

    @property
    def pending(self) -> int:
        """How many signatures wait to be checked."""
        return len(self._pending)

    def check(self, most: int) -> int:
        """Check up to `most` waiting signatures; how many still wait."""
        for _ in range(min(most, len(self._pending))):
            self._verify(self._pending.pop())
        return len(self._pending)

    def _verify(self, signed: Signed) -> bool:
        holds = verifies(*signed)
        (self._verified if holds else self._failed).add(signed)
        return holds


def verifies(message: bytes, signature: bytes, key: bytes) -> bool:
    """Whether `signature` of `message` verifies under the Ed25519 public `key` (raw)."""
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
