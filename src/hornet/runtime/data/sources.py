"""Sources that batch themselves: Python generators/iterators, ``PyDataset``, ``tf.data.Dataset`` and
``torch.utils.data.DataLoader``. Each element is one batch, given as is (padded when short, split when larger
than the first batch). TensorFlow and torch are never imported here: their objects are used through their own
methods and recognised by the module name of their type.

>>> adapter = GeneratorAdapter((np.ones((4, 2)), np.zeros(4)) for _ in range(3))
>>> adapter.batch_size, adapter.num_batches
(4, None)
"""
from __future__ import annotations

import random
from typing import Any, Iterator

from hornet.runtime.data.adapter import DataAdapter
from hornet.runtime.data.py_dataset import PyDataset, fetch_in_order


class GeneratorAdapter(DataAdapter):
    """A Python generator or iterator yielding ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` batches.
    It can be consumed only once: a second epoch without ``steps_per_epoch`` finds it exhausted (as in Keras)."""

    source_name = "a Python generator"

    def __init__(self, generator: Iterator[Any], steps_per_epoch: int | None = None,
                 class_weight: dict[int, float] | None = None):
        super().__init__(steps_per_epoch=steps_per_epoch, class_weight=class_weight)
        self._generator = generator

    def _new_stream(self) -> Iterator[Any]:
        return self._generator


class PyDatasetAdapter(DataAdapter):
    """A :class:`PyDataset`: batches by index, in a new shuffled order each epoch when ``shuffle``; threads
    fetch ahead when the dataset has ``workers`` > 1. Its ``on_epoch_begin``/``on_epoch_end`` run every epoch."""

    source_name = "a PyDataset"

    def __init__(self, dataset: PyDataset, steps_per_epoch: int | None = None, shuffle: bool | str = False,
                 class_weight: dict[int, float] | None = None):
        n = dataset.num_batches
        super().__init__(steps_per_epoch=steps_per_epoch, class_weight=class_weight, source_batches=n,
                         infinite=n is None)
        if n == 0:
            raise ValueError("The PyDataset has length 0: there must be at least one batch.")
        self.dataset = dataset
        self.shuffle = bool(shuffle) and n is not None

    def _new_stream(self) -> Iterator[Any]:
        n = self.dataset.num_batches
        if n is None:
            from itertools import count
            indices: Any = count()
        else:
            indices = list(range(n))
            if self.shuffle:
                random.shuffle(indices)
        return fetch_in_order(self.dataset.__getitem__, indices, self.dataset.workers,
                              self.dataset.max_queue_size)

    def _start_stream(self) -> None:
        # The first batch in index order fixes the size: with shuffle, the short last batch may come first.
        if self._batch_size is None and self.shuffle:
            self._batch_size = self._prepare(self.dataset[0], 0)[1] or None
        super()._start_stream()

    def on_epoch_begin(self) -> None:
        self.dataset.on_epoch_begin()

    def on_epoch_end(self) -> None:
        self.dataset.on_epoch_end()


class TFDatasetAdapter(DataAdapter):
    """A ``tf.data.Dataset`` (read with ``as_numpy_iterator()``); its cardinality gives ``num_batches``."""

    source_name = "a tf.data.Dataset"

    def __init__(self, dataset: Any, steps_per_epoch: int | None = None,
                 class_weight: dict[int, float] | None = None):
        cardinality = int(dataset.cardinality())  # -1: infinite, -2: unknown
        if cardinality == 0:
            raise ValueError("The tf.data.Dataset is empty (cardinality 0): there must be at least one batch.")
        super().__init__(steps_per_epoch=steps_per_epoch, class_weight=class_weight,
                         source_batches=cardinality if cardinality > 0 else None, infinite=cardinality == -1)
        self.dataset = dataset

    def _new_stream(self) -> Iterator[Any]:
        return iter(self.dataset.as_numpy_iterator())


class TorchDataLoaderAdapter(DataAdapter):
    """A ``torch.utils.data.DataLoader``; tensors become NumPy arrays, ``len(loader)`` gives ``num_batches``."""

    source_name = "a torch DataLoader"

    def __init__(self, loader: Any, steps_per_epoch: int | None = None,
                 class_weight: dict[int, float] | None = None):
        try:
            n: int | None = len(loader)
        except TypeError:  # an IterableDataset without __len__
            n = None
        super().__init__(steps_per_epoch=steps_per_epoch, class_weight=class_weight, source_batches=n)
        self.loader = loader

    def _new_stream(self) -> Iterator[Any]:
        return iter(self.loader)


def is_tf_dataset(x: Any) -> bool:
    """A ``tf.data.Dataset`` (or distributed dataset), recognised without importing TensorFlow."""
    return any(c.__name__ in ("DatasetV2", "DistributedDataset", "DistributedDatasetsFromFunction")
               and c.__module__.startswith("tensorflow.") for c in type(x).__mro__)


def is_torch_dataloader(x: Any) -> bool:
    """A ``torch.utils.data.DataLoader``, recognised without importing torch."""
    return any(c.__name__ == "DataLoader" and c.__module__.startswith("torch.utils.data")
               for c in type(x).__mro__)


__all__ = ["GeneratorAdapter", "PyDatasetAdapter", "TFDatasetAdapter", "TorchDataLoaderAdapter",
           "is_tf_dataset", "is_torch_dataloader"]
