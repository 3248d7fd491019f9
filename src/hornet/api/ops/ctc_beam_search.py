"""CTC prefix beam search (``ctc_decode(strategy="beam_search")``), batched, one ``scan`` step per frame.

The beam holds ``2 * beam_width`` entries: each kept label prefix twice, once with the log-probability of the
alignments that end in a label and once of those that end in a blank (Keras 3 on JAX keeps the same pair).
A step extends every entry by every class (a blank, or a repeat of the last label right after it, keeps the
prefix), merges the candidates with equal prefixes (a lexicographic sort on the prefix, then log-sum-exp per run
of equal rows, label-ended and blank-ended apart) and keeps the ``beam_width`` prefixes of highest total
probability. Frames past a sequence's length leave its beam unchanged.

>>> from hornet import ops
>>> logits = np.log(np.array([[[0.6, 0.4], [0.6, 0.4]]], "float32"))
>>> ops.ctc_decode(logits, [2], strategy="beam_search", beam_width=2)[0][0]   # doctest: +SKIP
Array([[ 1, -1]], dtype=int32)
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from hornet.api import ops
from hornet.api.ops.core import bind, fmt_shape
from hornet.ir.errors import ShapeError

__all__ = ["beam_search"]

_PAD = -1


def _batch_rows(batch: int, width: int) -> Any:
    """``(batch, width)`` int32 row numbers, for batched scatters."""
    return np.broadcast_to(np.arange(batch, dtype=np.int32)[:, None], (batch, width))


def _segment(data: Any, ids: Any, mode: str, fill: float) -> Any:
    """Per-batch segment reduction: ``out[b, g] = reduce(data[b, m] for ids[b, m] == g)`` over ``width`` slots."""
    batch, width = ops.shape(data)
    init = ops.full((batch, width), fill, dtype=ops.dtype(data))
    index = ops.stack([_batch_rows(batch, width), ids], axis=-1)
    return bind("scatter", init, index, data, mode=mode, op="ctc_decode")


def _merge(paths: Any, scores: Any, masked: Any) -> tuple[Any, Any, Any, Any]:
    """Merge equal rows of ``paths`` (batch, n, time): returns, per group slot ``g`` (groups numbered in sorted
    order, the unused slots last), the group's path (all ``-1`` for unused slots), its label-ended and blank-ended
    log-probabilities and whether the slot is used."""
    batch, n, time = ops.shape(paths)
    columns = [paths[:, :, i] for i in range(time)]
    position = ops.broadcast_to(ops.arange(n, dtype="int32")[None, :], (batch, n))
    order = bind("sort", *columns, position, dimension=1, num_keys=time, descending=False, op="ctc_decode")[-1]
    sorted_paths = ops.take_along_axis(paths, order[:, :, None], axis=1)
    differs = ops.any(ops.not_equal(sorted_paths[:, 1:], sorted_paths[:, :-1]), axis=-1)
    starts = ops.concatenate([ops.ones((batch, 1), dtype="bool"), differs], axis=1)
    group = ops.cumsum(ops.cast(starts, "int32"), axis=1) - 1
    s = ops.take_along_axis(scores, order, axis=1)
    m = ops.take_along_axis(masked, order, axis=1)

    def logsumexp(values: Any) -> Any:
        top = _segment(values, group, "max", -math.inf)
        safe = ops.where(ops.isfinite(top), top, 0.0)
        shifted = ops.exp(values - ops.take_along_axis(safe, group, axis=1))
        return ops.log(_segment(shifted, group, "add", 0.0)) + safe

    emit = logsumexp(ops.where(m, -math.inf, s))
    blank = logsumexp(ops.where(m, s, -math.inf))
    first = _segment(ops.broadcast_to(ops.arange(n, dtype="int32")[None, :], (batch, n)), group, "min", n)
    used = first < n
    group_paths = ops.take_along_axis(sorted_paths, ops.minimum(first, n - 1)[:, :, None], axis=1)
    group_paths = ops.where(used[:, :, None], group_paths, _PAD)
    return group_paths, emit, blank, used


def _extend(paths: Any, scores: Any, masked: Any, logp: Any, blank: int) -> tuple[Any, Any, Any]:
    """Every entry extended by every class: ``(batch, entries * classes)`` candidates."""
    batch, entries, time = ops.shape(paths)
    classes = ops.shape(logp)[-1]
    lengths = ops.sum(ops.cast(ops.not_equal(paths, _PAD), "int32"), axis=-1)
    last = ops.take_along_axis(paths, ops.maximum(lengths - 1, 0)[:, :, None], axis=2)[:, :, 0]
    last = ops.where(lengths > 0, last, _PAD)
    cls = np.arange(classes, dtype=np.int32)
    is_blank = (cls == blank)[None, None, :]
    repeat = ops.logical_and(ops.logical_not(masked)[:, :, None], ops.equal(last[:, :, None], cls[None, None, :]))
    grow = ops.logical_and(np.logical_not(is_blank), ops.logical_not(repeat))
    at_end = ops.equal(ops.arange(time, dtype="int32")[None, None, None, :], lengths[:, :, None, None])
    new_paths = ops.where(ops.logical_and(grow[:, :, :, None], at_end), cls[None, None, :, None],
                          paths[:, :, None, :])
    new_scores = scores[:, :, None] + logp[:, None, :]
    new_masked = ops.broadcast_to(is_blank, (batch, entries, classes))
    n = entries * classes
    return (ops.reshape(new_paths, (batch, n, time)), ops.reshape(new_scores, (batch, n)),
            ops.reshape(new_masked, (batch, n)))


def _prune(paths: Any, scores: Any, masked: Any, width: int) -> tuple[Any, Any, Any]:
    group_paths, emit, blank, _ = _merge(paths, scores, masked)
    total = ops.logaddexp(emit, blank)
    keep = ops.top_k(total, width, sorted=True)[1]
    kept = ops.take_along_axis(group_paths, keep[:, :, None], axis=1)
    scores = ops.concatenate([ops.take_along_axis(emit, keep, axis=1), ops.take_along_axis(blank, keep, axis=1)],
                             axis=1)
    batch = ops.shape(paths)[0]
    masked = ops.concatenate([ops.zeros((batch, width), dtype="bool"), ops.ones((batch, width), dtype="bool")],
                             axis=1)
    return ops.concatenate([kept, kept], axis=1), scores, masked


def beam_search(inputs: Any, lengths: Any, beam_width: int, top_paths: int, blank: int) -> tuple[Any, Any]:
    """``(paths (top_paths, batch, time) int32, scores (batch, top_paths))``: the ``top_paths`` most probable
    label sequences of each sequence by prefix beam search, ``-1`` after their labels.

    >>> beam_search(np.zeros((1, 2, 2), "float32"), np.array([2]), 2, 1, 0)[0].shape   # doctest: +SKIP
    (1, 1, 2)
    """
    op = "ctc_decode"
    batch, time, classes = ops.shape(inputs)
    if not isinstance(batch, int):
        raise ShapeError(f"{op}: beam search needs a static batch size, got inputs of shape "
                         f"{fmt_shape(ops.shape(inputs))}")
    if not isinstance(beam_width, int) or beam_width < 1:
        raise ValueError(f"{op}: beam_width must be a positive int, got beam_width={beam_width!r}")
    if not isinstance(top_paths, int) or not 1 <= top_paths <= 2 * beam_width:
        raise ValueError(f"{op}: top_paths must be an int in [1, 2 * beam_width], got top_paths={top_paths!r}")
    logp = ops.log_softmax(inputs, axis=-1)
    entries = 2 * beam_width
    first = min(classes, beam_width)
    # the first frame: the `first` most probable classes, each a prefix of one label (or empty for the blank)
    top_scores, top_classes = ops.top_k(logp[:, 0], first, sorted=True)
    head = ops.where(ops.equal(top_classes, blank), _PAD, top_classes)
    head = ops.pad(head, [(0, 0), (0, entries - first)], constant_values=_PAD)
    paths = ops.pad(head[:, :, None], [(0, 0), (0, 0), (0, time - 1)], constant_values=_PAD)
    scores = ops.pad(top_scores, [(0, 0), (0, entries - first)], constant_values=-math.inf)
    masked = ops.equal(head, _PAD)
    if time > 1:
        live = ops.arange(1, time)[:, None] < lengths[None, :]

        def step(state: Any, xs: Any) -> tuple[Any, Any]:
            paths, scores, masked = state
            frame, active = xs
            cand = _extend(paths, scores, masked, frame, blank)
            new = _prune(*cand, beam_width)
            pick = active[:, None]
            return (ops.where(pick[:, :, None], new[0], paths), ops.where(pick, new[1], scores),
                    ops.where(pick, new[2], masked)), None

        (paths, scores, masked), _ = ops.scan(step, (paths, scores, masked),
                                              (ops.transpose(logp[:, 1:], (1, 0, 2)), live))
    group_paths, emit, blank_scores, _ = _merge(paths, scores, masked)
    total = ops.logaddexp(emit, blank_scores)
    best_scores, best = ops.top_k(total, top_paths, sorted=True)
    decoded = ops.take_along_axis(group_paths, best[:, :, None], axis=1)
    return ops.transpose(decoded, (1, 0, 2)), best_scores
