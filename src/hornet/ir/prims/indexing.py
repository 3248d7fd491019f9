"""The indexing prims (see CATALOGUE.md)."""
