"""``hornet.losses``: Keras's loss classes (``MeanSquaredError``, ``SparseCategoricalCrossentropy``, ...), loss
functions (``mean_squared_error``, ``binary_crossentropy``, ...), the ``Loss`` base class, and ``get``/``serialize``/
``deserialize``.

>>> import hornet.losses
>>> hornet.losses.MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]])    # doctest: +SKIP
Array(0.5, dtype=float32)
"""
from hornet.api.losses import *  # noqa: F401,F403
from hornet.api.losses import __all__  # noqa: F401
