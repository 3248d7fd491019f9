"""JAX rules: elementwise prims."""
RULES: dict = {}
