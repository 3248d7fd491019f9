"""``hornet.ops.numpy``: the NumPy-style ops (``keras.ops.numpy``)."""
from hornet.api.ops.core import ndim as _ndim
from hornet.ops._gather import public_names

_OPS = public_names(("creation", "math", "logic", "shape_ops", "indexing", "reductions", "linalg", "fabs", "integrate",
                     "correlation", "partition", "histogram", "bit_view", "vectorize", "special"),
                    exclude=("vectorized_map", "gammainc"))
_OPS["ndim"] = _ndim  # a Python int, never a graph node (as hornet.ops.ndim)
globals().update(_OPS)
__all__ = list(_OPS)
