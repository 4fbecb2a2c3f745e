"""The signed hash chain: entries, chain verification, case verification."""
