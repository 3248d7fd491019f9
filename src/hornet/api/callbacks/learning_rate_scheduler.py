"""``LearningRateScheduler``: set the learning rate at the start of each epoch from ``schedule(epoch, lr)``.

>>> def schedule(epoch, lr):
...     return lr if epoch < 10 else lr * 0.9
>>> model.fit(x, y, epochs=15, callbacks=[LearningRateScheduler(schedule)])   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from hornet.api.callbacks._learning_rate import optimizers_of, read_learning_rate
from hornet.api.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """Calls ``schedule(epoch, current_lr)`` (or ``schedule(epoch)``) before each epoch and sets the result.

    Args:
        schedule: a function of the 0-based epoch index (and the current learning rate) returning a float.
        verbose: 1 prints each new learning rate.

    Also adds the current ``learning_rate`` to the epoch logs.
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: schedule must be callable, received {schedule!r}")
        self.schedule = schedule
        self.verbose = verbose

    def _update(self, optimizer: Any, epoch: int) -> float:
        current = read_learning_rate(optimizer, "LearningRateScheduler")
        try:
            rate = self.schedule(epoch, current)
        except TypeError:  # a one-argument schedule(epoch), the older form
            rate = self.schedule(epoch)
        if not isinstance(rate, (float, np.floating)):
            raise ValueError(f"LearningRateScheduler: the output of the `schedule` function should be a float. "
                             f"Got: {rate!r} of type {type(rate).__name__}")
        optimizer.learning_rate = float(rate)
        return float(rate)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        for suffix, optimizer in optimizers_of(self.model, "LearningRateScheduler"):
            rate = self._update(optimizer, epoch)
            if self.verbose > 0:
                label = f"{suffix[1:]} " if suffix else ""
                print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting {label}learning rate to {rate}.",
                      flush=True)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is None:
            return
        for suffix, optimizer in optimizers_of(self.model, "LearningRateScheduler"):
            logs[f"learning_rate{suffix}"] = read_learning_rate(optimizer, "LearningRateScheduler")
