"""AdamW: Adam with decoupled weight decay (``w -= lr * weight_decay * w`` before each Adam step).

>>> opt = AdamW(learning_rate=1e-3, weight_decay=0.004)
"""
from __future__ import annotations

from typing import Any

from hornet.api.optimizers.adam import Adam


class AdamW(Adam):
    """Adam plus decoupled weight decay; ``weight_decay`` is required (default 0.004).

    >>> opt = AdamW(weight_decay=0.01)
    >>> opt.exclude_from_weight_decay(var_names=["bias"])
    """

    def __init__(self, learning_rate: Any = 0.001, weight_decay: float = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False, **kwargs: Any):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, **kwargs)
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")


__all__ = ["AdamW"]
