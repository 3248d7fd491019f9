"""``hornet.random``: the ``keras.random`` API (``normal``, ``uniform``, ``randint``, ``truncated_normal``,
``dropout``, ``shuffle``, ``categorical``, ``gamma``, ``beta``, ``binomial``, ``SeedGenerator``) plus raw threefry keys
(``key``, ``split``, ``fold_in``, ``bits``), bit-compatible with ``jax.random``.

>>> import hornet.random
>>> gen = hornet.random.SeedGenerator(42)
>>> hornet.random.uniform((2,), seed=gen).shape               # doctest: +SKIP
(2,)
"""
from hornet.api.random import *  # noqa: F401,F403
from hornet.api.random import __all__  # noqa: F401
