"""``SeedGenerator``: RNG state as a Variable (uint32[2]), with Keras 3 semantics; ``draw_seed`` turns any
``seed=`` argument into a raw threefry key.

Inside ``hornet.jit`` (or a traced train step) the generator's state is an explicit graph input and its next
value an explicit graph output, written back after every call: a compiled step draws fresh numbers each time,
and re-seeding (a new generator, or ``gen.state.assign(...)``) replays the same sequence.

>>> gen = SeedGenerator(42)                                  # doctest: +SKIP
>>> a = hornet.random.normal((2,), seed=gen)
>>> b = hornet.random.normal((2,), seed=gen)                 # different numbers: the state advanced
"""
from __future__ import annotations

import itertools
import random as python_random
from typing import Any

import numpy as np

from hornet.api.ops import core
from hornet.api.random.threefry import check_key
from hornet.runtime.bind import bind
from hornet.runtime.variables import Variable

_MASK = 0xFFFFFFFF
_names = itertools.count()
_global: "SeedGenerator | None" = None


def _auto_name() -> str:
    n = next(_names)
    return "seed_generator" if n == 0 else f"seed_generator_{n}"


def make_default_seed() -> int:
    """A fresh seed for generators created without one (from Python's ``random``, as Keras)."""
    return python_random.randint(1, int(1e9))


class SeedGenerator:
    """A stateful source of seeds: ``next()`` returns the current key and advances the state.

    ``seed`` is an int (deterministic) or None (a random seed). ``state`` is a non-trainable uint32[2]
    Variable starting at ``[seed, 0]``, so ``seed=42`` draws the same numbers as Keras 3 on JAX.

    >>> gen = SeedGenerator(seed=1337)                         # doctest: +SKIP
    >>> hornet.random.dropout(x, 0.5, seed=gen)
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs: Any):
        kwargs.pop("backend", None)  # Keras accepts a backend module; hornet has one Variable type
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self.name = name or _auto_name()
        self._initial_seed = seed
        if seed is None:
            seed = make_default_seed()
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")
        self.state = Variable(np.array([int(seed) & _MASK, 0], np.uint32), trainable=False,
                              name=f"{self.name}_state")

    def next(self, ordered: bool = True) -> Any:
        """The current key (uint32[2]); the state then moves on (``ordered``: counter + 1, else a scramble)."""
        current = self.state.value
        if ordered:
            new = bind("add", current, np.array([0, 1], np.uint32), op="SeedGenerator.next")
        else:  # Keras's unordered step: a sequence of near-unique values below 933199
            step = bind("add", current, np.ones(2, np.uint32), op="SeedGenerator.next")
            step = bind("mul", step, np.full(2, 5387, np.uint32), op="SeedGenerator.next")
            new = bind("rem", step, np.full(2, 933199, np.uint32), op="SeedGenerator.next")
        self.state.assign(new)
        return current

    def get_config(self) -> dict[str, Any]:
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "SeedGenerator":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<SeedGenerator '{self.name}' seed={self._initial_seed}>"


def global_seed_generator() -> SeedGenerator:
    """The generator behind ``seed=None`` (created on first use). Its state is a Variable like any other, so
    unseeded draws also work inside ``hornet.jit`` (unlike Keras on JAX, which refuses them while tracing)."""
    global _global
    if _global is None:
        _global = SeedGenerator(name="global_seed_generator")
    return _global


def draw_seed(seed: Any) -> Any:
    """The raw key (uint32[2]) for a ``seed=`` argument: a SeedGenerator advances; an int gives
    ``[seed, 0]`` every time; None uses the global generator; a uint32[2] tensor is used as the key.

    >>> draw_seed(42)
    array([42,  0], dtype=uint32)
    """
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.array([int(seed) & _MASK, 0], np.uint32)
    if seed is None:
        return global_seed_generator().next(ordered=False)
    if core.is_tensor(seed) or isinstance(seed, np.ndarray):
        return check_key(seed, "draw_seed")
    raise ValueError("Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
                     f"Received: seed={seed} (of type {type(seed)})")


__all__ = ["SeedGenerator", "draw_seed", "global_seed_generator", "make_default_seed"]
