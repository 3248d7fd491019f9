"""BackupAndRestore: a fit killed with SIGKILL and rerun resumes and ends with exactly the weights of a fit that
was never interrupted; crash-safe files; clear errors for corrupt or mismatched backups."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import hornet
from hornet import callbacks, layers
from hornet.ir.errors import HornetError

from backup_job import EPOCHS, train

JOB = os.path.join(os.path.dirname(__file__), "backup_job.py")


def _run_job(directory, backend, freq, kill):
    env = dict(os.environ, HORNET_BACKEND=backend,
               PYTHONPATH=os.pathsep.join([os.path.dirname(JOB)] + sys.path))
    return subprocess.run([sys.executable, JOB, str(directory), freq, kill], env=env, capture_output=True,
                          text=True, timeout=300)


# (save_freq, kill after (epoch, batch)): an epoch-end backup (epoch 2 reruns from its start), and one taken
# mid-epoch (every 3 of the 4 batches an epoch has: the kill after batch 2 of epoch 2 leaves the backup taken
# after its batch 0, so the resumed fit skips one batch); either way the resumed fit runs epochs 2 and 3.
# Skipping batches is backend-neutral code: the mid-epoch case runs on JAX only, to bound the suite's time.
@pytest.mark.parametrize("backend,freq,kill", [("jax", "epoch", "2:1"), ("torch", "epoch", "2:1"),
                                               ("tensorflow", "epoch", "2:1"), ("jax", "3", "2:2")],
                         indirect=["backend"])
def test_killed_fit_resumes_to_the_uninterrupted_weights(tmp_path, backend, freq, kill):
    killed = _run_job(tmp_path, backend, freq, kill)
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert os.path.isfile(tmp_path / "checkpoint.json")
    resumed = _run_job(tmp_path, backend, freq, "none")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"EPOCHS_RUN {EPOCHS - 2}" in resumed.stdout
    with np.load(tmp_path / "final.npz") as f:
        got = [f[f"arr_{i}"] for i in range(len(f.files))]
    want = train()  # the same job in this process, never interrupted
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def _model():
    model = hornet.Sequential([hornet.Input((3,)), layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


def _data():
    rng = np.random.default_rng(1)
    return rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")


class _Interrupt(callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("Interrupting!")


def test_resumes_at_the_epoch_and_deletes_its_files(tmp_path):
    x, y = _data()
    backup = callbacks.BackupAndRestore(str(tmp_path / "b"))
    model = _model()
    with pytest.raises(RuntimeError, match="Interrupting"):
        model.fit(x, y, epochs=10, batch_size=4, verbose=0, callbacks=[backup, _Interrupt(4)])
    names = sorted(os.listdir(tmp_path / "b"))
    assert names == ["backup-e00004-b0000000.safetensors", "checkpoint.json"]
    history = _model().fit(x, y, epochs=10, batch_size=4, verbose=0, callbacks=[backup])
    assert len(history.history["loss"]) == 6  # as Keras's own example: epochs 4..9
    assert not os.path.exists(tmp_path / "b")  # delete_checkpoint=True


def test_half_written_backup_is_never_picked_up(tmp_path):
    x, y = _data()
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "backup-e00009-b0000000.safetensors").write_bytes(b"torn")  # written, never committed
    history = _model().fit(x, y, epochs=2, batch_size=4, verbose=0,
                           callbacks=[callbacks.BackupAndRestore(str(folder), delete_checkpoint=False)])
    assert len(history.history["loss"]) == 2
    assert json.loads((folder / "checkpoint.json").read_text())["file"] == "backup-e00002-b0000000.safetensors"


def test_corrupt_backup_is_an_error_or_falls_back_to_the_previous(tmp_path):
    x, y = _data()
    folder = tmp_path / "b"
    _model().fit(x, y, epochs=3, batch_size=4, verbose=0,
                 callbacks=[callbacks.BackupAndRestore(str(folder), double_checkpoint=True,
                                                       delete_checkpoint=False)])
    pointer = json.loads((folder / "checkpoint.json").read_text())
    assert pointer == {"file": "backup-e00003-b0000000.safetensors",
                       "previous": "backup-e00002-b0000000.safetensors"}
    latest = folder / pointer["file"]
    latest.write_bytes(latest.read_bytes()[:50])
    with pytest.raises(HornetError, match="can't read the backup .*backup-e00003"):
        _model().fit(x, y, epochs=4, batch_size=4, verbose=0, callbacks=[callbacks.BackupAndRestore(str(folder))])
    with pytest.warns(UserWarning, match="restoring the previous backup"):
        history = _model().fit(x, y, epochs=4, batch_size=4, verbose=0,
                               callbacks=[callbacks.BackupAndRestore(str(folder), double_checkpoint=True)])
    assert len(history.history["loss"]) == 2  # epochs 2 and 3


def test_hostile_pointer_and_other_model_are_errors(tmp_path):
    x, y = _data()
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "checkpoint.json").write_text(json.dumps({"file": "../../etc/passwd"}))
    with pytest.raises(HornetError, match="not a backup file of this directory"):
        _model().fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.BackupAndRestore(str(folder))])
    (folder / "checkpoint.json").write_text("{not json")
    with pytest.raises(HornetError, match="not a backup pointer"):
        _model().fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.BackupAndRestore(str(folder))])
    os.remove(folder / "checkpoint.json")
    _model().fit(x, y, epochs=1, verbose=0,
                 callbacks=[callbacks.BackupAndRestore(str(folder), delete_checkpoint=False)])
    other = hornet.Sequential([hornet.Input((3,)), layers.Dense(4), layers.Dense(2)])
    other.compile(optimizer="adam", loss="mse")
    with pytest.raises(HornetError, match="compile\\(\\) arguments changed"):
        other.fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.BackupAndRestore(str(folder))])


@pytest.mark.parametrize("backend", ["jax"])  # argument checks only
def test_bad_arguments():
    with pytest.raises(ValueError, match="backup_dir"):
        callbacks.BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.BackupAndRestore("b", save_freq="batch")
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.BackupAndRestore("b", save_freq=0)
