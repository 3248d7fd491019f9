"""``make_adapter``: pick the adapter for whatever the user passed to ``fit``/``evaluate``/``predict``.

>>> adapter = make_adapter({"a": np.zeros((6, 2)), "b": np.ones((6, 1))}, np.arange(6), batch_size=4)
>>> [(b.x["a"].shape, b.num_real) for b in adapter]
[((4, 2), 4), ((4, 2), 2)]
"""
from __future__ import annotations

import collections.abc
import warnings
from typing import Any

from hornet.runtime.data.adapter import DataAdapter
from hornet.runtime.data.arrays import ArrayAdapter
from hornet.runtime.data.py_dataset import PyDataset
from hornet.runtime.data.sources import (
    GeneratorAdapter, PyDatasetAdapter, TFDatasetAdapter, TorchDataLoaderAdapter, is_tf_dataset,
    is_torch_dataloader,
)


def is_stream_source(x: Any) -> bool:
    """True for sources that yield batches (generators, iterators, PyDataset, tf.data, torch DataLoader)."""
    return (isinstance(x, (PyDataset, DataAdapter, collections.abc.Iterator)) or is_tf_dataset(x)
            or is_torch_dataloader(x))


def make_adapter(x: Any, y: Any = None, sample_weight: Any = None, batch_size: int | None = None,
                 steps_per_epoch: int | None = None, shuffle: bool | str = False,
                 class_weight: dict[int, float] | None = None) -> DataAdapter:
    """The :class:`DataAdapter` for ``x`` (and ``y``/``sample_weight`` when x holds arrays).

    ``x`` may be NumPy arrays, Python lists, pandas objects, framework tensors, or dicts/tuples/lists of
    them; a Python generator or iterator; a ``hornet.utils.PyDataset``; a ``tf.data.Dataset``; a
    ``torch.utils.data.DataLoader``; or a ready ``DataAdapter`` (returned as is). Every batch it yields has
    exactly ``adapter.batch_size`` rows (see :class:`hornet.runtime.data.Batch`).

    >>> make_adapter(np.zeros((100, 3)), np.zeros(100), batch_size=32).num_batches
    4
    """
    if isinstance(x, DataAdapter):
        return x
    if x is None:
        raise ValueError("The input data `x` is None. Pass the model's inputs as `x`: NumPy arrays (or a "
                         "dict/list of them), a Python generator, a hornet.utils.PyDataset, a tf.data.Dataset or "
                         "a torch DataLoader.")
    kind = _stream_kind(x)
    if kind is None:
        return ArrayAdapter(x, y, sample_weight=sample_weight, batch_size=batch_size,
                            steps_per_epoch=steps_per_epoch, shuffle=shuffle, class_weight=class_weight)
    if y is not None:
        _unsupported("y", "the targets", kind)
    if sample_weight is not None:
        _unsupported("sample_weight", "the sample weights", kind)
    if kind == "PyDataset":
        return PyDatasetAdapter(x, steps_per_epoch=steps_per_epoch, shuffle=shuffle, class_weight=class_weight)
    if shuffle:
        warnings.warn(f"`shuffle=True` was passed, but will be ignored since the data `x` was provided as a {kind}. "
                      f"The {kind} is expected to yield already-shuffled data.", stacklevel=2)
    if kind == "tf.data.Dataset":
        return TFDatasetAdapter(x, steps_per_epoch=steps_per_epoch, class_weight=class_weight)
    if kind == "torch DataLoader":
        return TorchDataLoaderAdapter(x, steps_per_epoch=steps_per_epoch, class_weight=class_weight)
    return GeneratorAdapter(x, steps_per_epoch=steps_per_epoch, class_weight=class_weight)


def _stream_kind(x: Any) -> str | None:
    if isinstance(x, PyDataset):
        return "PyDataset"
    if is_tf_dataset(x):
        return "tf.data.Dataset"
    if is_torch_dataloader(x):
        return "torch DataLoader"
    if isinstance(x, collections.abc.Iterator):
        return "generator"
    return None


def _unsupported(arg: str, description: str, kind: str) -> None:
    raise ValueError(f"When providing `x` as a {kind}, `{arg}` should not be passed. Instead, {description} "
                     f"should be included as part of the {kind}.")


__all__ = ["is_stream_source", "make_adapter"]
