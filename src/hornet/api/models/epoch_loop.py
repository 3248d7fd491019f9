"""The host-side loops of fit / evaluate / predict: batches from a data adapter into the compiled steps,
callbacks around them. Batch logs stay on the device; they become floats once per epoch (or when a callback
asks for batch logs)."""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from hornet.api.models import data_checks, multihost
from hornet.ir import pytree
from hornet.ir.errors import HornetError
from hornet.runtime.backend import to_numpy
from hornet.runtime.data import Batch, make_adapter, train_validation_split
from hornet.runtime.processes import is_chief, process_support

_DATA_ERRORS = (HornetError, TypeError, ValueError)


def _host(tree: Any) -> Any:
    """float64 host data becomes float32 (Keras's floatx); everything else keeps its dtype."""
    def one(a: Any) -> Any:
        if isinstance(a, np.ndarray) and a.dtype == np.float64:
            return a.astype(np.float32)
        return a

    return pytree.tree_map(one, tree)


def _pack(batch: Batch, with_sw: bool) -> Any:
    x = _host(batch.x)
    if batch.y is None:
        return (x,)
    y = _host(batch.y)
    return (x, y, batch.sample_weight) if with_sw else (x, y)


def _chunks(batches: Iterator[Batch], k: int, with_sw: bool) -> Iterator[tuple[Any, np.ndarray, int]]:
    """(data, mask, number of batches) per step call; with k > 1, k batches stacked (all-padding fill)."""
    if k == 1:
        for b in batches:
            yield _pack(b, with_sw), b.mask, 1
        return
    group: list[Batch] = []
    for b in batches:
        group.append(b)
        if len(group) == k:
            yield _stack(group, k, with_sw)
            group = []
    if group:
        yield _stack(group, k, with_sw)


def _stack(group: list[Batch], k: int, with_sw: bool) -> tuple[Any, np.ndarray, int]:
    n = len(group)
    filled = group + [group[-1]._replace(mask=np.zeros_like(group[-1].mask))] * (k - n)
    packed = [_pack(b, with_sw) for b in filled]
    leaves = [pytree.flatten(p)[0] for p in packed]
    tree = pytree.flatten(packed[0])[1]
    data = pytree.unflatten(tree, [np.stack(parts) for parts in zip(*leaves)])
    return data, np.stack([b.mask for b in filled]), n


def _floats(logs: Any) -> dict[str, float]:
    """Python floats; nested dicts (e.g. a ``compile_metrics`` result in custom step logs) are flattened."""
    out: dict[str, float] = {}
    for k, v in (logs or {}).items():
        if isinstance(v, dict):
            out.update(_floats(v))
        else:
            out[k] = float(to_numpy(v))
    return out


def _verbose(verbose: Any) -> int:
    if not is_chief():  # a multi-process run prints once, from process 0
        return 0
    return 1 if verbose == "auto" else int(verbose)


def _callbacks(model: Any, callbacks: Any, verbose: int, epochs: int, steps: int | None) -> Any:
    from hornet.api.callbacks import CallbackList

    return CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=model, verbose=verbose,
                        epochs=epochs, steps=steps)


def _has_sample_weight(adapter: Any, sample_weight: Any, class_weight: Any) -> bool:
    if sample_weight is not None or class_weight is not None:
        return True
    sw = adapter.peek().sample_weight
    return any(not np.all(np.asarray(a) == 1.0) for a in pytree.flatten(sw)[0])


