"""hornet layers: the Layer base class and every built-in layer family (see hornet.layers)."""
