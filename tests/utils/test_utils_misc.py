"""set_random_seed, PyDataset/Sequence, Progbar re-export, pack/unpack helpers of hornet.utils."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import random

import keras
import numpy as np
import pytest

import hornet
import hornet.utils as utils
from hornet.api.random import seed_generator


def draws():
    return (random.random(), np.random.rand(), np.asarray(hornet.random.normal((3,))),
            np.asarray(hornet.random.uniform((2,))))


def test_set_random_seed_makes_python_numpy_and_hornet_reproducible():
    utils.set_random_seed(1234)
    first = draws()
    utils.set_random_seed(1234)
    second = draws()
    assert first[0] == second[0] and first[1] == second[1]
    np.testing.assert_array_equal(first[2], second[2])
    np.testing.assert_array_equal(first[3], second[3])
    utils.set_random_seed(4321)
    assert draws()[0] != first[0]
    assert utils.get_random_seed() == 4321


def test_set_random_seed_resets_the_global_seed_generator():
    utils.set_random_seed(99)
    gen = seed_generator.global_seed_generator()
    assert gen is seed_generator._global and gen._initial_seed == 99
    assert np.asarray(gen.state.value).tolist() == [99, 0]


def test_set_random_seed_matches_python_and_numpy_seeding_of_keras():
    keras.utils.set_random_seed(5)
    expected = (random.random(), np.random.rand())
    utils.set_random_seed(5)
    assert (random.random(), np.random.rand()) == expected


@pytest.mark.parametrize("bad", [1.5, "3", None, True])
def test_set_random_seed_rejects_non_integers(bad):
    with pytest.raises(ValueError, match="Expected `seed` argument to be an integer"):
        utils.set_random_seed(bad)


def test_pydataset_api_matches_keras():
    assert utils.Sequence is utils.PyDataset
    for name in ("workers", "use_multiprocessing", "max_queue_size", "num_batches", "on_epoch_begin",
                 "on_epoch_end", "__getitem__", "__iter__"):
        assert hasattr(keras.utils.PyDataset, name) and hasattr(utils.PyDataset, name), name
    ds = utils.PyDataset(workers=4, use_multiprocessing=True, max_queue_size=3)
    assert (ds.workers, ds.use_multiprocessing, ds.max_queue_size) == (4, True, 3)
    with pytest.raises(NotImplementedError):
        ds[0]
    with pytest.raises(NotImplementedError, match="num_batches"):
        ds.num_batches


def test_progbar_is_reexported_lazily():
    from hornet.api.callbacks.progbar import Progbar

    assert utils.Progbar is Progbar
    from hornet.utils import Progbar as again

    assert again is Progbar


@pytest.mark.parametrize("data", [np.zeros(2), (np.zeros(2),), (1, 2), [1, 2, 3], {"a": 1}])
def test_unpack_and_pack_match_keras(data):
    ours, theirs = utils.unpack_x_y_sample_weight(data), keras.utils.unpack_x_y_sample_weight(data)
    assert len(ours) == len(theirs) == 3
    for a, b in zip(ours, theirs):
        assert (a is None and b is None) or np.array_equal(a, b)
    x, y, sw = theirs
    packed, expected = utils.pack_x_y_sample_weight(x, y, sw), keras.utils.pack_x_y_sample_weight(x, y, sw)
    assert type(packed) is type(expected)
    if isinstance(expected, tuple):
        assert len(packed) == len(expected)


def test_unpack_rejects_long_tuples():
    with pytest.raises(ValueError, match="found a tuple of length 4"):
        utils.unpack_x_y_sample_weight((1, 2, 3, 4))