def fit(model: Any, x: Any, y: Any, batch_size: Any, epochs: int, verbose: Any, callbacks: Any,
        validation_split: float, validation_data: Any, shuffle: Any, class_weight: Any, sample_weight: Any,
        initial_epoch: int, steps_per_epoch: Any, validation_steps: Any, validation_batch_size: Any,
        validation_freq: int) -> Any:
    if validation_split and validation_data is None:
        (x, y, sample_weight), validation_data = train_validation_split((x, y, sample_weight), validation_split)
    adapter = make_adapter(x, y, sample_weight, batch_size, steps_per_epoch, shuffle, class_weight)
    verbose = _verbose(verbose)
    k = model.steps_per_execution
    first = adapter.peek()
    try:
        model._prepare(_host(first.x))
        label_check = data_checks.check_labels(model, adapter, "fit")
    except data_checks.DataError:
        raise
    except _DATA_ERRORS as e:
        raise data_checks.with_data_context(e, "fit", adapter) from e
    data_checks.check_values(adapter, "fit")
    with_sw = _has_sample_weight(adapter, sample_weight, class_weight)
    feed, with_sw = multihost.process_feed(model, adapter, "fit", with_sw)  # None on one process
    step = _checked(model._step("train"), adapter, "fit", feed)
    cbs = _callbacks(model, callbacks, verbose, epochs, adapter.num_batches)
    val_adapter = None
    if validation_data is not None:
        vx, vy, vsw = _unpack_validation(validation_data)
        val_adapter = make_adapter(vx, vy, vsw, validation_batch_size or batch_size or adapter.batch_size,
                                   validation_steps)
    model.stop_training = False
    cbs.on_train_begin()
    initial_epoch, skip = _resume_point(model, adapter, initial_epoch)
    epoch_logs: dict[str, float] = {}
    for epoch in range(initial_epoch, epochs):
        model.reset_metrics()
        cbs.on_epoch_begin(epoch)
        logs: Any = None
        index = 0
        for data, mask, n in _chunks(_label_checked(adapter.iterate_epoch(), label_check), k, with_sw):
            if skip > 0:  # trained before the backup this fit resumes from
                skip -= n
                index += n
                continue
            cbs.on_train_batch_begin(index)
            logs = step(data, mask)
            index += n
            cbs.on_train_batch_end(index - 1, logs)
            if model.stop_training:
                break
        if logs is None:
            raise ValueError("fit: the training data yielded no batches in this epoch")
        epoch_logs = _floats(logs)
        if val_adapter is not None and (epoch + 1) % validation_freq == 0:
            cbs.on_test_begin()
            val_logs = _evaluate_adapter(model, val_adapter, cbs, "fit (validation data)")
            cbs.on_test_end(val_logs)
            epoch_logs.update({f"val_{name}": value for name, value in val_logs.items()})
        cbs.on_epoch_end(epoch, epoch_logs)
        if model.stop_training:
            break
    if hasattr(model.optimizer, "finalize_variable_values"):  # e.g. EMA weights replace the trained ones
        model.optimizer.finalize_variable_values(model.trainable_variables)
    cbs.on_train_end(epoch_logs)
    return model.history


def _resume_point(model: Any, adapter: Any, initial_epoch: int) -> tuple[int, int]:
    """``(epoch, batches to skip)``: where a callback that restored a backup (BackupAndRestore) says fit goes on."""
    point = getattr(model, "_resume_point", None)
    if point is None:
        return initial_epoch, 0
    model._resume_point = None
    epoch, batch, new_pass = point
    if new_pass:  # the epoch draws its order from the restored RNG, not the pass peeked before
        adapter.start_new_pass()
    return epoch, batch


def _unpack_validation(data: Any) -> tuple[Any, Any, Any]:
    if isinstance(data, (tuple, list)) and len(data) in (2, 3):
        return (data[0], data[1], data[2] if len(data) == 3 else None)
    return data, None, None


def _checked(step: Any, adapter: Any, what: str, feed: Any = None) -> Any:
    """The step, with errors from tracing it on this data naming the user's arrays. With a multi-process
    ``feed``, each host batch becomes this process's part of a global batch first."""
    def run(data: Any, mask: Any) -> Any:
        if feed is not None:
            data, mask = feed(data, mask)
        try:
            return step(data, mask)
        except data_checks.DataError:
            raise
        except _DATA_ERRORS as e:
            raise data_checks.with_data_context(e, what, adapter) from e

    return run


def _label_checked(batches: Iterator[Batch], check: Any) -> Iterator[Batch]:
    for batch in batches:
        if check is not None:
            check(batch)
        yield batch


def _evaluate_adapter(model: Any, adapter: Any, cbs: Any, what: str = "evaluate") -> dict[str, float]:
    try:
        model._prepare(_host(adapter.peek().x))
        label_check = data_checks.check_labels(model, adapter, what)
    except data_checks.DataError:
        raise
    except _DATA_ERRORS as e:
        raise data_checks.with_data_context(e, what, adapter) from e
    data_checks.check_values(adapter, what)
    with_sw = _has_sample_weight(adapter, None, None)
    feed, with_sw = multihost.process_feed(model, adapter, what, with_sw)
    step = _checked(model._step("test"), adapter, what, feed)
    model.reset_metrics()
    logs: Any = None
    index = 0
    for data, mask, n in _chunks(_label_checked(adapter.iterate_epoch(), label_check), model.steps_per_execution,
                                 with_sw):
        if cbs is not None:
            cbs.on_test_batch_begin(index)
        logs = step(data, mask)
        index += n
        if cbs is not None:
            cbs.on_test_batch_end(index - 1, logs)
    return _floats(logs)


