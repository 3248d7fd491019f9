"""NumPy reference rules: contractions prims."""
RULES: dict = {}
