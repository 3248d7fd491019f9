"""Structured control flow with ``keras.ops`` names: ``cond``, ``switch``, ``while_loop``, ``fori_loop``, ``scan``,
``map``, ``associative_scan``.

The Python functions a user passes are traced once into regions (closed sub-graphs) of one ``cond`` /
``while_loop`` / ``scan`` node; tensors they close over become extra operands. Eagerly the backend runs the
regions (e.g. with ``jax.lax.scan``); while tracing the node is recorded, so one graph holds the whole loop.
Carries, scanned values and results may be pytrees (nested tuples, lists, dicts).

>>> ops.fori_loop(0, 5, lambda i, acc: acc + i, 0)        # doctest: +SKIP
10
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from hornet.api.ops.core import as_tensor, convert, is_tensor, normalize_axis, type_of
from hornet.ir import pytree
from hornet.ir.dtypes import DType, is_python_scalar
from hornet.ir.errors import DTypeError, HornetError, ShapeError
from hornet.ir.graph import Graph, Value
from hornet.ir.prims import PRIMITIVES, normalize_attrs
from hornet.ir.prims.control_flow import expect_types
from hornet.ir.symbolic import Dim, dims_equal, is_symbolic
from hornet.ir.tracer import SymbolicTensor, trace_region, trace_stack
from hornet.ir.types import TensorType
from hornet.runtime.bind import bind

__all__ = ["cond", "switch", "while_loop", "fori_loop", "scan", "map", "associative_scan"]

INT32 = DType.int32


# --- shared helpers: tracing Python functions into regions ---------------------------------------------------------

def _leaf(x: Any) -> Any:
    """A region result as a tensor: Python scalars and lists follow the default dtypes (int32 / float32)."""
    return as_tensor(x)


def _carry_leaf(x: Any, want: TensorType) -> Any:
    """A new carry value: Python scalars take the carry's dtype (they are weakly typed, as in JAX)."""
    return as_tensor(x, want.dtype) if is_python_scalar(x) else as_tensor(x)


def _flat(tree: Any) -> tuple[list[Any], pytree.TreeDef]:
    leaves, treedef = pytree.flatten(tree)
    return [as_tensor(x) for x in leaves], treedef


def _same_tree(op: str, what: str, got: pytree.TreeDef, want: pytree.TreeDef) -> None:
    if got != want:
        raise HornetError(f"{op}: {what} has structure {got.to_json()}, expected {want.to_json()}")


def loop_region(fn: Callable[..., list[Any]], in_types: Sequence[TensorType], name: str
                ) -> tuple[Graph, list[SymbolicTensor]]:
    """Trace ``fn(*leaves) -> list of tensors`` as a region whose inputs are (captured consts, declared inputs).

    Returns the graph and the captured outer tensors, which the caller passes as the region's leading
    operands (the loop prims' "consts").
    """
    graph, captures, _ = trace_region(fn, list(in_types), name=name)
    n = len(in_types)
    graph.inputs = graph.inputs[n:] + graph.inputs[:n]
    return graph, captures


def _branches(branches: Sequence[Callable[..., Any]], names: Sequence[str], operands: tuple[Any, ...], op: str
              ) -> tuple[list[Any], list[Graph], pytree.TreeDef]:
    """Trace each branch on the operands' types. Every branch graph takes (operands, union of all captures);
    returns the flat operand list to bind, the graphs and the common output tree."""
    leaves, in_tree = _flat(operands)
    types = [type_of(x) for x in leaves]
    traced = []
    for branch, name in zip(branches, names):
        box: dict[str, pytree.TreeDef] = {}

        def fn(*xs: Any, branch=branch, box=box) -> list[Any]:
            out_leaves, box["tree"] = pytree.flatten(branch(*pytree.unflatten(in_tree, list(xs))))
            return [_leaf(o) for o in out_leaves]

        graph, captures, _ = trace_region(fn, types, name=name)
        traced.append((graph, captures, box["tree"]))
    first_graph, _, first_tree = traced[0]
    for (graph, _, tree), name in zip(traced[1:], names[1:]):
        _same_tree(op, f"{name} output", tree, first_tree)
        expect_types(f"{op}: {name} outputs", graph.output_types, first_graph.output_types, f"{names[0]} outputs")
    union: list[SymbolicTensor] = []
    seen: set[int] = set()
    for _, captures, _ in traced:
        for c in captures:
            if id(c.value) not in seen:
                seen.add(id(c.value))
                union.append(c)
    n = len(types)
    for graph, captures, _ in traced:
        inner = {id(c.value): v for c, v in zip(captures, graph.inputs[n:])}
        graph.inputs = graph.inputs[:n] + [inner[id(u.value)] if id(u.value) in inner else Value(u.type)
                                           for u in union]
    return leaves + union, [g for g, _, _ in traced], first_tree


