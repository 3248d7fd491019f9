"""The contractions prims (see CATALOGUE.md)."""
