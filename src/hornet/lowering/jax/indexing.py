"""JAX rules: indexing prims."""
RULES: dict = {}
