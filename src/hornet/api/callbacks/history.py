"""``History``: records the epoch logs of ``fit``; ``fit`` returns it (also as ``model.history``).

>>> h = History()
>>> h.on_train_begin(); h.on_epoch_end(0, {"loss": 0.5})
>>> h.history
{'loss': [0.5]}
"""
from __future__ import annotations

from typing import Any

from hornet.api.callbacks.callback import Callback


class History(Callback):
    """Collects every epoch's logs: ``history[name]`` is the list of values, ``epoch`` the epoch indices.

    >>> history = model.fit(x, y, epochs=3)                      # doctest: +SKIP
    >>> history.history["loss"]                                  # doctest: +SKIP
    [0.91, 0.54, 0.33]
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[Any]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        model = self.model
        if model is not None:
            model.history = self
