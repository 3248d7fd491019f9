"""VJP rules: composite prims (see the prim catalogue).

Closed forms, computed in float32 for half floats (as the decompositions) and cast back:

- ``softmax`` (y = output): ``y * (g - sum(g * y))`` over the axes;
- ``log_softmax``: ``g - exp(y) * sum(g)``;
- ``logsumexp``: ``g * softmax(x)``, g broadcast back over the removed axes;
- ``layer_norm`` (xhat = the normalized x, r = 1/sqrt(var + eps)): ``r * (g - mean(g) - xhat * mean(g * xhat))``.

``dot_product_attention`` differentiates its decomposition (``vjp_of_graph``): q, k, v and the bias get
cotangents (a broadcast bias has them summed back to its shape), the boolean mask none.

>>> import numpy as np
>>> from hornet import ops
>>> from hornet.api.autodiff import grad
>>> g = grad(lambda x: ops.sum(ops.logsumexp(x, axis=-1)))(np.zeros((2, 4), "float32"))
>>> np.asarray(g).tolist()[0]
[0.25, 0.25, 0.25, 0.25]
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from hornet.api.autodiff.engine import vjp_of_graph
from hornet.api.ops.core import type_of
from hornet.ir.dtypes import DType
from hornet.ir.prims import PRIMITIVES, set_rule
from hornet.ir.symbolic import is_symbolic
from hornet.ir.tracer import trace_region
from hornet.runtime.bind import bind
from hornet.runtime.inline import inline_graph

Tensor = Any
HALF_FLOATS = (DType.float16, DType.bfloat16)


def _b(prim: str, *xs: Any, **attrs: Any) -> Tensor:
    return bind(prim, *xs, op="grad", **attrs)


def _cast(x: Tensor, d: DType) -> Tensor:
    return x if type_of(x).dtype == d else _b("convert", x, new_dtype=d)


def _full(value: float, like: Tensor) -> Tensor:
    t = type_of(like)
    return _b("broadcast_in_dim", np.asarray(value, t.dtype.np), shape=tuple(t.shape), broadcast_dimensions=())


def _expand(y: Tensor, like: Tensor, axes: Sequence[int]) -> Tensor:
    """``y`` (``like`` reduced over ``axes``) broadcast back to ``like``'s shape."""
    t = type_of(like)
    kept = tuple(i for i in range(t.ndim) if i not in axes)
    return _b("broadcast_in_dim", y, shape=tuple(t.shape), broadcast_dimensions=kept)


def _sum_kept(x: Tensor, axes: Sequence[int]) -> Tensor:
    """The sum over ``axes``, broadcast back to ``x``'s shape."""
    return _expand(_b("reduce_sum", x, axes=tuple(axes)), x, axes)


def _mean_kept(x: Tensor, axes: Sequence[int]) -> Tensor:
    shape = type_of(x).shape
    dims = [shape[a] for a in axes]
    if any(is_symbolic(d) for d in dims):
        count = _sum_kept(_full(1, x), axes)
    else:
        count = _full(float(np.prod(dims)), x)
    return _b("div", _sum_kept(x, axes), count)


def _in_compute_dtype(rule: Callable[..., Tensor]) -> Callable[..., tuple[Tensor]]:
    """Run ``rule(ct, x, y, **attrs)`` in float32 for half floats, returning ``(x_ct,)`` in x's dtype."""
    def vjp(ct: Tensor, x: Tensor, *, outputs: tuple[Tensor, ...], **attrs: Any) -> tuple[Tensor]:
        d = type_of(x).dtype
        c = DType.float32 if d in HALF_FLOATS else d
        return (_cast(rule(_cast(ct, c), _cast(x, c), _cast(outputs[0], c), **attrs), d),)

    return vjp


def softmax_vjp(g: Tensor, x: Tensor, y: Tensor, *, axes: Sequence[int]) -> Tensor:
    return _b("mul", y, _b("sub", g, _sum_kept(_b("mul", g, y), axes)))


def log_softmax_vjp(g: Tensor, x: Tensor, y: Tensor, *, axes: Sequence[int]) -> Tensor:
    return _b("sub", g, _b("mul", _b("exp", y), _sum_kept(g, axes)))


def logsumexp_vjp(g: Tensor, x: Tensor, y: Tensor, *, axes: Sequence[int]) -> Tensor:
    # softmax(x), not exp(x - y): a large y carries too few digits of the shift (1000.69 in float32)
    return _b("mul", _expand(g, x, axes), _b("softmax", x, axes=tuple(axes)))


def layer_norm_vjp(g: Tensor, x: Tensor, y: Tensor, *, axes: Sequence[int], epsilon: float) -> Tensor:
    # x-hat is recomputed from x (not taken from y) so half-float outputs do not lose precision here
    centered = _b("sub", x, _mean_kept(x, axes))
    r = _b("rsqrt", _b("add", _mean_kept(_b("integer_pow", centered, y=2), axes), _full(epsilon, x)))
    xhat = _b("mul", centered, r)
    inner = _b("sub", _b("sub", g, _mean_kept(g, axes)), _b("mul", xhat, _mean_kept(_b("mul", g, xhat), axes)))
    return _b("mul", r, inner)


def attention_vjp(ct: Tensor, *operands: Tensor, outputs: Any, scale: float | None, is_causal: bool,
                  has_bias: bool, has_mask: bool) -> tuple[Any, ...]:
    attrs = dict(scale=scale, is_causal=is_causal, has_bias=has_bias, has_mask=has_mask)
    decomposition = PRIMITIVES["dot_product_attention"].decomposition
    forward, _, _ = trace_region(lambda *xs: [decomposition(*xs, **attrs)], [type_of(t) for t in operands],
                                 name="dot_product_attention")
    cts = inline_graph(vjp_of_graph(forward, name="dot_product_attention_vjp"), [*operands, ct])
    return tuple(c if type_of(t).dtype.is_floating else None for c, t in zip(cts, operands))


for _name, _rule in (("softmax", softmax_vjp), ("log_softmax", log_softmax_vjp), ("logsumexp", logsumexp_vjp),
                     ("layer_norm", layer_norm_vjp)):
    set_rule(_name, vjp=_in_compute_dtype(_rule))
set_rule("dot_product_attention", vjp=attention_vjp)
