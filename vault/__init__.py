"""Evidence Vault core: the case file, custody log, import, packages and reports.

Nothing below this package imports Qt; the CLI and the desktop app call the same functions.
"""

__version__ = "0.1.0"
