"""Vocabularies the command line offers as options, in a module of their own so that
`--help` lists them without loading the core (issue 17): the descriptive fields of an item
(what an `item.describe` entry's details hold) and the redaction methods; and the key
fields read from a file's metadata, which listing items needs without the readers."""

# "sensitive" ("yes" / "no"): graphic material, shown blurred until revealed (issue 15 §4).
DESCRIPTIVE_FIELDS = ("title", "description", "location", "captured_by", "sensitive")

# How `derive` hides a region (vault/evidence/redact.py).
REDACTION_METHODS = ("pixelate", "blur", "fill")

# The key fields `vault.evidence.metadata` reads from a file.
FIELD_NAMES = (
    "captured_at", "captured_offset", "gps_lat", "gps_lon", "gps_alt", "make", "model",
    "body_serial", "software", "orientation", "width", "height",
)  # fmt: skip


def empty_fields() -> dict[str, str | int | None]:
    """A `fields` dict with every key present and no value."""
    return dict.fromkeys(FIELD_NAMES)
