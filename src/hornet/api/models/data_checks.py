"""Checks of the data given to ``fit``/``evaluate``, on the host, where they cost little:

- labels of a sparse categorical cross-entropy outside ``[0, classes)`` (a model would train with loss 0.0 and
  no error) raise a :class:`DataError` naming the label, its row and the output;
- NaN or infinite values warn once per call (an :class:`InputDataWarning`), naming the array and the first bad
  row;
- an error raised while the step is traced on the data names the user's arrays and their shapes, not only the
  padded batch the step saw.

In-memory arrays are checked once, whole, so rows are the user's row numbers; streamed data (generators,
datasets) is checked batch by batch. ``hornet.config.set_input_data_checks(False)`` turns the value checks off.

>>> check_labels(model, adapter, "fit")                     # doctest: +SKIP
DataError: fit: y has label 5 at row 0, but output 'dense' ... expects class ids in [0, 3)
"""
from __future__ import annotations

import warnings
from typing import Any, Iterator

import numpy as np

from hornet.ir import pytree
from hornet.ir.errors import DataError

_ENABLED = [True]


class InputDataWarning(UserWarning):
    """Training or evaluation data holds values that will poison the results (NaN, infinity)."""


def input_data_checks() -> bool:
    """Whether fit/evaluate check the data's values (on by default)."""
    return _ENABLED[0]


def set_input_data_checks(enabled: bool) -> None:
    """Turn the NaN and label-range checks of fit/evaluate on or off (shape checks always run)."""
    _ENABLED[0] = bool(enabled)


def _leaves(tree: Any, path: str) -> Iterator[tuple[str, np.ndarray]]:
    from hornet.runtime.data.structure import leaves_with_paths

    return leaves_with_paths(tree, path)


def describe_data(adapter: Any) -> str:
    """``x: float32 array of shape (64, 7), y: ...`` for in-memory data, else what the stream yields."""
    from hornet.runtime.data.arrays import ArrayAdapter

    if isinstance(adapter, ArrayAdapter):
        parts = [f"{p}: {a.dtype} array of shape {tuple(a.shape)}"
                 for tree, name in zip(adapter.arrays, ("x", "y", "sample_weight")) for p, a in _leaves(tree, name)]
        return ", ".join(parts) + f" (fed in batches of {adapter.batch_size} rows)"
    first = adapter.peek()
    parts = [f"{p}: batches of shape {tuple(a.shape)}"
             for tree, name in zip((first.x, first.y), ("x", "y")) for p, a in _leaves(tree, name)]
    return f"{getattr(adapter, 'source_name', 'streamed data')} yielding " + ", ".join(parts)


def with_data_context(error: BaseException, what: str, adapter: Any) -> BaseException:
    """``error`` (same type) prefixed with a description of the data ``what`` (fit, evaluate) was called on."""
    if str(error).startswith(f"{what}: on data "):
        return error
    message = f"{what}: on data {describe_data(adapter)}: {error}"
    try:
        return type(error)(message)
    except Exception:  # an exception type with another constructor
        return error


def check_values(adapter: Any, what: str) -> None:
    """Warn once if in-memory float data holds NaN or infinity, naming the array and the first bad row."""
    from hornet.runtime.data.arrays import ArrayAdapter

    if not _ENABLED[0] or not isinstance(adapter, ArrayAdapter):
        return
    for tree, name in zip(adapter.arrays, ("x", "y", "sample_weight")):
        for path, a in _leaves(tree, name):
            if a.dtype.kind != "f" or a.size == 0:
                continue
            bad = ~np.isfinite(a.reshape(len(a), -1)).all(axis=1)
            if bad.any():
                row = int(np.argmax(bad))
                value = a.reshape(len(a), -1)[row][~np.isfinite(a.reshape(len(a), -1)[row])][0]
                warnings.warn(f"{what}: {path} holds {value} at row {row} ({int(bad.sum())} rows hold NaN or "
                              "infinity); the loss and the weights will become NaN. Clean the data, or turn this "
                              "check off with hornet.config.set_input_data_checks(False)",
                              InputDataWarning, stacklevel=4)
                return


