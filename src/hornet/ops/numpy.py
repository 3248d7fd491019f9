"""``hornet.ops.numpy``: the NumPy-style ops (``keras.ops.numpy``)."""
from hornet.ops._gather import public_names

_OPS = public_names(("creation", "math", "logic", "shape_ops", "indexing", "reductions", "linalg"))
globals().update(_OPS)
__all__ = list(_OPS)
