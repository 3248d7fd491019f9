"""``hornet.ops.linalg``: matrix decompositions and solvers (``keras.ops.linalg``)."""
from hornet.ops._gather import public_names

_OPS = public_names(("linalg", "jvp"), exclude=("matmul", "dot", "vdot", "inner", "outer", "tensordot", "kron", "cross",
                                          "correlate", "cdist", "einsum"))
globals().update(_OPS)
__all__ = list(_OPS)
