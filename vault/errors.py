"""The one exception hierarchy of the core. Messages are fit to show to users as they are."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vault.i18n import _

if TYPE_CHECKING:
    from vault.custody.entry import Finding


class VaultError(Exception):
    """Base of every error the core raises on purpose; `str(err)` is the user's message."""

    exit_code = 2

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message())

    def default_message(self) -> str:
        return _("Something went wrong.")


class WrongPassphrase(VaultError):
    def default_message(self) -> str:
        return _("The passphrase is not right. The case file was not changed.")


class NotACaseFile(VaultError):
    def default_message(self) -> str:
        return _("This file is not an Evidence Vault case file.")


class CaseUnreadable(NotACaseFile):
    """The case file is there but this user may not read it."""


class CaseReadOnly(VaultError):
    """The case file (or its folder) cannot be written: it can be read and verified only."""

    def default_message(self) -> str:
        return _("The case file is read-only: nothing could be recorded in it.")


class CaseInUse(VaultError):
    def default_message(self) -> str:
        return _("This case is open in another window or program. Close it there and try again.")


class WeakPassphrase(VaultError):
    def default_message(self) -> str:
        return _("The passphrase must have at least 12 characters.")


class FileExists(VaultError):
    """Something is already at the chosen path: nothing is ever overwritten."""

    def default_message(self) -> str:
        return _("A file already exists there. Choose another name; nothing was overwritten.")


class Cancelled(VaultError):
    def default_message(self) -> str:
        return _("Cancelled. Nothing was half-done: what finished is kept and logged.")


class MissingResource(VaultError):
    """A file the app ships (a font, a translation, a template) is missing: a broken install."""

    def __init__(self, name: str) -> None:
        super().__init__(
            _(
                "This installation of Evidence Vault is incomplete ({name} is missing). "
                "Reinstall the app."
            ).format(name=name)
        )


class NotFound(VaultError):
    def default_message(self) -> str:
        return _("No such item or note in this case.")


class StorageFull(VaultError):
    def default_message(self) -> str:
        return _(
            "The disk is full. This step was not saved; everything saved before it is safe. "
            "Free some space and try again."
        )


def import_storage_full() -> StorageFull:
    """A full disk in the middle of an import: what is safe, in the importer's words."""
    return StorageFull(_(
        "The disk is full. The file being imported was not added; "
        "everything imported before it is safe. Free some space and try again."
    ))  # fmt: skip


class InvalidInput(VaultError):
    def default_message(self) -> str:
        return _("The input is not valid.")


class PackageRefused(VaultError):
    """A package failed verification; `findings` lists every reason."""

    exit_code = 1

    def __init__(self, findings: list[Finding], message: str | None = None) -> None:
        self.findings = findings
        super().__init__(message)

    def default_message(self) -> str:
        return _("The package did not verify and was refused. Nothing was imported.")
