"""``ModelCheckpoint``: save the model (or its weights) during ``fit``, every epoch or only on improvement.

>>> ckpt = ModelCheckpoint("ckpt/model-{epoch:02d}-{val_loss:.2f}.hornet", save_best_only=True)
>>> model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[ckpt])     # doctest: +SKIP
"""
from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from hornet.api.callbacks.monitor import MonitorCallback
from hornet.api.callbacks.callback import pythonify_logs
from hornet.runtime.processes import is_chief

# What hornet's model.save / model.save_weights write (hornet.api.saving).
MODEL_SUFFIXES = (".hornet", ".keras")
WEIGHTS_SUFFIXES = (".weights.safetensors",)


class ModelCheckpoint(MonitorCallback):
    """Saves with ``model.save`` (or ``model.save_weights``) to ``filepath``, formatted with the epoch and logs.

    Args:
        filepath: where to save; may hold ``{epoch}`` (1-based), ``{batch}`` (with an integer ``save_freq``)
            and any logged name with a format spec, e.g. ``"w-{epoch:02d}-{val_loss:.2f}.weights.safetensors"``.
            Must end in ``.hornet`` or ``.keras`` (whole model), or ``.weights.safetensors`` (weights only):
            the formats of hornet's ``model.save`` and ``model.save_weights``.
        monitor: the quantity compared when ``save_best_only``.
        verbose: 1 prints a message at each decision.
        save_best_only: save only when ``monitor`` improves on the best value so far.
        save_weights_only: save the weights only.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        save_freq: ``"epoch"``, or an integer: save every that many training batches.
        initial_value_threshold: the best value to beat at the start (with ``save_best_only``).
    """

    _accepts_raw_batch_logs = True

    def __init__(self, filepath: str | os.PathLike, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False, mode: str = "auto",
                 save_freq: str | int = "epoch", initial_value_threshold: float | None = None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen: int | None = None
        self._current_epoch = 0
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)
                                     or save_freq <= 0):
            raise ValueError(f"ModelCheckpoint: save_freq must be 'epoch' or a positive integer (a number of "
                             f"batches), received save_freq={save_freq!r}")
        if save_weights_only and not self.filepath.endswith(WEIGHTS_SUFFIXES):
            raise ValueError("ModelCheckpoint: with save_weights_only=True the filepath must end in "
                             f"{' or '.join(WEIGHTS_SUFFIXES)}, received filepath={self.filepath!r}")
        if not save_weights_only and not self.filepath.endswith(MODEL_SUFFIXES):
            raise ValueError(f"ModelCheckpoint: the filepath must end in {' or '.join(MODEL_SUFFIXES)} (a whole "
                             f"model file), received filepath={self.filepath!r}")

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, pythonify_logs(logs))

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs or {})

    def _should_save_on_batch(self, batch: int) -> bool:
        if self.save_freq == "epoch":
            return False
        # Batch indices restart at 0 each epoch.
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            self._batches_seen_since_last_saving += batch + 1
        else:
            self._batches_seen_since_last_saving += batch - self._last_batch_seen
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _get_file_path(self, epoch: int, batch: int | None, logs: dict[str, Any]) -> str:
        fields = dict(logs)
        fields["epoch"] = epoch + 1
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as e:
            raise KeyError(f'ModelCheckpoint: failed to format the filepath "{self.filepath}": {e} is not '
                           f"a logged quantity (available: epoch{', batch' if batch is not None else ''}, "
                           f"{', '.join(logs)})") from None

    def _should_save(self, epoch: int, logs: dict[str, Any], filepath: str) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}", flush=True)
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"ModelCheckpoint: can save the best model only with {self.monitor} available; "
                          "saving anyway.", stacklevel=3)
            return True
        if np.ndim(current) > 0:
            warnings.warn(f"ModelCheckpoint: can save the best model only when `monitor` is a scalar, received "
                          f"{current}; saving anyway.", stacklevel=3)
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self.is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {current:.5f}, saving model "
                      f"to {filepath}", flush=True)
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}", flush=True)
        return False

    def _save_model(self, epoch: int, batch: int | None, logs: dict[str, Any]) -> None:
        filepath = self._get_file_path(epoch, batch, logs)
        if os.path.isdir(filepath):
            raise IsADirectoryError(f"ModelCheckpoint: the filepath is an existing directory: {filepath!r}; "
                                    "give a file path.")
        if not self._should_save(epoch, logs, filepath) or not is_chief():  # multi-process: process 0 saves
            return
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}", flush=True)