def evaluate(model: Any, x: Any, y: Any, batch_size: Any, verbose: Any, sample_weight: Any, steps: Any,
             callbacks: Any) -> dict[str, float]:
    adapter = make_adapter(x, y, sample_weight, batch_size, steps)
    verbose = _verbose(verbose)
    cbs = _callbacks(model, callbacks, verbose, 1, adapter.num_batches)
    cbs.on_test_begin()
    logs = _evaluate_adapter(model, adapter, cbs)
    cbs.on_test_end(logs)
    return logs


def _small_array_input(x: Any, batch_size: Any) -> int | None:
    """Rows of ``x`` when it is NumPy arrays that fit in one batch (predict then skips the data pipeline)."""
    leaves = pytree.flatten(x)[0] if isinstance(x, (dict, list, tuple)) else [x]
    if not leaves or not all(type(a) is np.ndarray and a.ndim >= 1 for a in leaves):
        return None
    rows = len(leaves[0])
    if rows == 0 or any(len(a) != rows for a in leaves) or rows > (batch_size or 32):
        return None
    return rows


def _predict_directly(model: Any, x: Any) -> Any:
    """The compiled predict step on NumPy inputs that form one batch."""
    xs = _host(tuple(x) if isinstance(x, list) else x)
    model._prepare(xs)
    out = model._step("predict")((xs,), np.ones(len(pytree.flatten(xs)[0][0]), np.float32))
    return pytree.tree_map(to_numpy, out)


def predict(model: Any, x: Any, batch_size: Any, verbose: Any, steps: Any, callbacks: Any) -> Any:
    if (verbose == 0 and callbacks is None and steps is None and process_support() is None
            and _small_array_input(x, batch_size)):
        return _predict_directly(model, x)  # one batch, nobody watching: no data pipeline
    adapter = make_adapter(x, None, None, batch_size, steps)
    verbose = _verbose(verbose)
    model._prepare(_host(adapter.peek().x))
    step = model._step("predict")
    feed, _ = multihost.process_feed(model, adapter, "predict", False)
    cbs = _callbacks(model, callbacks, verbose, 1, adapter.num_batches)
    cbs.on_predict_begin()
    pieces: list[list[np.ndarray]] = []
    tree = None
    for index, batch in enumerate(adapter.iterate_epoch()):
        cbs.on_predict_batch_begin(index)
        data, mask = (_host(batch.x),), batch.mask
        if feed is not None:  # multi-process: a global batch in, this process's rows out
            data, mask = feed(data, mask)
        out = step(data, mask)
        leaves, tree = pytree.flatten(out)
        real = batch.num_real
        pieces.append([(to_numpy(a) if feed is None else feed.local(a))[:real] for a in leaves])
        cbs.on_predict_batch_end(index, {"outputs": out})
    cbs.on_predict_end()
    if tree is None:
        raise ValueError("predict: the input data yielded no batches")
    return pytree.unflatten(tree, [np.concatenate(parts) for parts in zip(*pieces)])


def run_one_batch(model: Any, kind: str, x: Any, y: Any, sample_weight: Any, class_weight: Any) -> Any:
    """train_on_batch / test_on_batch / predict_on_batch: the whole input is one batch."""
    if kind == "predict" and _small_array_input(x, float("inf")):
        return _predict_directly(model, x)
    x_leaves = pytree.flatten(x)[0]
    rows = len(x_leaves[0]) if x_leaves else 0
    adapter = make_adapter(x, y, sample_weight, max(rows, 1), None, False, class_weight)
    batch = adapter.peek()
    model._prepare(_host(batch.x))
    if kind == "predict":
        out = model._step("predict")((_host(batch.x),), batch.mask)
        return pytree.tree_map(to_numpy, out)
    with_sw = _has_sample_weight(adapter, sample_weight, class_weight)
    if model.steps_per_execution > 1:
        data, mask, _ = _stack([batch], model.steps_per_execution, with_sw)
    else:
        data, mask = _pack(batch, with_sw), batch.mask
    return _floats(model._step(kind)(data, mask))


__all__ = ["fit", "evaluate", "predict", "run_one_batch"]
