"""The linalg prims (see CATALOGUE.md)."""
