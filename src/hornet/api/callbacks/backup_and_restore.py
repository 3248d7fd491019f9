"""BackupAndRestore: a ``fit`` that is killed resumes where its last backup left it (Keras 3's name and arguments).

Each backup holds the model's and optimizer's variables (weights, RNG seeds, slots, iteration count), the global
seed generator, the host RNG states that shuffle the data, and the epoch and batch reached. Rerun the same
script with the same callback and ``fit`` restores it, skips the epochs and batches already trained and ends
with exactly the weights of a run that was never interrupted (for data whose epochs are whole passes: arrays,
PyDatasets, restartable datasets). Unlike Keras, a backup taken mid-epoch (``save_freq=<int>``) resumes at that
batch instead of rerunning the epoch; the resumed epoch's metric logs count from the resume point.

Writing is crash-safe: the backup file is written and fsynced under a new name, then ``checkpoint.json`` (the
commit point) is atomically replaced to name it. A half-written backup is never named, so never picked up.
In a multi-process run, process 0 writes and every process restores (the directory must be shared).

>>> backup = BackupAndRestore("backup")                    # doctest: +SKIP
>>> model.fit(x, y, epochs=10, callbacks=[backup])         # killed at epoch 4; rerun: trains epochs 4..9
"""
from __future__ import annotations

import json
import os
import warnings
from typing import Any

from hornet.api.callbacks.callback import Callback
from hornet.api.callbacks.training_state import (host_rng_state, restore_state_arrays, set_host_rng_state,
                                                 state_arrays)
from hornet.ir.errors import HornetError
from hornet.runtime.processes import is_chief

POINTER = "checkpoint.json"
_PREFIX = "backup-"


