"""Python generators/iterators and PyDataset through make_adapter: batches as given, padding of short ones,
splitting of oversized ones, epochs, steps_per_epoch, class weights, workers and shuffling."""
import itertools
import threading
import warnings

import numpy as np
import pytest

from hornet.runtime.data import GeneratorAdapter, PyDataset, PyDatasetAdapter, make_adapter


def batches_of(n, size, with_y=True, with_sw=False):
    for start in range(0, n, size):
        x = np.arange(start, min(start + size, n), dtype="float32")[:, None]
        if not with_y:
            yield x
        elif with_sw:
            yield x, x[:, 0].astype("int64"), np.full(len(x), 2.0)
        else:
            yield x, x[:, 0].astype("int64")


def test_generator_of_x_y_pads_the_short_batch():
    adapter = make_adapter(batches_of(10, 4))
    assert isinstance(adapter, GeneratorAdapter) and adapter.num_batches is None and adapter.batch_size == 4
    batches = list(adapter)
    assert [b.num_real for b in batches] == [4, 4, 2]
    last = batches[-1]
    assert last.x[:, 0].tolist() == [8, 9, 8, 9] and last.y.tolist() == [8, 9, 8, 9]
    assert last.mask.tolist() == [1, 1, 0, 0] and last.sample_weight.tolist() == [1, 1, 0, 0]
    assert adapter.num_batches == 3  # learnt after a full pass


def test_generator_yielding_x_only_and_x_y_sw():
    b = make_adapter(batches_of(6, 3, with_y=False)).peek()
    assert b.y is None and b.x.shape == (3, 1)
    batches = list(make_adapter(batches_of(5, 3, with_sw=True)))
    assert batches[0].sample_weight.tolist() == [2, 2, 2] and batches[1].sample_weight.tolist() == [2, 2, 0]


def test_generator_of_dicts_and_lists():
    def gen():
        for _ in range(2):
            yield [{"a": np.zeros((2, 3)), "b": np.ones((2,), "int32")}, [np.zeros(2), np.ones((2, 4))]]

    b = make_adapter(gen()).peek()
    assert set(b.x) == {"a", "b"} and b.x["a"].dtype == np.float32 and b.x["b"].dtype == np.int32
    assert isinstance(b.y, tuple) and b.y[1].shape == (2, 4)


def test_plain_iterator_is_accepted():
    adapter = make_adapter(iter([(np.zeros((2, 1)), np.zeros(2))] * 3))
    assert [b.num_real for b in adapter] == [2, 2, 2]


def test_a_batch_larger_than_the_first_is_split():
    sizes = [3, 7, 2]
    gen = ((np.ones((n, 1)), np.arange(n)) for n in sizes)
    batches = list(make_adapter(gen))
    assert [b.num_real for b in batches] == [3, 3, 3, 1, 2]
    assert all(b.x.shape == (3, 1) for b in batches)
    assert batches[1].y.tolist() == [0, 1, 2] and batches[3].y.tolist() == [6, 6, 6]


def test_exhausted_generator_second_epoch_warns_and_is_empty():
    adapter = make_adapter(batches_of(4, 2))
    assert len(list(adapter)) == 2
    with pytest.warns(UserWarning, match="ran out of data"):
        assert list(adapter) == []


def test_infinite_generator_with_steps_per_epoch_continues():
    def forever():
        for i in itertools.count():
            yield np.full((2, 1), float(i)), np.zeros(2)

    adapter = make_adapter(forever(), steps_per_epoch=3)
    assert adapter.num_batches == 3
    assert [b.x[0, 0] for b in adapter] == [0, 1, 2]
    assert [b.x[0, 0] for b in adapter] == [3, 4, 5]


def test_generator_class_weight():
    batches = list(make_adapter(batches_of(4, 2), class_weight={1: 5.0, 3: 2.0}))
    assert batches[0].sample_weight.tolist() == [1, 5] and batches[1].sample_weight.tolist() == [1, 2]


