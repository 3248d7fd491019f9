"""``ProgbarLogger``: the progress bar of ``fit``/``evaluate``/``predict`` (added by the loops when verbose != 0).

>>> cb = ProgbarLogger()
>>> cb.set_params({"verbose": 2, "epochs": 1, "steps": 2})
>>> cb.on_epoch_begin(0); cb.on_train_batch_end(1, {"loss": 0.5}); cb.on_epoch_end(0, {"loss": 0.5})  # doctest: +SKIP
2/2 - 0s - 1ms/step - loss: 0.5000
"""
from __future__ import annotations

from typing import Any

from hornet.api.callbacks.callback import Callback
from hornet.api.callbacks.progbar import Progbar


class ProgbarLogger(Callback):
    """Prints ``Epoch i/n`` and a progress bar per epoch (verbose 1) or one line per epoch (verbose 2).

    Reads ``verbose``, ``epochs`` and ``steps`` (steps per epoch, None if unknown) from the loop's params.
    Logs already hold running averages, so values are shown as given. Batch values stay device arrays
    until a line is drawn.
    """

    _accepts_raw_batch_logs = True

    def __init__(self) -> None:
        super().__init__()
        self.seen = 0
        self.progbar: Progbar | None = None
        self.target: int | None = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1) or 1
        self.target = params.get("steps")

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._called_in_fit = True  # validation inside fit draws no bar of its own

    def on_test_begin(self, logs: dict | None = None) -> None:
        if not self._called_in_fit:
            self._reset()

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._reset()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._reset()
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._update(batch, logs)

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if not self._called_in_fit:
            self._update(batch, logs)

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._update(batch, None)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._finalize(logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        if not self._called_in_fit:
            self._finalize(logs)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._finalize(logs)

    def on_train_end(self, logs: dict | None = None) -> None:
        self._called_in_fit = False

    def _reset(self) -> None:
        self.seen = 0
        self.progbar = None
        self._bar()  # starts the clock

    def _bar(self) -> Progbar:
        if self.progbar is None:
            self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step",
                                   stateless_metrics=set())
        return self.progbar

    def _update(self, batch: int, logs: dict | None) -> None:
        bar = self._bar()
        self.seen = batch + 1
        if self.verbose == 1:
            bar.update(self.seen, list((logs or {}).items()), finalize=False)

    def _finalize(self, logs: dict | None) -> None:
        bar = self._bar()
        if self.target is None:
            self.target = self.seen
            bar.target = self.seen
        bar.update(self.target, list((logs or {}).items()), finalize=True)