def _conditional(index: Any, branches: Sequence[Callable[..., Any]], names: Sequence[str],
                 operands: tuple[Any, ...], op: str) -> Any:
    """One ``cond`` node: run ``branches[clamp(index)](*operands)`` (two branches)."""
    flat, graphs, out_tree = _branches(branches, names, operands, op)
    outs = bind_here("cond", index, *flat, regions=tuple(graphs), op=op)
    return pytree.unflatten(out_tree, list(outs))


def bind_here(prim: str, *inputs: Any, regions: tuple[Graph, ...], op: str, **attrs: Any) -> Any:
    """Bind a control-flow prim in the innermost active trace. (``bind`` records a node in the trace owning its
    operands, so a loop whose operands all come from outside an enclosing branch or loop body would be hoisted
    out of it: it must stay where the user wrote it, or a guarded loop would run unconditionally.)"""
    stack = trace_stack()
    if not stack:
        return bind(prim, *inputs, regions=regions, op=op, **attrs)
    p = PRIMITIVES[prim]
    return stack[-1].record(p, inputs, normalize_attrs(p, attrs, op), op, regions)


def _scalar_index(x: Any, op: str, what: str) -> tuple[Any, TensorType]:
    x = as_tensor(x)
    t = type_of(x)
    if t.ndim != 0:
        raise ShapeError(f"{op}: {what} must be a scalar, got shape {t.shape}")
    return x, t


# --- cond and switch -----------------------------------------------------------------------------------------------

def cond(pred: Any, true_fn: Callable[[], Any], false_fn: Callable[[], Any]) -> Any:
    """``true_fn()`` if ``pred`` else ``false_fn()``; both branches must return the same structure and types.

    The branches take no arguments: the tensors they use are captured. ``pred`` is a scalar bool (a number is
    compared with 0).

    >>> ops.cond(x > 0, lambda: x * 2, lambda: -x)      # doctest: +SKIP
    """
    pred, t = _scalar_index(pred, "cond", "pred")
    if not t.dtype.is_bool:
        pred = bind("ne", pred, np.zeros((), t.dtype.np), op="cond")
    index = convert(pred, INT32, "cond")
    return _conditional(index, [lambda: false_fn(), lambda: true_fn()], ["false_fn", "true_fn"], (), "cond")


def switch(index: Any, branches: Sequence[Callable[..., Any]], *operands: Any) -> Any:
    """``branches[index](*operands)``, the index clamped into range (as ``keras.ops.switch``).

    >>> ops.switch(1, [lambda x: x + 1, lambda x: x - 1], x)   # doctest: +SKIP
    """
    branches = list(branches)
    if not branches:
        raise HornetError("switch: needs at least one branch")
    index, t = _scalar_index(index, "switch", "index")
    if not t.dtype.is_integer:
        raise DTypeError(f"switch: index must be an integer, got {t.dtype.value}")
    return _switch_tree(convert(index, INT32, "switch"), branches, 0, operands)


def _switch_tree(index: Any, branches: list[Callable[..., Any]], base: int, operands: tuple[Any, ...]) -> Any:
    """The ``cond`` prim has two branches; more are a balanced tree of conds on ``index >= split``."""
    if len(branches) == 1:
        return branches[0](*operands)
    mid = len(branches) // 2
    upper = bind("ge", index, np.asarray(base + mid, np.int32), op="switch")
    return _conditional(convert(upper, INT32, "switch"),
                        [lambda *xs: _switch_tree(index, branches[:mid], base, xs),
                         lambda *xs: _switch_tree(index, branches[mid:], base + mid, xs)],
                        [f"branches[{base}:{base + mid}]", f"branches[{base + mid}:{base + len(branches)}]"],
                        operands, "switch")


# --- while_loop and fori_loop --------------------------------------------------------------------------------------

