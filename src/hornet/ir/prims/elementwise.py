"""The elementwise prims (see CATALOGUE.md)."""
