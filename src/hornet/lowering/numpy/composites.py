"""NumPy reference rules: composites prims."""
RULES: dict = {}
