"""VJP rules: indexing prims (see the prim catalogue)."""