def _while(cond_fn: Callable[..., Any], body_fn: Callable[..., Any], init: list[Any], op: str) -> list[Any]:
    """One ``while_loop`` node over flat carries. ``cond_fn(*carry)`` returns a scalar predicate,
    ``body_fn(*carry)`` the flat list of new carries."""
    types = [type_of(x) for x in init]

    def predicate(*carry: Any) -> list[Any]:
        p, t = _scalar_index(cond_fn(*carry), op, "the cond function's result")
        if not t.dtype.is_bool:
            p = bind("ne", p, np.zeros((), t.dtype.np), op=op)
        return [p]

    def step(*carry: Any) -> list[Any]:
        return [_carry_leaf(x, t) for x, t in zip(body_fn(*carry), types)]

    cond_graph, cond_consts = loop_region(predicate, types, "cond")
    body_graph, body_consts = loop_region(step, types, "body")
    outs = bind_here("while_loop", *cond_consts, *body_consts, *init, regions=(cond_graph, body_graph),
                     cond_nconsts=len(cond_consts), body_nconsts=len(body_consts), op=op)
    return list(outs)


def while_loop(cond: Callable[..., Any], body: Callable[..., Any], loop_vars: Any,
               maximum_iterations: Any = None) -> Any:
    """Run ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` (a tuple/list of loop variables is passed
    positionally; a single one directly). With ``maximum_iterations``, at most that many steps run.

    Not reverse-differentiable (the trip count is dynamic): use ``fori_loop`` with Python-int bounds or ``scan``.

    >>> ops.while_loop(lambda i: i < 10, lambda i: i + 1, 0)          # doctest: +SKIP
    10
    """
    is_seq = isinstance(loop_vars, (tuple, list))
    vars_ = tuple(loop_vars) if is_seq else (loop_vars,)
    init, tree = _flat(vars_)
    n = len(init)
    limit = None
    if maximum_iterations is not None:
        limit = convert(as_tensor(maximum_iterations), INT32, "while_loop")
        init = init + [np.asarray(0, np.int32)]

    def cond_fn(*carry: Any) -> Any:
        p = cond(*pytree.unflatten(tree, list(carry[:n])))
        if limit is not None:
            p = as_tensor(p)
            if not type_of(p).dtype.is_bool:
                p = bind("ne", p, np.zeros((), type_of(p).dtype.np), op="while_loop")
            p = bind("and", p, bind("lt", carry[n], limit, op="while_loop"), op="while_loop")
        return p

    def body_fn(*carry: Any) -> list[Any]:
        out = body(*pytree.unflatten(tree, list(carry[:n])))
        if is_seq and not isinstance(out, (tuple, list)):
            raise HornetError(f"while_loop: body must return a tuple or list of {len(vars_)} loop variables, "
                              f"got {type(out).__name__}")
        out_leaves, out_tree = pytree.flatten(tuple(out) if is_seq else (out,))
        _same_tree("while_loop", "the body's result", out_tree, tree)
        if limit is not None:
            out_leaves.append(bind("add", carry[n], np.asarray(1, np.int32), op="while_loop"))
        return out_leaves

    outs = _while(cond_fn, body_fn, init, "while_loop")
    result = pytree.unflatten(tree, outs[:n])
    return tuple(result) if is_seq else result[0]


