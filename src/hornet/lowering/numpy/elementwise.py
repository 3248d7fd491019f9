"""NumPy reference rules: elementwise prims."""
RULES: dict = {}
