"""Evidence in the case: streaming import, blob store, items, notes, metadata, file types."""
