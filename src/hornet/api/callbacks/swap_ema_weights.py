"""``SwapEMAWeights``: evaluate (and, optionally, checkpoint) with the optimizer's moving-average weights.

>>> model.compile(optimizer=hornet.optimizers.SGD(use_ema=True), loss="mse")      # doctest: +SKIP
>>> model.fit(x, y, validation_data=(vx, vy), callbacks=[SwapEMAWeights()])       # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Iterator

from hornet.api.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Swaps the model's trainable weights with the optimizer's exponential moving averages (``use_ema=True``)
    around evaluation and prediction, and back afterwards, so metrics are computed with the averaged weights.

    Args:
        swap_on_epoch: also swap at the end of each epoch (and back at the start of the next), so callbacks
            placed after this one, e.g. ``ModelCheckpoint``, see the averaged weights. After the last epoch the
            averages stay in the model (``fit`` then writes them into the weights, as ``use_ema`` does anyway).

    The swap is in place: changing the weights or the averages in other callbacks while they are swapped gives
    undefined results.

    >>> callbacks = [SwapEMAWeights(swap_on_epoch=True), ModelCheckpoint("ema.weights.h5")]  # doctest: +SKIP
    """

    def __init__(self, swap_on_epoch: bool = False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _ema_optimizers(self) -> Iterator[Any]:
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # a LossScaleOptimizer's wrapped optimizer
        inner = getattr(optimizer, "optimizers", None)
        if inner is not None:
            with_ema = [opt for opt in inner if getattr(opt, "use_ema", False)]
            if not with_ema:
                raise ValueError("SwapEMAWeights must be used when at least one inner optimizer has `use_ema=True` "
                                 "set. Received an optimizer whose inner optimizers all have `use_ema=False`.")
            optimizers = with_ema
        else:
            optimizers = [optimizer]
        for opt in optimizers:
            if not hasattr(opt, "_model_variables_moving_average"):
                raise ValueError("SwapEMAWeights must be used when `use_ema=True` is set on the optimizer (and after "
                                 "it was built by a training step). Received: "
                                 f"use_ema={getattr(opt, 'use_ema', None)} on optimizer "
                                 f"'{getattr(opt, 'name', type(opt).__name__)}'")
            yield opt

    def _pairs(self) -> Iterator[tuple[Any, Any]]:
        for opt in self._ema_optimizers():
            for var, average in zip(opt._trainable_variables, opt._model_variables_moving_average):
                if average is not None:  # variables overwritten by their gradient have no average
                    yield var, average

    def _swap_variables(self) -> None:
        for var, average in list(self._pairs()):
            weights = var.numpy()
            var.assign(average.numpy())
            average.assign(weights)

    def _finalize_ema_values(self) -> None:
        # the averages now sit in the model; copy them back so fit's final use_ema overwrite keeps them
        for var, average in list(self._pairs()):
            average.assign(var.numpy())

    def _swap_in(self) -> None:
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def _swap_out(self) -> None:
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if self.swap_on_epoch:
            self._swap_out()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_in()
            if self.params and epoch == self.params.get("epochs", 0) - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs: dict | None = None) -> None:
        self._swap_in()

    def on_test_end(self, logs: dict | None = None) -> None:
        self._swap_out()

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._swap_in()

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._swap_out()
