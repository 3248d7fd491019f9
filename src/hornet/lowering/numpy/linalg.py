"""NumPy reference rules: linalg prims."""
RULES: dict = {}
