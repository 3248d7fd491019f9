"""VJP rules: structural prims (see the prim catalogue)."""
