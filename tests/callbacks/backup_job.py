"""A small training job for the BackupAndRestore tests: run as a script (``python backup_job.py DIR KILL``) it
fits with a backup in DIR and, when KILL is ``epoch:batch``, kills its own process with SIGKILL after that
batch; imported, ``train()`` runs the same fit in-process."""
from __future__ import annotations

import os
import signal
import sys

import numpy as np

EPOCHS = 4


def train(backup_dir: str | None = None, save_freq="epoch", kill_at: tuple[int, int] | None = None) -> list:
    import hornet
    from hornet import callbacks, layers

    hornet.utils.set_random_seed(7)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 6)).astype("float32")
    y = rng.integers(0, 3, size=(60,))
    model = hornet.Sequential([hornet.Input((6,)), layers.Dense(16, activation="relu"), layers.Dropout(0.3),
                               layers.Dense(3)])
    schedule = hornet.optimizers.schedules.ExponentialDecay(0.05, decay_steps=3, decay_rate=0.8)
    model.compile(optimizer=hornet.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    cbs = []
    if backup_dir is not None:
        cbs.append(callbacks.BackupAndRestore(backup_dir, save_freq=save_freq, delete_checkpoint=False))
    if kill_at is not None:
        state = {"epoch": -1}

        def begin(epoch, logs=None):
            state["epoch"] = epoch

        def end(batch, logs=None):
            if (state["epoch"], batch) == kill_at:
                sys.stdout.flush()
                os.kill(os.getpid(), signal.SIGKILL)

        cbs.append(callbacks.LambdaCallback(on_epoch_begin=begin, on_train_batch_end=end))
    history = model.fit(x, y, batch_size=16, epochs=EPOCHS, shuffle=True, verbose=0, callbacks=cbs)
    print("EPOCHS_RUN", len(history.history["loss"]))
    return model.get_weights()


if __name__ == "__main__":
    directory, freq, kill = sys.argv[1], sys.argv[2], sys.argv[3]
    kill_at = tuple(int(p) for p in kill.split(":")) if kill != "none" else None
    weights = train(directory, "epoch" if freq == "epoch" else int(freq), kill_at)
    np.savez(os.path.join(directory, "final.npz"), *weights)
