"""The structural prims (see CATALOGUE.md)."""
