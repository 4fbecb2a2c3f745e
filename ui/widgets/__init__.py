"""Small shared widgets and helpers: plain text, dialog parts, table model base, fonts."""
