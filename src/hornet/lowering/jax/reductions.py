"""JAX rules: reductions prims."""
RULES: dict = {}
