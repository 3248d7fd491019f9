"""VJP rules: linalg prims (see the prim catalogue)."""
