"""The `evidence-vault` command: the same core functions the desktop app calls."""
