"""NumPy reference rules: indexing prims."""
RULES: dict = {}
