"""``fit`` from every data source a Keras user passes trains to the same weights as from NumPy arrays, on every
backend: pandas, a generator, a ``PyDataset``, a torch ``DataLoader`` and a ``tf.data.Dataset`` (the frameworks
imported only by the tests that use them). 20 rows in batches of 8: the last batch is ragged."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import hornet
from hornet import layers

RNG = np.random.default_rng(7)
X = RNG.normal(size=(20, 4)).astype("float32")
Y = RNG.integers(0, 3, 20).astype("int64")
BATCH = 8


def _fit(x: Any, y: Any = None, **kwargs: Any) -> list[np.ndarray]:
    init = hornet.initializers.GlorotUniform(seed=1)
    model = hornet.Sequential([hornet.Input((4,)), layers.Dense(6, activation="relu", kernel_initializer=init),
                               layers.Dense(3, kernel_initializer=init)])
    model.compile(optimizer="adam", loss=hornet.losses.SparseCategoricalCrossentropy(from_logits=True))
    initial = model.get_weights()
    model.fit(x, y, epochs=2, verbose=0, shuffle=False, **kwargs)
    assert model.compile_stats["train"] == 1
    assert not np.allclose(model.get_weights()[0], initial[0])  # it trained
    return model.get_weights()


def _batches() -> list[tuple[np.ndarray, np.ndarray]]:
    return [(X[i:i + BATCH], Y[i:i + BATCH]) for i in range(0, len(X), BATCH)]


def _pandas() -> tuple[Any, ...]:
    pd = pytest.importorskip("pandas")
    return (pd.DataFrame(X), pd.Series(Y)), {"batch_size": BATCH}


def _generator() -> tuple[Any, ...]:
    def forever():
        while True:
            yield from _batches()

    return (forever(),), {"steps_per_epoch": 3}


def _py_dataset() -> tuple[Any, ...]:
    class Rows(hornet.utils.PyDataset):
        def __len__(self) -> int:
            return 3

        def __getitem__(self, i: int) -> tuple[np.ndarray, np.ndarray]:
            return _batches()[i]

    return (Rows(),), {}


def _torch_loader() -> tuple[Any, ...]:
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader, TensorDataset

    return (DataLoader(TensorDataset(torch.from_numpy(X), torch.from_numpy(Y)), batch_size=BATCH),), {}


def _tf_dataset() -> tuple[Any, ...]:
    tf = pytest.importorskip("tensorflow")
    return (tf.data.Dataset.from_tensor_slices((X, Y)).batch(BATCH),), {}


SOURCES: dict[str, Callable[[], tuple[Any, ...]]] = {
    "pandas": _pandas, "generator": _generator, "py_dataset": _py_dataset, "torch_dataloader": _torch_loader,
    "tf_data": _tf_dataset,
}


@pytest.mark.parametrize("source", list(SOURCES))
def test_every_source_trains_like_numpy_arrays(source):
    expected = _fit(X, Y, batch_size=BATCH)
    args, kwargs = SOURCES[source]()
    for got, want in zip(_fit(*args, **kwargs), expected):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
