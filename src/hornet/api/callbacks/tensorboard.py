"""``TensorBoard``: write training curves as TensorBoard event files (no TensorFlow needed).

>>> tb = TensorBoard(log_dir="./logs")
>>> model.fit(x, y, validation_split=0.2, epochs=5, callbacks=[tb])      # doctest: +SKIP
$ tensorboard --logdir ./logs
"""
from __future__ import annotations

import os
import time
import warnings
from typing import Any

from hornet.api.callbacks._learning_rate import optimizers_of
from hornet.api.callbacks.callback import Callback, to_float
from hornet.api.callbacks.event_file import EventFileWriter
from hornet.runtime.processes import is_chief


def _scalars(logs: dict | None) -> dict[str, float]:
    out = {}
    for name, value in (logs or {}).items():
        try:
            out[name] = to_float(value)
        except (TypeError, ValueError):
            continue  # not a scalar: nothing to plot
    return out


class TensorBoard(Callback):
    """Writes ``epoch_<name>`` scalars to ``log_dir/train`` and ``log_dir/validation`` (``val_`` names), like Keras.

    Args:
        log_dir: the directory TensorBoard is pointed at.
        histogram_freq: every that many epochs, write a histogram of each layer weight (0: never).
        write_graph, write_images, profile_batch, embeddings_freq, embeddings_metadata: accepted for Keras
            compatibility; graphs, weight images, profiling and embeddings are not written.
        write_steps_per_second: also write ``epoch_steps_per_second``.
        update_freq: ``"epoch"``, ``"batch"``, or an integer N: also write ``batch_<name>`` scalars every N
            training batches (step = global batch count). Each write reads the batch values from the device.

    The learning rate is written as ``epoch_learning_rate``; after each evaluation inside ``fit``,
    ``evaluation_<name>_vs_iterations`` goes to the validation directory with the optimizer's step count.
    """

    _accepts_raw_batch_logs = True

    def __init__(self, log_dir: str | os.PathLike = "logs", histogram_freq: int = 0, write_graph: bool = True,
                 write_images: bool = False, write_steps_per_second: bool = False, update_freq: str | int = "epoch",
                 profile_batch: int = 0, embeddings_freq: int = 0, embeddings_metadata: Any = None):
        super().__init__()
        update_freq = 1 if update_freq == "batch" else update_freq
        if update_freq != "epoch" and (not isinstance(update_freq, int) or isinstance(update_freq, bool)
                                       or update_freq <= 0):
            raise ValueError(f"TensorBoard: update_freq must be 'epoch', 'batch' or a positive integer, "
                             f"received update_freq={update_freq!r}")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self.profile_batch = profile_batch
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        unsupported = [name for name, on in (("write_images", write_images), ("profile_batch", profile_batch),
                                             ("embeddings_freq", embeddings_freq)) if on]
        if unsupported:
            warnings.warn(f"TensorBoard: {', '.join(unsupported)} not supported by hornet; ignored.", stacklevel=2)
        self._writers: dict[str, EventFileWriter] = {}
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._epoch_start_time = 0.0
        self._epoch_start_batch = 0

    @property
    def _train_dir(self) -> str:
        return os.path.join(self.log_dir, "train")

    @property
    def _val_dir(self) -> str:
        return os.path.join(self.log_dir, "validation")

    def _writer(self, which: str) -> EventFileWriter:
        writer = self._writers.get(which)
        if writer is None or writer.closed:
            writer = self._writers[which] = EventFileWriter(self._train_dir if which == "train" else self._val_dir)
        return writer

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        self._close_writers()

    # -- hooks -------------------------------------------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        self._global_train_batch = 0

    def on_train_end(self, logs: dict | None = None) -> None:
        self._close_writers()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch_start_time = time.time()
        self._epoch_start_batch = self._global_train_batch

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._global_train_batch += 1

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq or not is_chief():
            return  # (a multi-process run writes event files once, from process 0)
        writer = self._writer("train")
        for name, value in _scalars(logs).items():
            writer.add_scalar(f"batch_{name}", value, step=self._global_train_batch)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._global_test_batch += 1

    def on_test_end(self, logs: dict | None = None) -> None:
        optimizer = getattr(self.model, "optimizer", None)
        iterations = getattr(optimizer, "iterations", None) if optimizer is not None else None
        if iterations is None or not is_chief():
            return
        step = int(to_float(iterations))
        writer = self._writer("validation")
        for name, value in _scalars(logs).items():
            writer.add_scalar(f"evaluation_{name}_vs_iterations", value, step=step)
        writer.flush()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if not is_chief():
            return
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)

    # -- writing -----------------------------------------------------------------------------------------------
    def _learning_rates(self) -> dict[str, float]:
        if getattr(self.model, "optimizer", None) is None:
            return {}
        rates = {}
        for suffix, optimizer in optimizers_of(self.model, "TensorBoard"):
            try:
                rates[f"learning_rate{suffix}"] = to_float(optimizer.learning_rate)
            except (AttributeError, TypeError, ValueError):
                continue
        return rates

    def _log_epoch_metrics(self, epoch: int, logs: dict | None) -> None:
        scalars = _scalars(logs)
        train = {k: v for k, v in scalars.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in scalars.items() if k.startswith("val_")}
        if not scalars:
            return
        train.update(self._learning_rates())
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-9)
            train["steps_per_second"] = (self._global_train_batch - self._epoch_start_batch) / elapsed
        for which, values in (("train", train), ("validation", val)):
            if values:
                writer = self._writer(which)
                for name, value in values.items():
                    writer.add_scalar(f"epoch_{name}", value, step=epoch)
                writer.flush()

    def _log_weights(self, epoch: int) -> None:
        import numpy as np

        writer = self._writer("train")
        for layer in getattr(self.model, "layers", None) or []:
            for weight in getattr(layer, "weights", None) or []:
                name = str(getattr(weight, "path", None) or getattr(weight, "name", "weight")).replace(":", "_")
                writer.add_histogram(f"{name}/histogram", weight.numpy() if hasattr(weight, "numpy") else
                                     np.asarray(weight), step=epoch)
        writer.flush()
