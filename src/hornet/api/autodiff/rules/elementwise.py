"""VJP rules: elementwise prims (see the prim catalogue)."""
