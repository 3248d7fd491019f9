"""NumPy reference rules: reductions prims."""
RULES: dict = {}
