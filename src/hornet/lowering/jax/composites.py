"""JAX rules: composites prims."""
RULES: dict = {}
