"""VJP rules: contractions prims (see the prim catalogue)."""
