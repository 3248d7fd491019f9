"""``hornet.ops``: NumPy-style ops plus ``nn``, ``linalg`` and ``image``, with ``keras.ops`` names and semantics.

>>> from hornet import ops
>>> ops.sum(ops.ones((2, 3)), axis=1)      # doctest: +SKIP
"""
from hornet.api.ops import *  # noqa: F401,F403
from hornet.api.ops import __all__ as _ops
from hornet.ops import linalg, nn, numpy  # noqa: E402  (keras.ops.nn, keras.ops.linalg, keras.ops.numpy)
from hornet.ops import image  # noqa: E402  (keras.ops.image)
from hornet.ops._functional import wrap_all as _wrap_all  # noqa: E402

globals().update(_wrap_all({_n: globals()[_n] for _n in _ops}))

__all__ = [*_ops, "linalg", "nn", "numpy", "image"]
