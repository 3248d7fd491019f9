"""``TerminateOnNaN``: stop training as soon as a batch's loss is NaN or infinite.

>>> model.fit(x, y, callbacks=[TerminateOnNaN()])                          # doctest: +SKIP
"""
from __future__ import annotations

import math

from hornet.api.callbacks.callback import Callback, to_float


class TerminateOnNaN(Callback):
    """Sets ``model.stop_training`` (or raises, with ``raise_error=True``) when the loss is NaN or Inf.

    Reads only ``logs["loss"]`` of each training batch (one device sync per batch for that scalar).
    """

    _accepts_raw_batch_logs = True

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        value = to_float(loss)
        if math.isnan(value) or math.isinf(value):
            if self.raise_error:
                raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {value}. "
                                   "Terminating training immediately.")
            print(f"Batch {batch}: Invalid loss, terminating training", flush=True)
            self.model.stop_training = True
