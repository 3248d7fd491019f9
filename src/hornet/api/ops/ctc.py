"""Connectionist Temporal Classification with ``keras.ops`` names: ``ctc_loss`` and ``ctc_decode`` (greedy here,
beam search in ``ctc_beam_search.py``), following Keras 3 on JAX.

``ctc_loss`` is the CTC forward algorithm in log space over the label sequence with blanks interleaved
(``blank, l1, blank, l2, ..., blank``), one ``scan`` step per frame, so it traces once and differentiates with
hornet's reverse mode. Unreachable states hold a large negative log-probability (``-1e5``, as Keras) instead of
``-inf``, which keeps every step and its gradient finite.

>>> from hornet import ops
>>> logits = np.zeros((1, 3, 3), "float32")            # uniform over {blank, a, b}, 3 frames
>>> ops.ctc_loss(np.array([[1, 2]]), logits, np.array([2]), np.array([3]))   # doctest: +SKIP
Array([1.686399], dtype=float32)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from hornet.api import ops
from hornet.api.ops.core import fmt_shape
from hornet.ir.dtypes import DType, dtype as to_dtype, promote_types
from hornet.ir.errors import ShapeError

__all__ = ["ctc_loss", "ctc_decode"]

LOG_EPSILON = -1e5  # Keras's stand-in for log(0)
STRATEGIES = ("greedy", "beam_search")


def _float_input(x: Any) -> Any:
    """Logits in at least float32 (Keras promotes them with float32)."""
    x = ops.convert_to_tensor(x)
    d = to_dtype(ops.dtype(x))
    return ops.cast(x, promote_types(d, DType.float32) if d.is_floating else DType.float32)


def _check_rank(op: str, name: str, x: Any, rank: int, layout: str) -> None:
    if ops.ndim(x) != rank:
        raise ShapeError(f"{op}: {name} must be a rank-{rank} tensor {layout}, got shape {fmt_shape(ops.shape(x))}")


def _logsumexp3(a: Any, b: Any, c: Any) -> Any:
    top = ops.maximum(ops.maximum(a, b), c)
    top = ops.stop_gradient(top)
    return top + ops.log(ops.exp(a - top) + ops.exp(b - top) + ops.exp(c - top))


def _shift(x: Any, k: int) -> Any:
    """``x`` moved ``k`` places right along the last axis, filled with ``LOG_EPSILON``."""
    n = ops.shape(x)[-1]
    filled = ops.pad(x, [(0, 0)] * (ops.ndim(x) - 1) + [(k, 0)], constant_values=LOG_EPSILON)
    return filled[..., :n]


def ctc_loss(target: Any, output: Any, target_length: Any, output_length: Any, mask_index: int = 0) -> Any:
    """The per-sequence CTC loss ``-log p(target | output)``, shape ``(batch,)``.

    ``target`` holds integer labels ``(batch, max_label_length)`` (entries past ``target_length`` are ignored),
    ``output`` unnormalized logits ``(batch, max_time, num_classes)`` (frames past ``output_length`` are
    ignored); ``mask_index`` is the blank class.

    >>> ctc_loss([[1]], np.zeros((1, 2, 2), "float32"), [1], [2])   # paths (1,1), (0,1), (1,0)   # doctest: +SKIP
    Array([0.2876821], dtype=float32)
    """
    op = "ctc_loss"
    target = ops.cast(ops.convert_to_tensor(target), "int32")
    output = _float_input(output)
    _check_rank(op, "target", target, 2, "(batch, max_label_length)")
    _check_rank(op, "output", output, 3, "(batch, max_time, num_classes)")
    target_length = ops.cast(ops.convert_to_tensor(target_length), "int32")
    output_length = ops.cast(ops.convert_to_tensor(output_length), "int32")
    _check_rank(op, "target_length", target_length, 1, "(batch,)")
    _check_rank(op, "output_length", output_length, 1, "(batch,)")
    _, time, classes = ops.shape(output)
    labels = ops.shape(target)[1]
    if not isinstance(time, int) or not isinstance(labels, int):
        raise ShapeError(f"{op}: the time and label axes must be static, got output {fmt_shape(ops.shape(output))} "
                         f"and target {fmt_shape(ops.shape(target))}")
    if isinstance(classes, int) and not 0 <= mask_index < classes:
        raise ValueError(f"{op}: mask_index={mask_index} is not a class of output (num_classes={classes})")
    from hornet.api.random.staging import staged  # (imported here: the random package imports the ops)

    # eagerly one compiled program (a scan over the frames), not one dispatch per prim
    return staged(_ctc_loss, target, output, target_length, output_length, mask_index=int(mask_index))


def _ctc_loss(target: Any, output: Any, target_length: Any, output_length: Any, mask_index: int) -> Any:
    batch, time, _ = ops.shape(output)
    labels = ops.shape(target)[1]
    logp = ops.log_softmax(output, axis=-1)
    dtype = ops.dtype(logp)
    states = 2 * labels + 1
    # blank at even states, the labels at odd ones
    odd = np.arange(states) % 2 == 1
    if labels:
        picked = ops.take(target, np.maximum((np.arange(states) - 1) // 2, 0).astype("int32"), axis=1)
        extended = ops.where(odd[None, :], picked, mask_index)
    else:
        extended = ops.zeros_like(output_length)[:, None] + mask_index
    emit = ops.take_along_axis(logp, ops.broadcast_to(extended[:, None, :], (batch, time, states)), axis=2)
    # the skip l(s-2) -> l(s) is allowed into a label that differs from the label before it
    before = ops.pad(extended, [(0, 0), (2, 0)], constant_values=-1)[:, :states]
    skip_penalty = ops.where(ops.logical_and(odd[None, :], ops.not_equal(extended, before)), 0.0, LOG_EPSILON)
    skip_penalty = ops.cast(skip_penalty, dtype)
    frames = ops.arange(time)[:, None] < output_length[None, :]          # (time, batch)

    def step(prev: Any, xs: Any) -> tuple[Any, Any]:
        e, live = xs
        nxt = _logsumexp3(prev, _shift(prev, 1), _shift(prev, 2) + skip_penalty) + e
        return ops.where(live[:, None], nxt, prev), None

    # a virtual state before the first frame: log 1 at the leading blank
    start = ops.cast(ops.where(ops.arange(states) == 0, 0.0, LOG_EPSILON), dtype)
    start = ops.broadcast_to(start[None, :], (batch, states)) + ops.zeros_like(emit[:, 0, :])
    alpha, _ = ops.scan(step, start, (ops.transpose(emit, (1, 0, 2)), frames))
    last = 2 * target_length
    end_blank = ops.take_along_axis(alpha, last[:, None], axis=1)[:, 0]
    end_label = ops.take_along_axis(alpha, ops.maximum(last - 1, 0)[:, None], axis=1)[:, 0]
    end_label = ops.where(target_length > 0, end_label, LOG_EPSILON)
    return -ops.logaddexp(end_blank, end_label)


def _greedy(inputs: Any, lengths: Any, merge_repeated: bool, mask_index: int) -> tuple[Any, Any]:
    batch, time, _ = ops.shape(inputs)
    best = ops.argmax(inputs, axis=-1)
    scores = ops.max(inputs, axis=-1)
    past = ops.arange(time)[None, :] >= lengths[:, None]
    best = ops.where(past, mask_index, best)
    scores = ops.where(past, 0.0, scores)
    if merge_repeated and time > 1:
        repeated = ops.pad(ops.equal(best[:, 1:], best[:, :-1]), [(0, 0), (1, 0)], constant_values=False)
        best = ops.where(repeated, mask_index, best)
    dropped = ops.equal(best, mask_index)
    best = ops.where(dropped, -1, best)
    # kept labels first, in order: a stable sort on (dropped, position)
    order = ops.argsort(ops.where(dropped, time, ops.arange(time)[None, :]), axis=-1)
    decoded = ops.take_along_axis(best, order, axis=-1)
    return ops.expand_dims(decoded, 0), -ops.sum(scores, axis=1, keepdims=True)


def ctc_decode(inputs: Any, sequence_lengths: Any, strategy: str = "greedy", beam_width: int = 100,
               top_paths: int = 1, merge_repeated: bool = True, mask_index: int | None = 0) -> tuple[Any, Any]:
    """Decode CTC outputs ``(batch, max_time, num_classes)`` into label sequences.

    Returns ``(decoded, scores)``: ``decoded`` int32 ``(top_paths, batch, max_time)`` with each sequence's labels
    first and ``-1`` after them; ``scores`` ``(batch, top_paths)``. "greedy" takes the best class per frame,
    merges repeats (``merge_repeated``) and drops blanks (``mask_index``; None: the last class); its score is the
    negated sum of the picked values. "beam_search" keeps the ``beam_width`` most probable label prefixes
    (blank-ended and label-ended probabilities tracked apart) and returns the ``top_paths`` best with their
    log-probabilities.

    >>> decoded, scores = ctc_decode(np.eye(3, dtype="float32")[None, [1, 1, 0, 2]], [4])   # doctest: +SKIP
    >>> decoded[0, 0]
    Array([ 1,  2, -1, -1], dtype=int32)
    """
    op = "ctc_decode"
    if strategy not in STRATEGIES:
        raise ValueError(f"{op}: invalid strategy={strategy!r}; expected one of {STRATEGIES}")
    inputs = _float_input(inputs)
    _check_rank(op, "inputs", inputs, 3, "(batch, max_time, num_classes)")
    lengths = ops.cast(ops.convert_to_tensor(sequence_lengths), "int32")
    _check_rank(op, "sequence_lengths", lengths, 1, "(batch,)")
    classes = ops.shape(inputs)[2]
    if not isinstance(classes, int) or not isinstance(ops.shape(inputs)[1], int):
        raise ShapeError(f"{op}: the time and class axes must be static, got {fmt_shape(ops.shape(inputs))}")
    if mask_index is None:
        mask_index = classes - 1
    if not 0 <= mask_index < classes:
        raise ValueError(f"{op}: mask_index={mask_index} is not a class of inputs (num_classes={classes})")
    if strategy == "greedy":
        return _greedy(inputs, lengths, merge_repeated, mask_index)
    from hornet.api.ops.ctc_beam_search import beam_search
    from hornet.api.random.staging import staged

    return staged(beam_search, inputs, lengths, beam_width=beam_width, top_paths=top_paths, blank=int(mask_index))
