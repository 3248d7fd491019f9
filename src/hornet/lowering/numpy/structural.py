"""NumPy reference rules: structural prims."""
RULES: dict = {}
