"""The composites prims (see CATALOGUE.md)."""