def _static_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def fori_loop(lower: Any, upper: Any, body_fun: Callable[[Any, Any], Any], init_val: Any) -> Any:
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``; returns ``val`` (a pytree).

    With Python-int bounds the trip count is static and the loop is a ``scan`` (reverse-differentiable);
    with tensor bounds it is a ``while_loop``.

    >>> ops.fori_loop(0, 3, lambda i, x: x * 2.0, 1.0)                 # doctest: +SKIP
    8.0
    """
    if _static_int(lower) and _static_int(upper):
        def step(carry: Any, _: Any) -> Any:
            i, val = carry
            return (bind("add", i, np.asarray(1, np.int32), op="fori_loop"), body_fun(i, val)), None

        (_, out), _ = scan(step, (np.asarray(lower, np.int32), init_val), length=max(int(upper) - int(lower), 0))
        return out
    lo, hi = as_tensor(lower), as_tensor(upper)
    d = _index_dtype(type_of(lo).dtype if is_tensor(lo) else None, type_of(hi).dtype if is_tensor(hi) else None)
    lo, hi = convert(lo, d, "fori_loop"), convert(hi, d, "fori_loop")
    for name, t in (("lower", type_of(lo)), ("upper", type_of(hi))):
        if t.ndim:
            raise ShapeError(f"fori_loop: {name} must be a scalar, got shape {t.shape}")
    leaves, tree = _flat(init_val)
    n = len(leaves)

    def body_fn(i: Any, *vals: Any) -> list[Any]:
        out_leaves, out_tree = pytree.flatten(body_fun(i, pytree.unflatten(tree, list(vals))))
        _same_tree("fori_loop", "body_fun's result", out_tree, tree)
        return [bind("add", i, np.asarray(1, d.np), op="fori_loop"), *out_leaves]

    outs = _while(lambda i, *_: bind("lt", i, hi, op="fori_loop"), body_fn, [lo, *leaves], "fori_loop")
    return pytree.unflatten(tree, outs[1:1 + n])


def _index_dtype(a: DType | None, b: DType | None) -> DType:
    for d in (a, b):
        if d is not None and not d.is_integer:
            raise DTypeError(f"fori_loop: the bounds must be integers, got {d.value}")
    known = [d for d in (a, b) if d is not None]
    return max(known, key=lambda d: d.np.itemsize) if known else INT32


# --- scan, map, associative_scan ------------------------------------------------------------------------------------

def _scan_length(xs: list[Any], length: Any) -> Dim:
    n: Dim | None = None if length is None else length
    for i, x in enumerate(xs):
        t = type_of(x)
        if t.ndim == 0:
            raise ShapeError(f"scan: xs leaf {i} is a scalar ({t}); scanned values need a leading axis")
        if n is None:
            n = t.shape[0]
        elif not dims_equal(n, t.shape[0]):
            raise ShapeError(f"scan: xs leaf {i} ({t}) has leading dim {t.shape[0]}, expected {n} "
                             "(all scanned values and `length` must agree)")
    if n is None:
        raise HornetError("scan: pass `length` when there are no `xs` to scan over")
    if not is_symbolic(n):
        if int(n) < 0:
            raise ShapeError(f"scan: length must be >= 0, got {n}")
        n = int(n)
    return n


def scan(f: Callable[[Any, Any], Any], init: Any, xs: Any = None, length: Any = None, reverse: bool = False,
         unroll: int | bool = 1) -> tuple[Any, Any]:
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``; returns ``(final carry, stacked ys)``.

    ``init``, ``xs`` and ``y`` may be pytrees; ``xs=None`` needs ``length`` (then ``x`` is None). ``reverse``
    scans from the end (ys keep their positions). ``unroll`` is accepted for compatibility (the compiler
    decides). Differentiable in reverse mode.

    >>> carry, ys = ops.scan(lambda c, x: (c + x, c * x), 0.0, xs)   # doctest: +SKIP
    """
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(f"scan: `unroll` must be a positive integer or a bool, got {unroll!r}")
    carry, carry_tree = _flat(init)
    x_leaves, x_tree = _flat(xs)
    n = _scan_length(x_leaves, length)
    carry_types = [type_of(c) for c in carry]
    slice_types = [type_of(x).with_shape(type_of(x).shape[1:]) for x in x_leaves]
    nc = len(carry)
    box: dict[str, pytree.TreeDef] = {}

    def body(*args: Any) -> list[Any]:
        c = pytree.unflatten(carry_tree, list(args[:nc]))
        x = pytree.unflatten(x_tree, list(args[nc:]))
        out = f(c, x)
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise HornetError("scan: f must return a pair (new carry, y)")
        new_leaves, new_tree = pytree.flatten(out[0])
        _same_tree("scan", "the new carry", new_tree, carry_tree)
        y_leaves, box["y"] = pytree.flatten(out[1])
        return [_carry_leaf(v, t) for v, t in zip(new_leaves, carry_types)] + [_leaf(y) for y in y_leaves]

    graph, consts = loop_region(body, carry_types + slice_types, "body")
    outs = list(bind_here("scan", *consts, *carry, *x_leaves, regions=(graph,), num_consts=len(consts),
                          num_carry=nc, length=(n,), reverse=bool(reverse), op="scan"))
    return pytree.unflatten(carry_tree, outs[:nc]), pytree.unflatten(box["y"], outs[nc:])


def map(f: Callable[[Any], Any], xs: Any) -> Any:
    """``f`` applied to each slice of ``xs`` along its leading axis, results stacked (``jax.lax.map``).

    >>> ops.map(lambda x: x * 2, ops.arange(3))                       # doctest: +SKIP
    """
    _, ys = scan(lambda carry, x: (carry, f(x)), (), xs)
    return ys


