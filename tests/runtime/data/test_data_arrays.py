"""Array sources through make_adapter: batch contents, padding + mask, shuffling, steps, class weights, structures,
compared with Keras 3's array adapter where Keras defines the answer."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import numpy as np
import pandas as pd
import pytest
from keras.src.trainers.data_adapters import array_slicing as keras_slicing
from keras.src.trainers.data_adapters import data_adapter_utils as keras_utils
from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter as KerasArrayAdapter

from hornet.ir.tracer import TensorSpec
from hornet.runtime.data import Batch, make_adapter, train_validation_split

RNG = np.random.default_rng(0)


def real_rows(batches, part="x"):
    """Concatenate the real (unpadded) rows of one part over an epoch's batches."""
    return np.concatenate([getattr(b, part)[: b.num_real] for b in batches])


@pytest.mark.parametrize("n,batch_size", [(10, 4), (12, 4), (3, 8), (1, 1), (33, None)])
def test_batches_match_keras_and_pad_the_last_one(n, batch_size):
    x = RNG.normal(size=(n, 3)).astype("float32")
    y = np.arange(n)
    adapter = make_adapter(x, y, batch_size=batch_size)
    keras = list(KerasArrayAdapter(x, y, batch_size=batch_size).get_numpy_iterator())
    ours = list(adapter)
    assert adapter.num_batches == len(keras) == len(ours)
    size = min(batch_size or 32, n)
    assert adapter.batch_size == size
    for b, (kx, ky) in zip(ours, keras):
        assert b.x.shape == (size, 3) and b.y.shape == (size,) and b.mask.dtype == np.float32
        r = len(kx)
        assert b.num_real == r
        np.testing.assert_array_equal(b.x[:r], kx)
        np.testing.assert_array_equal(b.y[:r], ky)
        # padding repeats this batch's own rows from its start
        idx = np.arange(size) % r
        np.testing.assert_array_equal(b.x, kx[idx])
        np.testing.assert_array_equal(b.mask, (np.arange(size) < r).astype("float32"))
        np.testing.assert_array_equal(b.sample_weight, (np.arange(size) < r).astype("float32"))


def test_float64_becomes_float32_and_ints_keep_their_dtype():
    b = make_adapter(np.ones((4, 2)), np.arange(4, dtype="int32"), batch_size=4).peek()
    assert b.x.dtype == np.float32 and b.y.dtype == np.int32 and b.sample_weight.dtype == np.float32


@pytest.mark.parametrize("shuffle", [True, "batch"])
def test_shuffle_covers_every_sample_once_per_epoch(shuffle):
    n = 23
    x = np.arange(n, dtype="float32")[:, None]
    adapter = make_adapter(x, np.arange(n), batch_size=5, shuffle=shuffle)
    orders = []
    for _ in range(3):
        batches = list(adapter)
        seen = real_rows(batches, "y")
        assert sorted(seen.tolist()) == list(range(n))
        np.testing.assert_array_equal(real_rows(batches)[:, 0], seen)  # x and y stay aligned
        if shuffle == "batch":  # each batch holds the same samples as without shuffling
            for i, b in enumerate(batches):
                assert sorted(b.y[: b.num_real].tolist()) == list(range(5 * i, min(5 * i + 5, n)))
        orders.append(seen.tolist())
    assert orders[0] != orders[1] or orders[1] != orders[2]


def test_shuffle_follows_numpy_global_seed():
    def epoch():
        np.random.seed(7)
        return real_rows(list(make_adapter(np.arange(20.0)[:, None], batch_size=6, shuffle=True)))

    np.testing.assert_array_equal(epoch(), epoch())


def test_steps_per_epoch_continues_across_epochs_as_keras():
    x = np.arange(10, dtype="float32")[:, None]
    adapter = make_adapter(x, batch_size=2, steps_per_epoch=3)  # 5 batches of data
    assert adapter.num_batches == 3
    epochs = [[b.x[0, 0] for b in adapter]]
    assert epochs[0] == [0, 2, 4]
    with pytest.warns(UserWarning, match="ran out of data"):
        epochs.append([b.x[0, 0] for b in adapter])
    assert epochs[1] == [6, 8]  # epoch 2 stopped at the end of the data
    assert [b.x[0, 0] for b in adapter] == [0, 2, 4]  # then the data restarts


def test_steps_per_epoch_dividing_the_data_restarts_silently():
    adapter = make_adapter(np.arange(8.0)[:, None], batch_size=2, steps_per_epoch=4)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        starts = [[b.x[0, 0] for b in adapter] for _ in range(3)]
    assert starts == [[0, 2, 4, 6]] * 3


def test_batch_size_from_steps_when_not_given():
    adapter = make_adapter(np.zeros((10, 1)), steps_per_epoch=3)
    assert adapter.batch_size == 4 and [b.num_real for b in adapter] == [4, 4, 2]


