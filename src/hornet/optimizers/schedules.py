"""``hornet.optimizers.schedules``: ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay,
CosineDecay, CosineDecayRestarts, the ``LearningRateSchedule`` base, ``serialize``/``deserialize``.

>>> from hornet.optimizers.schedules import CosineDecay
>>> float(CosineDecay(0.1, decay_steps=10)(10))
0.0
"""
from hornet.api.optimizers.schedules import *  # noqa: F401,F403
from hornet.api.optimizers.schedules import __all__  # noqa: F401
