"""VJP rules: control-flow prims."""