class Counting(PyDataset):
    def __init__(self, n, size, **kwargs):
        super().__init__(**kwargs)
        self.n, self.size = n, size
        self.begins = self.ends = 0
        self.calls = []
        self.lock = threading.Lock()

    def __len__(self):
        return -(-self.n // self.size)

    def __getitem__(self, i):
        with self.lock:
            self.calls.append(i)
        x = np.arange(i * self.size, min((i + 1) * self.size, self.n), dtype="float32")[:, None]
        return x, x[:, 0].astype("int64")

    def on_epoch_begin(self):
        self.begins += 1

    def on_epoch_end(self):
        self.ends += 1


def test_pydataset_batches_epochs_and_hooks():
    ds = Counting(10, 4)
    adapter = make_adapter(ds)
    assert isinstance(adapter, PyDatasetAdapter) and adapter.num_batches == 3 and adapter.batch_size == 4
    for _ in range(2):
        batches = list(adapter)
        assert [b.num_real for b in batches] == [4, 4, 2]
        assert batches[-1].y.tolist() == [8, 9, 8, 9]
    assert ds.begins == 2 and ds.ends == 2


@pytest.mark.parametrize("workers", [1, 3])
def test_pydataset_shuffle_covers_every_batch_once(workers):
    ds = Counting(23, 4, workers=workers, max_queue_size=2)
    adapter = make_adapter(ds, shuffle=True)
    assert adapter.batch_size == 4  # from batch 0, although the short batch may come first
    orders = []
    for _ in range(3):
        batches = list(adapter)
        seen = np.concatenate([b.y[: b.num_real] for b in batches])
        assert sorted(seen.tolist()) == list(range(23))
        orders.append(seen.tolist())
    assert len({tuple(o) for o in orders}) > 1


def test_pydataset_workers_keep_order():
    ds = Counting(40, 4, workers=4, use_multiprocessing=True, max_queue_size=3)
    seen = np.concatenate([b.y[: b.num_real] for b in make_adapter(ds)])
    assert seen.tolist() == list(range(40))


def test_infinite_pydataset_needs_steps():
    class Endless(PyDataset):
        @property
        def num_batches(self):
            return None

        def __getitem__(self, i):
            return np.full((2, 1), float(i))

    with pytest.raises(ValueError, match="steps_per_epoch"):
        make_adapter(Endless())
    adapter = make_adapter(Endless(), steps_per_epoch=2)
    assert [b.x[0, 0] for b in adapter] + [b.x[0, 0] for b in adapter] == [0, 1, 2, 3]


def test_pydataset_steps_per_epoch_and_class_weight():
    ds = Counting(8, 2)
    adapter = make_adapter(ds, steps_per_epoch=3, class_weight={0: 0.0, 5: 9.0})
    first = list(adapter)
    assert first[0].sample_weight.tolist() == [0.0, 1.0]
    with pytest.warns(UserWarning, match="ran out of data"):
        second = list(adapter)
    assert [b.y.tolist() for b in second] == [[6, 7]]
    assert first[2].sample_weight.tolist() == [1.0, 9.0]


def test_pydataset_without_super_init_warns_and_works():
    class NoSuper(PyDataset):
        def __init__(self):
            pass

        def __len__(self):
            return 1

        def __getitem__(self, i):
            return {"a": np.zeros((2, 2))}

    with pytest.warns(UserWarning, match="super"):
        batches = list(make_adapter(NoSuper()))
    assert batches[0].x["a"].shape == (2, 2) and batches[0].y is None


def test_pydataset_iterates_like_keras():
    ds = Counting(5, 2)
    assert [len(b[0]) for b in ds] == [2, 2, 1]
    assert ds.workers == 1 and ds.use_multiprocessing is False and ds.max_queue_size == 10


def test_no_spurious_warnings_on_plain_epochs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        adapter = make_adapter(Counting(6, 3))
        for _ in range(3):
            list(adapter)


def test_peek_spec_after_the_generator_is_exhausted():
    adapter = make_adapter(batches_of(4, 2))
    list(adapter)
    spec = adapter.peek_spec()
    assert spec.x.shape == (None, 1) and spec.y.dtype == "int64" and adapter.batch_size == 2
