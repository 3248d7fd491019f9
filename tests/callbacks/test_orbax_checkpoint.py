"""OrbaxCheckpoint (JAX backend): numbered steps, keep-N, background writes, load_weights of the newest step
with the optimizer's state; a clear error on the other backends. Restoring onto another mesh is checked with 8
devices in tests/distribution/spmd_checks.py."""
import os

import numpy as np
import pytest

import hornet
from hornet import callbacks, layers
from hornet.api.saving.file_errors import ModelFileError
from hornet.ir.errors import HornetError

RNG = np.random.default_rng(3)
X = RNG.normal(size=(24, 4)).astype("float32")
Y = RNG.normal(size=(24, 2)).astype("float32")


def _model():
    model = hornet.Sequential([hornet.Input((4,)), layers.Dense(5, activation="relu"), layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


def _steps(directory):
    return sorted(int(n) for n in os.listdir(directory) if n.isdigit())


@pytest.mark.parametrize("backend", ["jax"], indirect=True)
@pytest.mark.parametrize("background", [True, False])
def test_epoch_steps_keep_the_newest_and_reload_with_optimizer_state(tmp_path, background):
    model = _model()
    ckpt = callbacks.OrbaxCheckpoint(str(tmp_path / "c"), max_to_keep=2, save_on_background=background)
    model.fit(X, Y, batch_size=8, epochs=3, verbose=0, callbacks=[ckpt])
    assert _steps(tmp_path / "c") == [1, 2]  # steps are epochs; max_to_keep=2
    fresh = _model()
    fresh.fit(X[:8], Y[:8], batch_size=8, epochs=1, verbose=0)  # other weights and slots
    fresh.load_weights(str(tmp_path / "c"))
    for a, b in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(fresh.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a.value), np.asarray(b.value))


@pytest.mark.parametrize("backend", ["jax"], indirect=True)
def test_batch_steps_count_batches_and_weights_only_loads(tmp_path):
    model = _model()
    ckpt = callbacks.OrbaxCheckpoint(str(tmp_path / "c"), save_freq=2, max_to_keep=None, save_weights_only=True)
    model.fit(X, Y, batch_size=8, epochs=2, verbose=0, callbacks=[ckpt])  # 3 batches an epoch: 6 in all
    assert _steps(tmp_path / "c") == [2, 4, 6]
    fresh = _model()
    fresh.load_weights(str(tmp_path / "c"))
    for a, b in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("backend", ["jax"], indirect=True)
def test_save_best_only_and_errors(tmp_path):
    model = _model()
    ckpt = callbacks.OrbaxCheckpoint(str(tmp_path / "c"), monitor="loss", save_best_only=True, max_to_keep=None,
                                     save_on_background=False)
    model.fit(X, Y, batch_size=8, epochs=3, verbose=0, callbacks=[ckpt])
    assert _steps(tmp_path / "c")[0] == 0 and len(_steps(tmp_path / "c")) <= 3
    other = hornet.Sequential([hornet.Input((4,)), layers.Dense(3)])
    other.compile(optimizer="adam", loss="mse")
    with pytest.raises(HornetError, match="another model|shape"):
        other.load_weights(str(tmp_path / "c"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelFileError, match="directory is not a weights file"):
        model.load_weights(str(tmp_path / "empty"))
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.OrbaxCheckpoint(str(tmp_path / "c"), save_freq="batch")
    with pytest.raises(ValueError, match="max_to_keep"):
        callbacks.OrbaxCheckpoint(str(tmp_path / "c"), max_to_keep=0)


@pytest.mark.parametrize("backend", ["torch", "tensorflow"], indirect=True)
def test_other_backends_are_a_clear_error(tmp_path):
    with pytest.raises(HornetError, match="JAX backend only .*BackupAndRestore"):
        _model().fit(X, Y, epochs=1, verbose=0, callbacks=[callbacks.OrbaxCheckpoint(str(tmp_path / "c"))])
