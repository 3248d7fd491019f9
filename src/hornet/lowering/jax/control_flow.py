"""JAX rules: control-flow prims."""
RULES: dict = {}
