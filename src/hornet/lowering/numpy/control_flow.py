"""NumPy reference rules: control-flow prims."""
RULES: dict = {}
