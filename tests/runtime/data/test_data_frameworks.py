"""tf.data.Dataset and torch DataLoader sources; neither framework is imported for other sources."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from hornet.runtime.data import TFDatasetAdapter, TorchDataLoaderAdapter, make_adapter

X = np.arange(20, dtype="float32").reshape(10, 2)
Y = np.arange(10)


def test_numpy_and_generators_import_neither_tensorflow_nor_torch():
    code = textwrap.dedent("""
        import sys, numpy as np
        from hornet.runtime.data import make_adapter
        list(make_adapter(np.zeros((5, 2)), np.zeros(5), batch_size=2))
        list(make_adapter((np.zeros((2, 2)), np.zeros(2)) for _ in range(2)))
        import hornet.utils
        print(sorted(m for m in ("tensorflow", "torch") if m in sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def tf():
    import tensorflow as tf

    return tf


def test_tf_dataset_batches_and_padding(tf):
    ds = tf.data.Dataset.from_tensor_slices((X.astype("float64"), Y)).batch(4)
    adapter = make_adapter(ds)
    assert isinstance(adapter, TFDatasetAdapter) and adapter.num_batches == 3 and adapter.batch_size == 4
    for _ in range(2):  # a dataset restarts every epoch
        batches = list(adapter)
        assert [b.num_real for b in batches] == [4, 4, 2]
        np.testing.assert_array_equal(np.concatenate([b.x[: b.num_real] for b in batches]), X)
        assert batches[0].x.dtype == np.float32 and isinstance(batches[0].x, np.ndarray)
        assert batches[-1].y.tolist() == [8, 9, 8, 9] and batches[-1].mask.tolist() == [1, 1, 0, 0]


def test_tf_dataset_of_dicts_with_sample_weight(tf):
    ds = tf.data.Dataset.from_tensor_slices(({"a": X, "b": Y}, Y, np.full(10, 3.0))).batch(5)
    b = make_adapter(ds).peek()
    assert set(b.x) == {"a", "b"} and b.x["a"].shape == (5, 2) and b.sample_weight.tolist() == [3.0] * 5


def test_tf_dataset_class_weight(tf):
    ds = tf.data.Dataset.from_tensor_slices((X, Y % 2)).batch(5)
    b = make_adapter(ds, class_weight={1: 4.0}).peek()
    assert b.sample_weight.tolist() == [1, 4, 1, 4, 1]


def test_infinite_tf_dataset_needs_steps(tf):
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(4).repeat()
    with pytest.raises(ValueError, match="steps_per_epoch"):
        make_adapter(ds)
    adapter = make_adapter(ds, steps_per_epoch=4)
    firsts = [b.y[0] for b in adapter] + [b.y[0] for b in adapter]
    assert firsts == [0, 4, 8, 0, 4, 8, 0, 4]  # the second epoch continues where the first stopped


def test_tf_dataset_rejects_y_and_warns_on_shuffle(tf):
    ds = tf.data.Dataset.from_tensor_slices(X).batch(4)
    with pytest.raises(ValueError, match="When providing `x` as a tf.data.Dataset, `y` should not be passed"):
        make_adapter(ds, Y)
    with pytest.warns(UserWarning, match="shuffle"):
        make_adapter(ds, shuffle=True)


def test_torch_dataloader(tf):
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    loader = DataLoader(TensorDataset(torch.tensor(X), torch.tensor(Y)), batch_size=4)
    adapter = make_adapter(loader)
    assert isinstance(adapter, TorchDataLoaderAdapter) and adapter.num_batches == 3 and adapter.batch_size == 4
    batches = list(adapter)
    assert all(isinstance(b.x, np.ndarray) and b.x.shape == (4, 2) for b in batches)
    np.testing.assert_array_equal(np.concatenate([b.y[: b.num_real] for b in batches]), Y)
    assert batches[-1].mask.tolist() == [1, 1, 0, 0]
    assert batches[0].y.dtype == np.int64


def test_torch_dataloader_shuffled_dicts_and_class_weight():
    import torch
    from torch.utils.data import DataLoader, Dataset

    class Dicts(Dataset):
        def __len__(self):
            return 10

        def __getitem__(self, i):
            return {"a": torch.tensor(X[i]), "b": torch.tensor(i)}, torch.tensor(Y[i] % 2)

    torch.manual_seed(0)
    adapter = make_adapter(DataLoader(Dicts(), batch_size=3, shuffle=True), class_weight={1: 2.0})
    batches = list(adapter)
    seen = np.concatenate([b.x["b"][: b.num_real] for b in batches])
    assert sorted(seen.tolist()) == list(range(10))
    for b in batches:
        np.testing.assert_array_equal(b.sample_weight[: b.num_real], np.where(b.y[: b.num_real] == 1, 2.0, 1.0))
