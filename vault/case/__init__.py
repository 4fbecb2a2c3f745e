"""The case file: SQLCipher storage, schema migrations, identities, unlocking, the open case."""