class BackupAndRestore(Callback):
    """Back up the training state to ``backup_dir`` and restore it when ``fit`` starts again.

    Args:
        backup_dir: a directory used by this callback only.
        save_freq: ``"epoch"`` (after each epoch), an integer (every that many batches), or ``False``.
        double_checkpoint: keep the previous backup too, and fall back to it if the latest can't be read.
        delete_checkpoint: delete the backups when ``fit`` ends.

    >>> BackupAndRestore("backup", save_freq=100).save_freq
    100
    """

    def __init__(self, backup_dir: str, save_freq: Any = "epoch", double_checkpoint: bool = False,
                 delete_checkpoint: bool = True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if not (save_freq == "epoch" or save_freq is False or
                (isinstance(save_freq, int) and not isinstance(save_freq, bool) and save_freq > 0)):
            raise ValueError(f"Invalid value for argument `save_freq`. Received: save_freq={save_freq!r}. "
                             "Expected either 'epoch', a positive integer or False.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = bool(double_checkpoint)
        self.delete_checkpoint = bool(delete_checkpoint)
        self._epoch = 0
        self._batches_done = 0       # batches of the current epoch trained so far
        self._since_save = 0
        self._epoch_rng = ""          # host RNG state from which the current epoch draws its order
        self._skipped = 0

    # ---- fit hooks ----
    def on_train_begin(self, logs: dict | None = None) -> None:
        self._epoch_rng = host_rng_state()
        self._epoch, self._batches_done, self._since_save, self._skipped = 0, 0, 0, 0
        backup = self._read_latest()
        if backup is None:
            return
        arrays, meta, source = backup
        restore_state_arrays(self.model, arrays, json.loads(meta["paths"]), source)
        epoch, batch = int(meta["epoch"]), int(meta["batch"])
        set_host_rng_state(meta["rng"])
        self._epoch_rng = meta["rng"]
        self._skipped = batch
        # read by fit after on_train_begin: start at this epoch and batch; an epoch after the first draws its
        # order from the restored RNG, so the data pipeline starts a new pass
        self.model._resume_point = (epoch, batch, epoch > 0)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch = epoch
        self._batches_done, self._skipped = self._skipped, 0

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        done = batch + 1
        self._since_save += done - self._batches_done
        self._batches_done = done
        if isinstance(self.save_freq, int) and self.save_freq and self._since_save >= self.save_freq:
            self._save(self._epoch, done, self._epoch_rng)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch_rng = host_rng_state()  # what the next epoch's shuffle starts from
        self._batches_done = 0
        if self.save_freq == "epoch":
            self._save(epoch + 1, 0, self._epoch_rng)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.delete_checkpoint and is_chief():
            self._delete_backups()

    # ---- files ----
    def _path(self, name: str) -> str:
        return os.path.join(self.backup_dir, name)

    def _pointer(self) -> dict[str, Any] | None:
        path = self._path(POINTER)
        if not os.path.isfile(path):
            return None
        try:
            with open(path, "rb") as f:
                pointer = json.loads(f.read().decode("utf-8"))
            if not isinstance(pointer, dict) or not isinstance(pointer.get("file"), str):
                raise ValueError("no 'file' entry")
        except (OSError, ValueError, UnicodeDecodeError) as e:
            raise HornetError(f"BackupAndRestore: {path} is not a backup pointer ({e}); it is written by this "
                              "callback only: delete the backup directory to start over") from e
        return pointer

    def _read_latest(self) -> tuple[dict[str, Any], dict[str, str], str] | None:
        pointer = self._pointer()
        if pointer is None:
            return None
        try:
            return self._read(pointer["file"])
        except HornetError as e:
            previous = pointer.get("previous")
            if not (self.double_checkpoint and isinstance(previous, str)):
                raise
            warnings.warn(f"{e}; restoring the previous backup {previous} instead", stacklevel=3)
            return self._read(previous)

    def _read(self, name: str) -> tuple[dict[str, Any], dict[str, str], str]:
        from hornet.api.saving import tensors_file

        if os.path.basename(name) != name or not name.startswith(_PREFIX):
            raise HornetError(f"BackupAndRestore: {self._path(POINTER)} names {name!r}, not a backup file of "
                              "this directory")
        source = self._path(name)
        try:
            with open(source, "rb") as f:
                arrays, meta = tensors_file.parse(f.read(), file=source)
            missing = [k for k in ("epoch", "batch", "paths", "rng") if k not in meta]
            if missing:
                raise HornetError(f"it lacks the entries {', '.join(missing)}")
            int(meta["epoch"]), int(meta["batch"]), json.loads(meta["paths"]), json.loads(meta["rng"])
            return arrays, meta, source
        except (OSError, ValueError, HornetError) as e:
            raise HornetError(f"BackupAndRestore: can't read the backup {source}: {e}") from e

    def _save(self, epoch: int, batch: int, rng: str) -> None:
        from hornet.api.saving import tensors_file
        from hornet.api.saving.atomic_write import write_atomically

        self._since_save = 0
        arrays, paths = state_arrays(self.model)  # every process joins the host copy of shared arrays
        if not is_chief():
            return
        os.makedirs(self.backup_dir, exist_ok=True)
        name = f"{_PREFIX}e{epoch:05d}-b{batch:07d}.safetensors"
        meta = {"epoch": str(epoch), "batch": str(batch), "paths": json.dumps(paths), "rng": rng}
        data = tensors_file.dump(arrays, meta)
        write_atomically(self._path(name), lambda f: f.write(data))
        old = self._pointer()
        previous = old["file"] if old and self.double_checkpoint and old["file"] != name else None
        pointer = json.dumps({"file": name, "previous": previous}).encode()
        write_atomically(self._path(POINTER), lambda f: f.write(pointer))  # the commit point
        for other in os.listdir(self.backup_dir):
            if other.startswith(_PREFIX) and other not in (name, previous):
                os.remove(self._path(other))

    def _delete_backups(self) -> None:
        if not os.path.isdir(self.backup_dir):
            return
        for other in os.listdir(self.backup_dir):
            if other.startswith(_PREFIX) or other == POINTER:
                os.remove(self._path(other))
        if not os.listdir(self.backup_dir):
            os.rmdir(self.backup_dir)


__all__ = ["BackupAndRestore"]
