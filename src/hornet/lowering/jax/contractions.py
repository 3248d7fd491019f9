"""JAX rules: contractions prims."""
RULES: dict = {}
