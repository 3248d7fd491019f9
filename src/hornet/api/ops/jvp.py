"""``jvp`` (``keras.ops.jvp``, also ``keras.ops.linalg.jvp``): forward-mode Jacobian-vector products, built on
hornet's reverse mode (see ``hornet.api.autodiff.forward``).

>>> from hornet import ops
>>> ops.jvp(ops.sin, (0.1,), (0.2,))[1]          # 0.2 * cos(0.1)   # doctest: +SKIP
Array(0.19900084, dtype=float32)
"""
from hornet.api.autodiff.forward import jvp

__all__ = ["jvp"]