def associative_scan(f: Callable[[Any, Any], Any], elems: Any, reverse: bool = False, axis: int = 0) -> Any:
    """Inclusive prefix scan with an associative ``f`` along ``axis``, in O(log n) parallel steps:
    ``[a, f(a, b), f(f(a, b), c), ...]``. ``elems`` may be a pytree; ``f`` works on whole slabs (elementwise along
    the axis). The size along ``axis`` must be static.

    >>> ops.associative_scan(lambda a, b: a + b, ops.arange(5))        # doctest: +SKIP
    [0, 1, 3, 6, 10]
    """
    leaves, tree = _flat(elems)
    if not leaves:
        raise HornetError("associative_scan: elems has no tensors")
    axes = [normalize_axis(axis, type_of(x).ndim, "associative_scan") for x in leaves]
    sizes = {type_of(x).shape[a] for x, a in zip(leaves, axes)}
    if len(sizes) != 1 or any(is_symbolic(s) for s in sizes):
        raise ShapeError(f"associative_scan: every element needs the same static size along axis {axis}, got "
                         + ", ".join(str(type_of(x)) for x in leaves))

    def combine(a: list[Any], b: list[Any]) -> list[Any]:
        out, out_tree = pytree.flatten(f(pytree.unflatten(tree, a), pytree.unflatten(tree, b)))
        _same_tree("associative_scan", "f's result", out_tree, tree)
        return [as_tensor(o) for o in out]

    if reverse:
        leaves = [bind("rev", x, dimensions=(a,), op="associative_scan") for x, a in zip(leaves, axes)]
    out = _prefix(leaves, axes, combine)
    if reverse:
        out = [bind("rev", x, dimensions=(a,), op="associative_scan") for x, a in zip(out, axes)]
    return pytree.unflatten(tree, out)


def _slice(x: Any, axis: int, start: int, stop: int, step: int = 1) -> Any:
    shape = type_of(x).shape
    starts = [0] * len(shape)
    limits = list(shape)
    strides = [1] * len(shape)
    starts[axis], limits[axis], strides[axis] = start, stop, step
    return bind("slice", x, start_indices=starts, limit_indices=limits, strides=strides, op="associative_scan")


def _prefix(xs: list[Any], axes: list[int], combine: Callable[[list[Any], list[Any]], list[Any]]) -> list[Any]:
    """The odd/even recursion: combine neighbouring pairs, scan the pairs, then fill in the even positions."""
    n = type_of(xs[0]).shape[axes[0]]
    if n < 2:
        return xs
    odd = _prefix(combine([_slice(x, a, 0, n - 1, 2) for x, a in zip(xs, axes)],
                          [_slice(x, a, 1, n, 2) for x, a in zip(xs, axes)]), axes, combine)
    rest = [_slice(x, a, 2, n, 2) for x, a in zip(xs, axes)]
    if n % 2 == 0:
        even = combine([_slice(o, a, 0, n // 2 - 1) for o, a in zip(odd, axes)], rest)
    else:
        even = combine(odd, rest)
    even = [bind("concatenate", _slice(x, a, 0, 1), e, dimension=a, op="associative_scan")
            for x, e, a in zip(xs, even, axes)]
    return [_interleave(e, o, a, n) for e, o, a in zip(even, odd, axes)]


def _interleave(even: Any, odd: Any, axis: int, n: int) -> Any:
    """out[2k] = even[k], out[2k+1] = odd[k] along ``axis`` (size n): both spread out with interior padding,
    then picked by position parity."""
    t = type_of(even)
    zero = np.zeros((), t.dtype.np)
    n_even = (n + 1) // 2
    n_odd = n // 2

    def spread(x: Any, low: int, count: int) -> Any:
        config = [(0, 0, 0)] * t.ndim
        config[axis] = (low, n - low - (2 * count - 1), 1)
        return bind("pad", x, zero, padding_config=config, op="associative_scan")

    out_shape = list(t.shape)
    out_shape[axis] = n
    parity = bind("broadcast_in_dim", np.arange(n) % 2 == 0, shape=out_shape, broadcast_dimensions=(axis,),
                  op="associative_scan")
    return bind("select", parity, spread(even, 0, n_even), spread(odd, 1, n_odd), op="associative_scan")
