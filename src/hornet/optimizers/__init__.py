"""``hornet.optimizers``: SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Lion, Ftrl, Lamb,
Adafactor, LossScaleOptimizer, the ``Optimizer``
base class, ``get``/``serialize``/``deserialize`` and ``schedules`` (learning-rate schedules).

>>> import hornet.optimizers
>>> opt = hornet.optimizers.Adam(learning_rate=hornet.optimizers.schedules.ExponentialDecay(1e-3, 1000, 0.9))
"""
from hornet.api.optimizers import *  # noqa: F401,F403
from hornet.api.optimizers import __all__  # noqa: F401
from hornet.optimizers import schedules  # noqa: F401,E402
