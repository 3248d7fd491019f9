"""Forward mode (``jvp``) from hornet's reverse mode, by transposing the VJP (the "double VJP" trick).

For ``y = f(x)`` the VJP ``u -> J^T u`` is linear in the cotangent ``u``; differentiating it once more, with respect
to ``u`` and seeded with the tangent ``t``, gives ``J t``. Both passes are ordinary ``backward`` runs over nodes
recorded in the current trace, so ``jvp`` works wherever the VJP rules are themselves differentiable (as
``grad`` of ``grad`` does), eagerly (compiled as one program) and inside a trace.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from hornet.api.autodiff.engine import _fresh, backward, zeros
from hornet.ir import pytree
from hornet.ir.errors import HornetError
from hornet.ir.tracer import SymbolicTensor, trace_stack
from hornet.runtime.bind import bind
from hornet.runtime.jit import jit
from hornet.runtime.variables import Variable

__all__ = ["jvp"]


def jvp(fun: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], has_aux: bool = False) -> Any:
    """``(fun(*primals), J @ tangents)`` (plus ``aux`` as a third item with ``has_aux``), like ``jax.jvp``.

    ``primals`` and ``tangents`` are tuples/lists with one entry (a tensor or a pytree of tensors) per argument of
    ``fun``, of matching structure and shapes. Tangents of non-float inputs are ignored; non-float outputs get
    zero tangents of their own dtype.

    >>> primals_out, tangents_out = jvp(ops.sin, (0.1,), (0.2,))   # doctest: +SKIP
    >>> tangents_out                                               # 0.2 * cos(0.1)
    Array(0.19900084, dtype=float32)
    """
    if not callable(fun):
        raise TypeError(f"jvp: fun must be callable, got {fun!r}")
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(f"jvp: primals and tangents must be tuples or lists (one entry per argument of fun), got "
                        f"{type(primals).__name__} and {type(tangents).__name__}")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: got {len(primals)} primals but {len(tangents)} tangents")
    primals, tangents = _as_tensors(tuple(primals)), _as_tensors(tuple(tangents))

    def traced(p: tuple[Any, ...], t: tuple[Any, ...]) -> Any:
        return _jvp_in_trace(fun, p, t, has_aux)

    if trace_stack():
        return traced(primals, tangents)
    if any(isinstance(x, Variable) for x in pytree.flatten((primals, tangents))[0]):
        return jit(lambda: traced(primals, tangents))()
    return jit(traced)(primals, tangents)


def _as_tensors(tree: Any) -> Any:
    """Python numbers and lists as tensors of the default dtypes (float32 / int32), as ``keras.ops`` converts."""
    from hornet.api.ops.core import convert_to_tensor, is_tensor

    leaves, treedef = pytree.flatten(tree)
    return pytree.unflatten(treedef, [x if is_tensor(x) else convert_to_tensor(x) for x in leaves])


def _jvp_in_trace(fun: Callable[..., Any], primals: tuple[Any, ...], tangents: tuple[Any, ...], has_aux: bool
                  ) -> Any:
    from hornet.api.ops.core import as_tensor, convert, type_of

    trace = trace_stack()[-1]
    p_leaves, p_tree = pytree.flatten(primals)
    t_leaves, t_tree = pytree.flatten(tangents)
    if p_tree != t_tree:
        raise HornetError(f"jvp: tangents have structure {t_tree.to_json()}, expected the primals' "
                          f"{p_tree.to_json()}")
    xs, ts = [], []
    for i, (p, t) in enumerate(zip(p_leaves, t_leaves)):
        x = _fresh(p.value if isinstance(p, Variable) else p)
        t = as_tensor(t.value if isinstance(t, Variable) else t)
        if type_of(t).shape != x.type.shape:
            raise HornetError(f"jvp: tangent {i} has shape {type_of(t).shape}, but its primal has shape "
                              f"{x.type.shape}")
        xs.append(x)
        ts.append(convert(t, x.dtype, "jvp") if x.dtype.is_floating else None)
    start = len(trace.graph.nodes)
    out = fun(*pytree.unflatten(p_tree, xs))
    if has_aux and not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise HornetError("jvp with has_aux=True: the function must return a pair (output, aux)")
    value, aux = out if has_aux else (out, None)
    y_leaves, y_tree = pytree.flatten(value)
    ys = [as_tensor(y) for y in y_leaves]
    nodes = trace.graph.nodes[start:]
    # one cotangent placeholder per float output; J^T u is linear in them
    us: list[Any] = []
    seeds: dict[Any, Any] = {}
    for y in ys:
        if isinstance(y, SymbolicTensor) and y.dtype.is_floating:
            u = _fresh(zeros(y.type))
            us.append(u)
            seeds[y.value] = u if y.value not in seeds else bind("add", seeds[y.value], u, op="jvp")
        else:
            us.append(None)
    mid = len(trace.graph.nodes)
    cts = backward(trace, nodes, seeds, [x.value for x in xs])
    transpose_nodes = trace.graph.nodes[mid:]
    seeds2: dict[Any, Any] = {}
    for c, t in zip(cts, ts):
        if t is None or not isinstance(c, SymbolicTensor):
            continue
        seeds2[c.value] = t if c.value not in seeds2 else bind("add", seeds2[c.value], t, op="jvp")
    wrt = [u.value if u is not None else None for u in us]
    jt = backward(trace, transpose_nodes, seeds2, wrt) if seeds2 else [None] * len(us)
    tangents_out = []
    for y, u, g in zip(ys, us, jt):
        t = type_of(y)
        tangents_out.append(g if u is not None and g is not None else zeros(t))
    result = (pytree.unflatten(y_tree, ys), pytree.unflatten(y_tree, tangents_out))
    return (*result, aux) if has_aux else result
