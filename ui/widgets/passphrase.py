"""A hint about how hard a passphrase is to guess, shown while the user types."""

from __future__ import annotations

from vault.case.casefile import MIN_PASSPHRASE_LENGTH
from vault.i18n import _


def strength_hint(passphrase: str) -> str:
    """A short, plain verdict; length matters more than symbols."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return _("Too short: use at least {n} characters.").format(n=MIN_PASSPHRASE_LENGTH)
    classes = sum(
        any(test(ch) for ch in passphrase)
        for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )
    if len(passphrase) >= 20 or (len(passphrase) >= 16 and classes >= 3):
        return _("Strong.")
    if classes >= 3:
        return _("Fair. Longer is stronger: several unrelated words work well.")
    return _("Weak. Add words, or mix letters, digits and symbols.")
