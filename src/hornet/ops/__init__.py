"""``hornet.ops``: NumPy-style ops plus ``nn``, ``linalg``, ``image`` with ``keras.ops`` names and semantics.

>>> from hornet import ops
>>> ops.sum(ops.ones((2, 3)), axis=1)      # doctest: +SKIP
"""
from hornet.api.ops import *  # noqa: F401,F403
from hornet.api.ops import __all__  # noqa: F401
