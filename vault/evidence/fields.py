"""The descriptive fields of an item (what an `item.describe` entry's details hold): a module
of its own so that the command line can offer them as options without loading the core."""

# "sensitive" ("yes" / "no"): graphic material, shown blurred until revealed (issue 15 §4).
DESCRIPTIVE_FIELDS = ("title", "description", "location", "captured_by", "sensitive")