@pytest.mark.parametrize("y", [
    np.array([0, 1, 2, 1, 0, 2, 2]),
    np.array([[0], [1], [2], [1], [0], [2], [2]], dtype="float32"),
    np.eye(3, dtype="float32")[[0, 1, 2, 1, 0, 2, 2]],
])
def test_class_weight_matches_keras(y):
    class_weight = {0: 0.5, 2: 3.0}
    expected = keras_utils.class_weight_to_sample_weights(y, class_weight)
    batches = list(make_adapter(np.zeros((7, 2)), y, batch_size=3, class_weight=class_weight))
    np.testing.assert_allclose(real_rows(batches, "sample_weight"), expected, rtol=0)
    assert batches[-1].sample_weight[1:].tolist() == [0.0, 0.0]  # padding weighs nothing


def test_sample_weight_is_carried_and_zeroed_on_padding():
    sw = np.array([1, 2, 3, 4, 5], dtype="float64")
    batches = list(make_adapter(np.zeros((5, 1)), np.zeros(5), sample_weight=sw, batch_size=3))
    assert batches[0].sample_weight.dtype == np.float32
    assert batches[0].sample_weight.tolist() == [1, 2, 3]
    assert batches[1].sample_weight.tolist() == [4, 5, 0]


def test_dict_and_tuple_structures():
    n = 7
    x = {"image": RNG.normal(size=(n, 2, 2)), "ids": np.arange(n)}
    y = (np.arange(n, dtype="float32"), np.ones((n, 3), "float32"))
    batches = list(make_adapter(x, y, batch_size=4))
    b = batches[-1]
    assert set(b.x) == {"image", "ids"} and b.x["image"].shape == (4, 2, 2) and b.x["image"].dtype == np.float32
    assert isinstance(b.y, tuple) and b.y[0].shape == (4,) and b.y[1].shape == (4, 3)
    np.testing.assert_array_equal(np.concatenate([bb.x["ids"][: bb.num_real] for bb in batches]), np.arange(n))
    assert b.x["ids"].tolist() == [4, 5, 6, 4]


def test_list_of_arrays_is_multi_input_and_lists_of_numbers_are_arrays():
    b = make_adapter([np.zeros((3, 2)), np.ones((3, 1))], batch_size=3).peek()
    assert isinstance(b.x, tuple) and len(b.x) == 2 and b.x[1].shape == (3, 1)
    b = make_adapter([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [0, 1, 0], batch_size=2).peek()
    assert b.x.shape == (2, 2) and b.x.dtype == np.float32 and b.y.tolist() == [0, 1]


def test_pandas_dataframe_and_series():
    df = pd.DataFrame({"a": np.arange(5), "b": np.arange(5) * 0.5})
    s = pd.Series(np.arange(5) % 2)
    batches = list(make_adapter(df, s, batch_size=2))
    np.testing.assert_allclose(real_rows(batches), df.to_numpy(), rtol=0)
    np.testing.assert_array_equal(real_rows(batches, "y"), s.to_numpy())
    assert batches[0].x.dtype == np.float32


def test_torch_and_jax_arrays_as_in_memory_data():
    import jax.numpy as jnp
    import torch

    b = make_adapter(torch.ones(4, 2, requires_grad=True), jnp.arange(4), batch_size=4).peek()
    assert isinstance(b.x, np.ndarray) and isinstance(b.y, np.ndarray) and b.x.shape == (4, 2)


def test_object_array_of_numbers_is_converted():
    x = np.array([[1, 2.5], [3, 4]], dtype=object)
    assert make_adapter(x, batch_size=2).peek().x.dtype == np.float32


def test_peek_spec_and_peek_does_not_consume():
    adapter = make_adapter({"a": np.zeros((5, 3)), "b": np.zeros((5,), "int32")}, np.zeros((5, 1)), batch_size=2)
    spec = adapter.peek_spec()
    assert isinstance(spec, Batch) and isinstance(spec.x["a"], TensorSpec)
    assert spec.x["a"].shape == (None, 3) and spec.x["b"].dtype == "int32" and spec.y.shape == (None, 1)
    assert spec.mask.shape == (None,) and spec.sample_weight.dtype == "float32"
    assert [b.num_real for b in adapter] == [2, 2, 1]


def test_predict_without_y():
    batches = list(make_adapter(np.arange(5.0)[:, None], batch_size=4))
    assert batches[0].y is None and batches[1].num_real == 1 and batches[1].sample_weight.shape == (4,)


@pytest.mark.parametrize("split", [0.2, 0.25, 0.5])
def test_train_validation_split_matches_keras(split):
    x, y, sw = np.arange(20.0).reshape(10, 2), np.arange(10), None
    (tx, ty, tsw), (vx, vy, vsw) = train_validation_split((x, y, sw), split)
    ktrain, kval = keras_slicing.train_validation_split((x, y, sw), split)
    np.testing.assert_array_equal(tx, ktrain[0]), np.testing.assert_array_equal(vx, kval[0])
    np.testing.assert_array_equal(ty, ktrain[1]), np.testing.assert_array_equal(vy, kval[1])
    assert tsw is None and vsw is None


def test_train_validation_split_of_dicts_and_lists():
    (tx, ty), (vx, vy) = train_validation_split(({"a": np.arange(10)}, [float(i) for i in range(10)]), 0.3)
    assert tx["a"].tolist() == list(range(7)) and vx["a"].tolist() == [7, 8, 9]
    assert vy.tolist() == [7.0, 8.0, 9.0]
