"""One training step's data: ``Batch(x, y, sample_weight, mask)``, always exactly ``batch_size`` rows.

A short batch is padded by repeating its own rows from the start; ``mask`` (float32) is 1.0 on real rows and 0.0
on padding, and ``sample_weight`` is 0.0 on padding too, so one compiled step serves every batch.

>>> b = finalize_batch((np.arange(3.0)[:, None], None, None), batch_size=4)
>>> b.mask, b.x[:, 0], b.num_real
(array([1., 1., 1., 0.], dtype=float32), array([0., 1., 2., 0.]), 3)
"""
from __future__ import annotations

from typing import Any, Iterator, NamedTuple

import numpy as np

from hornet.runtime.data.structure import (
    check_cardinality, is_nested, leaves_with_paths, map_structure, take_rows, to_numpy, to_numpy_structure,
)


class Batch(NamedTuple):
    """The data of one step: NumPy structures ``x``/``y`` (``y`` may be None), float32 ``sample_weight``
    (a vector, or a structure matching ``y`` when one array per output was given) and the float32 row ``mask``.
    Padding rows always come last, so ``num_real`` real rows are the prefix."""

    x: Any
    y: Any
    sample_weight: Any
    mask: np.ndarray

    @property
    def num_real(self) -> int:
        """How many leading rows are real data (the rest is padding)."""
        return int(self.mask.sum())


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """Split one element of a dataset into ``(x, y, sample_weight)`` as Keras does: a tuple/list of length
    1-3 is ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``; anything else (an array, a dict) is ``x``.

    >>> unpack_x_y_sample_weight((1, 2))
    (1, 2, None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple) or hasattr(data, "_fields"):
        return data, None, None
    if 1 <= len(data) <= 3:
        return tuple(data) + (None,) * (3 - len(data))  # type: ignore[return-value]
    raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
                     f"found a tuple of length {len(data)}: {str(data)[:200]}")


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """The inverse of :func:`unpack_x_y_sample_weight`: ``x``, ``(x,)`` for a tuple/list x, ``(x, y)`` or
    ``(x, y, sample_weight)``.

    >>> pack_x_y_sample_weight(1, 2)
    (1, 2)
    """
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def standardize_element(data: Any, context: str) -> tuple[Any, Any, Any, int]:
    """One element yielded by a dataset/generator as NumPy ``(x, y, sample_weight, rows)``."""
    x, y, sw = unpack_x_y_sample_weight(data)
    if x is None:
        raise ValueError(f"{context} yielded an element whose inputs `x` are None: {str(data)[:200]}")
    x = to_numpy_structure(x, "x")
    y = to_numpy_structure(y, "y")
    sw = to_numpy_structure(sw, "sample_weight")
    return x, y, sw, count_rows(x, y, sw, context=f" in {context}")


def count_rows(x: Any, y: Any, sw: Any, context: str = "") -> int:
    """The number of samples shared by every array of ``x``, ``y`` and ``sample_weight`` (or an error
    naming each input and its length)."""
    sizes = [(p, a.shape[0]) for tree, name in ((x, "x"), (y, "y"), (sw, "sample_weight"))
             for p, a in leaves_with_paths(tree, name)]
    if not sizes:
        raise ValueError(f"No input arrays found{context}: `x` holds no arrays.")
    check_cardinality(sizes, context)
    return sizes[0][1]


def check_sample_weight(y: Any, sw: Any) -> Any:
    """Validate and convert sample weights to float32 (Keras rules for multi-output models)."""
    if sw is None:
        return None
    if is_nested(y) and not is_nested(sw):
        if not (sw.ndim == 1 or (sw.ndim == 2 and sw.shape[1] == 1)):
            raise ValueError("For a model with multiple outputs, when providing a single `sample_weight` array, "
                             "it should only have one scalar score per sample (i.e. shape `(num_samples,)`). "
                             f"Received sample_weight of shape {sw.shape}. If you want to use non-scalar sample "
                             "weights, pass a `sample_weight` argument with one array per model output.")
    elif is_nested(sw) and is_nested(y):
        if _shape_of_structure(sw) != _shape_of_structure(y):
            raise ValueError("You should provide one `sample_weight` array per output in `y`. The two structures "
                             f"did not match:\n- y: {_describe(y)}\n- sample_weight: {_describe(sw)}")
    return map_structure(lambda a, _: a.astype(np.float32, copy=False), sw, "")


def class_weight_to_sample_weight(y: Any, class_weight: dict[int, float], sw: Any = None) -> np.ndarray:
    """Per-sample weights from ``class_weight`` (class index -> weight; missing classes weigh 1.0). The class
    is the integer label, the argmax of a one-hot/probability ``y``, or the rounded value of a ``(n, 1)`` y.

    >>> class_weight_to_sample_weight(np.array([0, 1, 1]), {1: 2.0})
    array([1., 2., 2.], dtype=float32)
    """
    if sw is not None:
        raise ValueError("You cannot specify `class_weight` and `sample_weight` at the same time.")
    if is_nested(y):
        raise ValueError("`class_weight` is only supported for Models with a single output.")
    if y is None:
        raise ValueError("`class_weight` needs targets `y` to look up each sample's class; received y=None.")
    labels = np.asarray(y)
    if labels.ndim > 1:
        labels = labels.reshape(labels.shape[0], -1)
        labels = labels[:, 0] if labels.shape[1] == 1 else np.argmax(labels, axis=-1)
    labels = np.round(labels).astype(np.int64)
    table = {int(k): float(v) for k, v in class_weight.items()}
    if not table:
        return np.ones(labels.shape[0], np.float32)
    return np.array([table.get(int(c), 1.0) for c in labels], np.float32)


def finalize_batch(data: tuple[Any, Any, Any], batch_size: int, rows: int | None = None) -> Batch:
    """Pad ``(x, y, sample_weight)`` of ``rows`` <= ``batch_size`` rows to exactly ``batch_size`` rows."""
    x, y, sw = data
    if rows is None:
        rows = count_rows(x, y, sw)
    if sw is None:
        sw = np.ones(rows, np.float32)
    mask = np.ones(batch_size, np.float32)
    if rows < batch_size:
        index = np.arange(batch_size) % rows
        x, y, sw = take_rows(x, index), take_rows(y, index), take_rows(sw, index)
        mask[rows:] = 0.0
        sw = map_structure(lambda a, _: _zero_padding(a, rows), sw, "")
    return Batch(x, y, sw, mask)


def split_rows(data: tuple[Any, Any, Any], rows: int, batch_size: int) -> Iterator[tuple[tuple[Any, Any, Any], int]]:
    """Chunks of at most ``batch_size`` rows (a batch larger than the compiled batch size is split)."""
    if rows <= batch_size:
        yield data, rows
        return
    for start in range(0, rows, batch_size):
        stop = min(start + batch_size, rows)
        yield tuple(take_rows(t, slice(start, stop)) for t in data), stop - start  # type: ignore[misc]


def _zero_padding(a: np.ndarray, rows: int) -> np.ndarray:
    a = np.array(a, copy=True)
    a[rows:] = 0.0
    return a


def _shape_of_structure(tree: Any) -> Any:
    if isinstance(tree, dict):
        return ("dict", tuple(sorted(map(repr, tree))))
    if isinstance(tree, (list, tuple)):
        return ("seq", tuple(_shape_of_structure(t) for t in tree))
    return "leaf"


def _describe(tree: Any) -> str:
    return str(map_structure(lambda a, _: f"array{tuple(a.shape)}", tree, ""))


__all__ = ["Batch", "check_sample_weight", "class_weight_to_sample_weight", "count_rows", "finalize_batch",
           "pack_x_y_sample_weight", "split_rows", "standardize_element", "to_numpy",
           "unpack_x_y_sample_weight"]
