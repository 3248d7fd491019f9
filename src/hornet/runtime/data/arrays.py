"""In-memory arrays (NumPy, lists, pandas, tensors; dicts/tuples of them): batching, shuffling, and the
``validation_split`` of ``fit``.

>>> adapter = ArrayAdapter(np.zeros((5, 2)), np.arange(5), batch_size=2, shuffle=True)
>>> [b.num_real for b in adapter]
[2, 2, 1]
"""
from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np

from hornet.runtime.data.adapter import DataAdapter
from hornet.runtime.data.batch import check_sample_weight, class_weight_to_sample_weight, count_rows
from hornet.runtime.data.structure import leaves_with_paths, take_rows, to_numpy_structure

DEFAULT_BATCH_SIZE = 32


class ArrayAdapter(DataAdapter):
    """Batches of in-memory arrays. ``shuffle=True`` draws a new permutation (NumPy's global RNG, as Keras)
    every epoch; ``shuffle="batch"`` shuffles only within each batch. The batch size is ``batch_size``
    (default 32, or ``ceil(n / steps_per_epoch)`` when only steps are given), capped at the sample count."""

    source_name = "in-memory arrays"

    def __init__(self, x: Any, y: Any = None, sample_weight: Any = None, batch_size: int | None = None,
                 steps_per_epoch: int | None = None, shuffle: bool | str = False,
                 class_weight: dict[int, float] | None = None):
        x = to_numpy_structure(x, "x")
        y = to_numpy_structure(y, "y")
        sw = check_sample_weight(y, to_numpy_structure(sample_weight, "sample_weight"))
        n = count_rows(x, y, sw)
        if n == 0:
            raise ValueError("The input data has 0 samples: "
                             + ", ".join(f"{p} has shape {a.shape}" for p, a in leaves_with_paths(x, "x")))
        if class_weight is not None:
            sw = class_weight_to_sample_weight(y, class_weight, sw)
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"`shuffle` must be True, False or 'batch'. Received: shuffle={shuffle!r}")
        if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
            raise ValueError(f"`batch_size` must be a positive integer or None. Received: batch_size={batch_size!r}")
        if not batch_size:
            batch_size = math.ceil(n / steps_per_epoch) if steps_per_epoch else DEFAULT_BATCH_SIZE
        batch_size = min(int(batch_size), n)  # a smaller data set needs no padding up to the requested size
        super().__init__(batch_size=batch_size, steps_per_epoch=steps_per_epoch,
                         source_batches=math.ceil(n / batch_size))
        self._data = (x, y, sw)
        self.num_samples = n
        self.shuffle = shuffle

    def _new_stream(self) -> Iterator[tuple[Any, Any, Any]]:
        n, size = self.num_samples, self.batch_size
        order = np.random.permutation(n) if self.shuffle is True else None
        for start in range(0, n, size):
            stop = min(start + size, n)
            if self.shuffle == "batch":
                index: Any = start + np.random.permutation(stop - start)
            elif order is not None:
                index = order[start:stop]
            else:
                index = slice(start, stop)
            yield tuple(take_rows(t, index) for t in self._data)

    def _prepare(self, element: Any, index: int) -> tuple[tuple[Any, Any, Any], int]:
        return element, count_rows(*element)

    @property
    def arrays(self) -> tuple[Any, Any, Any]:
        """The whole ``(x, y, sample_weight)`` as NumPy structures (before batching)."""
        return self._data

    @property
    def partial_batch_size(self) -> int | None:
        """Rows in the last (short) batch of an epoch, None when every batch is full."""
        return (self.num_samples % self.batch_size) or None


def train_validation_split(arrays: Any, validation_split: float) -> tuple[Any, Any]:
    """Split a structure of arrays (e.g. ``(x, y, sample_weight)``) into training and validation parts; the LAST
    ``validation_split`` fraction of the samples becomes validation data, in order, as Keras does.

    >>> train, val = train_validation_split((np.arange(10), None), 0.2)
    >>> train[0], val[0], val[1]
    (array([0, 1, 2, 3, 4, 5, 6, 7]), array([8, 9]), None)
    """
    _reject_streams(arrays)
    if not 0.0 < float(validation_split) < 1.0:
        raise ValueError(f"`validation_split` must be a float between 0 and 1 (exclusive). "
                         f"Received: validation_split={validation_split!r}")
    if isinstance(arrays, (tuple, list)):  # (x, y, sample_weight): each part is converted on its own
        data = tuple(to_numpy_structure(a, f"data[{i}]") for i, a in enumerate(arrays))
    else:
        data = to_numpy_structure(arrays, "data")
    leaves = list(leaves_with_paths(data, "data"))
    if not leaves:
        return arrays, arrays
    n = leaves[0][1].shape[0]
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(f"Training data contains {n} samples, which is not sufficient to split it into a "
                         f"validation and training set as specified by `validation_split={validation_split}`. "
                         "Either provide more data, or a different value for the `validation_split` argument.")
    return take_rows(data, slice(0, split_at)), take_rows(data, slice(split_at, n))


def _reject_streams(arrays: Any) -> None:
    from hornet.runtime.data.make import is_stream_source

    stack = [arrays]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif item is not None and is_stream_source(item):
            raise ValueError("Argument `validation_split` is only supported for tensors or NumPy arrays. Found "
                             f"incompatible type in the input: {type(item)}. For generators and datasets, pass "
                             "`validation_data` instead.")


__all__ = ["ArrayAdapter", "DEFAULT_BATCH_SIZE", "train_validation_split"]
