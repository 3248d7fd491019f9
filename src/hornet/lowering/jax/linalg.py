"""JAX rules: linalg prims."""
RULES: dict = {}
