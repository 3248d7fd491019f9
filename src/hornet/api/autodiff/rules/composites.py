"""VJP rules: composites prims (see the prim catalogue)."""
