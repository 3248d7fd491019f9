"""Random numbers: counter-based Threefry-2x32 keys (``threefry``), key-level samplers matching ``jax.random``
(``samplers``, ``compound``), and the Keras-style API with ``seed=`` (``distributions``, ``SeedGenerator``).

>>> from hornet.api import random
>>> random.normal((2,), seed=0).shape                       # doctest: +SKIP
(2,)
"""
from hornet.api.random.distributions import (beta, binomial, categorical, dropout, gamma, normal, randint, shuffle,
                                             truncated_normal, uniform)
from hornet.api.random.seed_generator import SeedGenerator, draw_seed
from hornet.api.random.threefry import bits, fold_in, key, split, threefry2x32

__all__ = ["beta", "binomial", "categorical", "dropout", "gamma", "normal", "randint", "shuffle",
           "truncated_normal", "uniform", "SeedGenerator", "draw_seed", "key", "split", "fold_in", "bits",
           "threefry2x32"]
