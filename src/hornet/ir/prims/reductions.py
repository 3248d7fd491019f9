"""The reductions prims (see CATALOGUE.md)."""
