"""OrbaxCheckpoint: periodic, background, keep-N checkpoints of a model's sharded state with orbax-checkpoint
(Keras 3's name and arguments; the JAX backend). ``model.load_weights(directory)`` restores the newest step onto
the model's current variable layouts, whatever mesh saved it.

Each step folder holds the model's variables and, unless ``save_weights_only``, the optimizer's. Steps are the
epoch (``save_freq="epoch"``) or the number of batches trained (``save_freq=<int>``), as in Keras.

>>> ckpt = OrbaxCheckpoint("ckpt", save_freq=100, max_to_keep=3)       # doctest: +SKIP
>>> model.fit(x, y, epochs=5, callbacks=[ckpt])                        # doctest: +SKIP
>>> model.load_weights("ckpt")                                          # the newest step
"""
from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from hornet.api.callbacks.monitor import MonitorCallback
from hornet.api.callbacks.training_state import state_variables
from hornet.ir.errors import HornetError
from hornet.runtime.backend import current_backend, get_backend


def _jax_only(model: Any, what: str) -> None:
    name = getattr(model, "_backend_name", None)
    backend = get_backend(name) if name else current_backend()
    if backend.name != "jax":
        raise HornetError(f"{what} uses orbax-checkpoint, which runs on the JAX backend only (this model runs on "
                          f"{backend.name}); use BackupAndRestore or ModelCheckpoint there")


def checkpoint_tree(model: Any, weights_only: bool) -> dict[str, Any]:
    """The arrays a step holds: ``w00000``... (the model's weights) or ``v00000``... (every variable of the model
    and its optimizer)."""
    if weights_only:
        return {f"w{i:05d}": v.value for i, v in enumerate(model.weights)}
    return {f"v{i:05d}": v.value for i, v in enumerate(state_variables(model))}


def is_orbax_directory(directory: str) -> bool:
    """Whether ``directory`` holds orbax step folders (numbered, with orbax's metadata file)."""
    if not os.path.isdir(directory):
        return False
    return any(name.isdigit() and os.path.isfile(os.path.join(directory, name, "_CHECKPOINT_METADATA"))
               for name in os.listdir(directory))


def load_orbax_checkpoint(model: Any, directory: str, step: int | None = None) -> None:
    """Assign a step of an OrbaxCheckpoint directory (the newest by default) to ``model``'s variables."""
    from hornet.runtime import orbax_store

    _jax_only(model, "loading an orbax checkpoint")
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and not getattr(optimizer, "built", True):
        optimizer.build(model.trainable_variables)  # its slots exist before they are restored
    full = state_variables(model)
    errors = []
    for variables, prefix in ((full, "v"), (list(model.weights), "w")):
        targets = {f"{prefix}{i:05d}": v.value for i, v in enumerate(variables)}
        try:
            restored = orbax_store.restore(directory, targets, step)
        except HornetError as e:
            errors.append(str(e))
            continue
        for i, v in enumerate(variables):
            v.assign(restored[f"{prefix}{i:05d}"])
        return
    raise HornetError(f"can't load the orbax checkpoint {directory} into model '{model.name}': {errors[-1]}")


class OrbaxCheckpoint(MonitorCallback):
    """Save the model's (and optimizer's) state to numbered orbax steps under ``directory`` during ``fit``.

    Args:
        directory: the checkpoint directory (one step folder per save).
        monitor, mode, initial_value_threshold, save_best_only: as ModelCheckpoint.
        verbose: 1 prints a line per save.
        save_freq: ``"epoch"`` or a number of batches.
        max_to_keep: how many of the newest steps to keep (None: all).
        save_on_background: write while training goes on (``wait_until_finished()`` blocks until written).
        save_weights_only: save the model's weights only, not the optimizer's state.

    >>> OrbaxCheckpoint("ckpt", max_to_keep=2).max_to_keep      # doctest: +SKIP
    2
    """

    def __init__(self, directory: str, monitor: str = "val_loss", verbose: int = 0, save_best_only: bool = False,
                 mode: str = "auto", save_freq: Any = "epoch", initial_value_threshold: float | None = None,
                 max_to_keep: int | None = 1, save_on_background: bool = True, save_weights_only: bool = False):
        super().__init__(monitor, mode, initial_value_threshold)
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)
                                     or save_freq <= 0):
            raise ValueError(f"OrbaxCheckpoint: save_freq must be 'epoch' or a positive integer (a number of "
                             f"batches), received save_freq={save_freq!r}")
        if max_to_keep is not None and (not isinstance(max_to_keep, int) or max_to_keep <= 0):
            raise ValueError(f"OrbaxCheckpoint: max_to_keep must be a positive integer or None, received "
                             f"{max_to_keep!r}")
        self.directory = os.fspath(directory)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_freq = save_freq
        self.max_to_keep = max_to_keep
        self.save_on_background = save_on_background
        self.save_weights_only = save_weights_only
        self._store: Any = None
        self._since_save = 0
        self._last_batch: int | None = None
        self._total_batches = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        from hornet.runtime.orbax_store import OrbaxStore

        _jax_only(self.model, "OrbaxCheckpoint")
        if self._store is None:
            self._store = OrbaxStore(self.directory, self.max_to_keep, self.save_on_background)
        optimizer = getattr(self.model, "optimizer", None)
        iterations = getattr(optimizer, "iterations", None)
        self._total_batches = int(np.asarray(iterations.numpy())) if hasattr(iterations, "numpy") else 0

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        done = batch + 1 if self._last_batch is None or batch <= self._last_batch else batch - self._last_batch
        self._last_batch = batch
        self._total_batches += done
        if self.save_freq == "epoch":
            return
        self._since_save += done
        if self._since_save >= self.save_freq:
            self._since_save = 0
            self._maybe_save(self._total_batches, logs, f"batch {self._total_batches}")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._last_batch = None
        if self.save_freq == "epoch":
            self._maybe_save(epoch, logs, f"epoch {epoch + 1}")

    def on_train_end(self, logs: dict | None = None) -> None:
        self.wait_until_finished()

    def wait_until_finished(self) -> None:
        """Block until every background save is on disk."""
        if self._store is not None:
            self._store.wait()

    def _maybe_save(self, step: int, logs: dict | None, when: str) -> None:
        if self.save_best_only:
            current = (logs or {}).get(self.monitor)
            if current is None:
                warnings.warn(f"OrbaxCheckpoint: can save the best model only with {self.monitor} available, "
                              f"skipping the save at {when}", stacklevel=3)
                return
            if not self.is_improvement(float(np.asarray(current)), self.best):
                return
            self.best = float(np.asarray(current))
        if self.verbose > 0:
            print(f"\n{when[0].upper()}{when[1:]}: saving orbax checkpoint step {step} to {self.directory}",
                  flush=True)
        self._store.save(step, checkpoint_tree(self.model, self.save_weights_only))


__all__ = ["OrbaxCheckpoint", "load_orbax_checkpoint", "checkpoint_tree", "is_orbax_directory"]
