"""Helpers shared by the loss functions: tensor conversion and shape checks whose errors name the loss."""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.losses.reduction import squeeze_or_expand_to_same_rank
from hornet.api.ops.core import broadcast_shapes, fmt_shape, same_shape
from hornet.ir.errors import ShapeError

EPSILON = 1e-7  # Keras's backend.epsilon()


def as_float(x: Any) -> Any:
    """``x`` as a tensor; integer and bool tensors become float32 (floats keep their dtype)."""
    x = ops.convert_to_tensor(x)
    return x if ops.dtype(x).is_floating else ops.cast(x, "float32")


def pair(y_true: Any, y_pred: Any, name: str, *, align: bool = True, broadcast: bool = True) -> tuple[Any, Any]:
    """``y_pred`` as a float tensor and ``y_true`` cast to its dtype, ranks aligned the Keras way (``align``);
    with ``broadcast`` the two shapes must broadcast together, else a ShapeError names ``name`` and both shapes."""
    y_pred = as_float(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    if align:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if broadcast:
        check_broadcast(name, y_true, y_pred)
    return y_true, y_pred


def check_broadcast(name: str, y_true: Any, y_pred: Any) -> None:
    try:
        broadcast_shapes(ops.shape(y_true), ops.shape(y_pred), op=name)
    except ShapeError:
        raise ShapeError(f"{name}: y_true and y_pred have incompatible shapes: y_true.shape="
                         f"{fmt_shape(ops.shape(y_true))}, y_pred.shape={fmt_shape(ops.shape(y_pred))}") from None


def check_same_shape(name: str, y_true: Any, y_pred: Any) -> None:
    a, b = ops.shape(y_true), ops.shape(y_pred)
    if not same_shape(a, b):
        raise ShapeError(f"{name}: y_true and y_pred must have the same shape, got y_true.shape={fmt_shape(a)} "
                         f"and y_pred.shape={fmt_shape(b)}")


def last_dim(x: Any) -> Any:
    """The size of the last axis as a float: a Python float when static, a tensor when symbolic."""
    d = ops.shape(x)[-1]
    if isinstance(d, int):
        return float(d)
    return ops.sum(ops.ones_like(x), axis=-1, keepdims=True)
