"""``ReduceLROnPlateau``: divide the learning rate when a monitored quantity stops improving.

>>> reduce_lr = ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5, min_lr=0.001)
>>> model.fit(x, y, validation_split=0.2, callbacks=[reduce_lr])          # doctest: +SKIP
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from hornet.api.callbacks._learning_rate import optimizers_of, read_learning_rate
from hornet.api.callbacks.monitor import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Multiplies ``model.optimizer.learning_rate`` by ``factor`` after ``patience`` epochs without improvement.

    Args:
        monitor: the logged quantity to watch. Default ``"val_loss"``.
        factor: the multiplier (< 1): ``new_lr = max(lr * factor, min_lr)``.
        patience: epochs without improvement before a reduction.
        verbose: 1 prints each reduction.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        min_delta: a change smaller than this is not an improvement.
        cooldown: epochs to wait after a reduction before counting epochs without improvement again.
        min_lr: the learning rate is never reduced below this.

    Also adds the current ``learning_rate`` to the epoch logs (so ``History`` records it).
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0,
                 **kwargs: Any):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0 (it would not reduce the "
                             f"learning rate). Received factor={factor}")
        if kwargs:
            warnings.warn(f"ReduceLROnPlateau: ignoring unknown arguments {sorted(kwargs)}", stacklevel=2)
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._reset()

    def _reduce(self, optimizer: Any, epoch: int, name: str) -> bool:
        old_lr = read_learning_rate(optimizer, "ReduceLROnPlateau")
        if old_lr <= np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            label = f" {name[1:]}" if name else ""
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{label} learning rate to {new_lr}.", flush=True)
        return True

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs if logs is not None else {}
        optimizers = optimizers_of(self.model, "ReduceLROnPlateau")
        for suffix, optimizer in optimizers:
            logs[f"learning_rate{suffix}"] = read_learning_rate(optimizer, "ReduceLROnPlateau")
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric `{self.monitor}`, which is not "
                          f"available. Available metrics are: {','.join(logs)}.", stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                reduced = False
                for suffix, optimizer in optimizers:
                    reduced = self._reduce(optimizer, epoch, suffix) or reduced
                if reduced:
                    self.cooldown_counter = self.cooldown
                    self.wait = 0
