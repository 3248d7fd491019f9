"""VJP rules: reductions prims (see the prim catalogue)."""