def sparse_label_outputs(model: Any, first: Any) -> list[tuple[int, str, int, Any]]:
    """``(output index, output name, classes, ignore_class)`` for each output trained with a sparse
    categorical cross-entropy; builds the compiled loss from the first batch's shapes (one forward trace)."""
    from hornet.api.layers.keras_tensor import KerasTensor, output_spec
    from hornet.api.losses import crossentropy

    compiled = getattr(model, "_compiled_loss", None)
    if compiled is None or first.y is None or not _may_be_sparse(compiled.spec):
        return []
    if compiled.losses is None:
        x_spec = pytree.tree_map(lambda a: KerasTensor((None,) + tuple(a.shape[1:]), a.dtype.name), first.x)
        y_pred = output_spec(model, (x_spec,), {"training": False})
        compiled.build(first.y, y_pred)
        model._sparse_classes = [getattr(t, "shape", (None,))[-1] for t in pytree.flatten(y_pred)[0]]
    out = []
    for i, loss in enumerate(compiled.losses or []):
        if getattr(loss, "fn", None) is crossentropy.sparse_categorical_crossentropy:
            classes = model._sparse_classes[i] if i < len(model._sparse_classes) else None
            if isinstance(classes, int):
                out.append((i, compiled.names[i], classes, loss._fn_kwargs.get("ignore_class")))
    return out


def _may_be_sparse(spec: Any) -> bool:
    text = repr(spec).lower() + " ".join(getattr(f, "__name__", "") for f in pytree.flatten(spec)[0]).lower()
    return "sparse" in text


def _targets(y: Any, index: int) -> Any:
    if isinstance(y, dict):
        return None
    leaves = pytree.flatten(y)[0]
    return leaves[index] if index < len(leaves) else None


def check_labels(model: Any, adapter: Any, what: str) -> Any:
    """Check the labels of sparse cross-entropy outputs. In-memory data is checked whole, now; for streamed
    data a per-batch checker is returned (call it with each batch), else None."""
    from hornet.runtime.data.arrays import ArrayAdapter

    if not _ENABLED[0]:
        return None
    outputs = sparse_label_outputs(model, adapter.peek())
    if not outputs:
        return None
    if isinstance(adapter, ArrayAdapter):
        y = adapter.arrays[1]
        for index, name, classes, ignore in outputs:
            labels = y[name] if isinstance(y, dict) and name in y else _targets(y, index)
            if labels is not None:
                _check_label_array(labels, classes, ignore, name, what, "y")
        return None
    count = [0]

    def per_batch(batch: Any) -> None:
        for index, name, classes, ignore in outputs:
            labels = batch.y[name] if isinstance(batch.y, dict) and name in batch.y else _targets(batch.y, index)
            if labels is not None:
                real = batch.num_real
                _check_label_array(np.asarray(labels)[:real], classes, ignore, name, what, f"y of batch {count[0]}")
        count[0] += 1

    return per_batch


def _check_label_array(labels: Any, classes: int, ignore: Any, output: str, what: str, where: str) -> None:
    a = np.asarray(labels)
    if a.size == 0 or a.dtype.kind not in "iuf":
        return
    flat = a.reshape(len(a), -1) if a.ndim > 0 else a.reshape(1, 1)
    bad = (flat < 0) | (flat >= classes) | ~np.isfinite(flat) if a.dtype.kind == "f" else (flat < 0) | (flat >= classes)
    if ignore is not None:
        bad &= flat != ignore
    if a.dtype.kind == "f":
        bad |= np.isfinite(flat) & (flat != np.floor(flat))
    rows = bad.any(axis=1)
    if not rows.any():
        return
    row = int(np.argmax(rows))
    value = flat[row][bad[row]][0]
    value = int(value) if float(value).is_integer() else float(value)
    raise DataError(f"{what}: {where} has label {value} at row {row}, but output '{output}' is trained with "
                    f"sparse categorical cross-entropy over {classes} classes, which expects class ids in "
                    f"[0, {classes}){'' if ignore is None else f' (or ignore_class={ignore})'}; "
                    f"{int(rows.sum())} rows hold such labels")


__all__ = ["InputDataWarning", "input_data_checks", "set_input_data_checks", "describe_data", "with_data_context",
           "check_values", "check_labels", "sparse_label_outputs"]
