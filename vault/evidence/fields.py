"""Vocabularies the command line offers as options, in a module of their own so that
`--help` lists them without loading the core (issue 17): the descriptive fields of an item
(what an `item.describe` entry's details hold) and the redaction methods."""

# "sensitive" ("yes" / "no"): graphic material, shown blurred until revealed (issue 15 §4).
DESCRIPTIVE_FIELDS = ("title", "description", "location", "captured_by", "sensitive")

# How `derive` hides a region (vault/evidence/redact.py).
REDACTION_METHODS = ("pixelate", "blur", "fill")
