"""``set_random_seed``: one call seeds Python, NumPy, hornet's global SeedGenerator (and TF/torch when loaded).

>>> import numpy as np
>>> set_random_seed(1337); a = np.random.rand(); set_random_seed(1337); a == np.random.rand()
True
"""
from __future__ import annotations

import random as python_random
import sys

import numpy as np

_seed: int | None = None


def set_random_seed(seed: int) -> None:
    """Seed every source of randomness a hornet program uses, for reproducible runs.

    Seeds Python's ``random`` and NumPy's global RNG (used by ``fit(shuffle=True)``), and resets hornet's global
    ``SeedGenerator`` (behind ``hornet.random`` calls without ``seed=``) to ``SeedGenerator(seed)``. TensorFlow
    (``tf.data`` shuffles) and torch (``DataLoader`` shuffles) are seeded too when already imported; hornet never
    imports them just to seed them.

    >>> set_random_seed(42)   # doctest: +SKIP
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed} (of type {type(seed)})")
    global _seed
    _seed = seed
    # The generator first: its first creation may import and initialize modules that draw from NumPy.
    from hornet.api.random import seed_generator

    seed_generator._global = seed_generator.SeedGenerator(seed, name="global_seed_generator")
    python_random.seed(seed)
    np.random.seed(seed % (2**32))  # NumPy's legacy seeding accepts 0 <= seed < 2**32 only
    if "tensorflow" in sys.modules:
        sys.modules["tensorflow"].random.set_seed(seed)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)


def get_random_seed() -> int | None:
    """The seed last given to :func:`set_random_seed`, or None."""
    return _seed


__all__ = ["get_random_seed", "set_random_seed"]
