"""ONNX rules: composite prims with an exact native ONNX op. ``applies`` says when the native op fits (one
softmax axis; layer norm over trailing dims of static size); otherwise, and for the composites not listed here
(logsumexp, dot_product_attention), the lowering inlines the prim's decomposition."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from hornet.ir.types import TensorType
from hornet.lowering.onnx.builder import Ctx, compute_dtype, widened


def _one_axis(attrs: dict[str, Any], types: Sequence[TensorType]) -> bool:
    return len(attrs["axes"]) == 1


def _softmax_like(op_type: str) -> Callable[..., str]:
    def rule(ctx: Ctx, x: str, *, axes: Sequence[int]) -> str:
        return widened(ctx, [x], ctx.in_types[0].dtype, lambda w: ctx.op(op_type, [w], axis=axes[0]))

    rule.applies = _one_axis  # type: ignore[attr-defined]
    return rule


def _trailing_static(attrs: dict[str, Any], types: Sequence[TensorType]) -> bool:
    t = types[0]
    axes = sorted(attrs["axes"])
    return (bool(axes) and axes == list(range(t.ndim - len(axes), t.ndim))
            and all(isinstance(t.shape[a], int) for a in axes))


def _layer_norm(ctx: Ctx, x: str, *, axes: Sequence[int], epsilon: float) -> str:
    t = ctx.in_types[0]
    wide = compute_dtype(t.dtype)
    first = min(axes)
    scale = ctx.const(np.ones([t.shape[a] for a in sorted(axes)], wide.np))
    return widened(ctx, [x], t.dtype, lambda w: ctx.op("LayerNormalization", [w, scale], axis=first,
                                                       epsilon=float(epsilon), stash_type=1))


_layer_norm.applies = _trailing_static  # type: ignore[attr-defined]

RULES: dict[str, Callable[..., Any]] = {
    "softmax": _softmax_like("Softmax"),
    "log_softmax": _softmax_like("LogSoftmax"),
    "layer_norm": _layer_norm,
}

# Prims the exporter refuses outright (not through a missing rule): why, for the error message.
REFUSED: dict[str, str] = {
    "threefry2x32": "random number generation is not part of an inference graph (dropout and noise layers are "
                    "identities at inference; call the model with training=False)",
    "select_and_scatter_add": "it is the gradient of max/min pooling, which an inference graph does not hold",
}
