"""JAX rules: structural prims."""
RULES: dict = {}
