"""The open case's workspace: evidence list, details, notes, preview, custody log."""
