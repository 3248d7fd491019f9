"""``grad``, ``value_and_grad`` and ``custom_gradient``: the same code eagerly, under ``hornet.jit``, and
inside a traced training step, on every backend."""
from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

from hornet.api.autodiff.engine import _fresh, backward
from hornet.ir import pytree
from hornet.ir.errors import HornetError
from hornet.ir.tracer import SymbolicTensor, trace_stack
from hornet.runtime.bind import bind
from hornet.runtime.jit import jit
from hornet.runtime.variables import StateScope, Variable


def value_and_grad(fn: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False
                   ) -> Callable[..., Any]:
    """A function returning ``(value, grads)`` (``((value, aux), grads)`` with ``has_aux``), like JAX.

    ``fn`` returns a scalar float tensor; ``grads`` mirrors the pytree(s) at ``argnums``. An argument may hold
    ``hornet.Variable``s (e.g. ``model.trainable_variables``): ``fn`` then receives the same Variables, and
    every read of them inside ``fn`` (directly or through layers) is what gets differentiated.

    >>> loss_and_grads = value_and_grad(lambda w, x: ops.sum(ops.square(ops.matmul(x, w))))  # doctest: +SKIP
    >>> loss, dw = loss_and_grads(w, x)
    """
    single = isinstance(argnums, int)
    nums = (argnums,) if single else tuple(argnums)

    def traced(*args: Any) -> Any:
        return _value_and_grad_in_trace(fn, args, nums, single, has_aux)

    compiled = jit(traced)

    @functools.wraps(fn)
    def wrapper(*args: Any) -> Any:
        if any(n >= len(args) or n < -len(args) for n in nums):
            raise HornetError(f"value_and_grad: argnums {argnums} but the function got {len(args)} arguments")
        # Inside a trace, record into it; eagerly, compile forward + backward as one program (cached).
        if trace_stack():
            return traced(*args)
        if any(isinstance(x, Variable) for x in pytree.flatten(args)[0]):
            return jit(lambda: traced(*args))()  # Variables are state, not arguments, of the program
        return compiled(*args)

    return wrapper


def grad(fn: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable[..., Any]:
    """The gradient of a scalar function (``(grads, aux)`` with ``has_aux``).

    >>> df = grad(lambda x: ops.sum(ops.sin(x)))   # doctest: +SKIP
    >>> df(np.zeros(3, "float32"))                 # cos(0) = 1
    """
    vg = value_and_grad(fn, argnums, has_aux)

    @functools.wraps(fn)
    def wrapper(*args: Any) -> Any:
        first, grads = vg(*args)
        return (grads, first[1]) if has_aux else grads

    return wrapper


def _value_and_grad_in_trace(fn: Callable[..., Any], args: Sequence[Any], nums: tuple[int, ...], single: bool,
                             has_aux: bool) -> Any:
    trace = trace_stack()[-1]
    args = list(args)
    nums = tuple(n % len(args) for n in nums)
    wrt_trees = {}
    bound: dict[Variable, Any] = {}
    for n in nums:
        leaves, tree = pytree.flatten(args[n])
        fresh = []
        for i, leaf in enumerate(leaves):
            x = _fresh(leaf.value if isinstance(leaf, Variable) else leaf)
            if isinstance(leaf, Variable):
                bound[leaf] = x
            if not x.dtype.is_floating:
                raise HornetError(f"grad: argument {n} (leaf {i}) has dtype {x.dtype.value}; gradients are taken "
                                  "with respect to floating-point inputs only")
            fresh.append(x)
        wrt_trees[n] = (fresh, tree)
        args[n] = pytree.unflatten(tree, [leaf if isinstance(leaf, Variable) else x for leaf, x in zip(leaves, fresh)])
    start = len(trace.graph.nodes)
    with StateScope(bound):
        out = fn(*args)
    value, aux = out if has_aux else (out, None)
    if has_aux and not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise HornetError("grad with has_aux=True: the function must return a pair (value, aux)")
    from hornet.api.ops.core import as_tensor, type_of

    value = as_tensor(value)
    vt = type_of(value)
    if vt.shape != () or not vt.dtype.is_floating:
        raise HornetError(f"grad: the function must return a scalar float tensor, got {vt}")
    nodes = trace.graph.nodes[start:]
    seeds = {}
    if isinstance(value, SymbolicTensor):
        import numpy as np

        seeds[value.value] = bind("broadcast_in_dim", np.ones((), vt.dtype.np), shape=(), broadcast_dimensions=(),
                                  op="grad")
    grads = []
    for n in nums:
        fresh, tree = wrt_trees[n]
        cts = backward(trace, nodes, seeds, [x.value for x in fresh])
        grads.append(pytree.unflatten(tree, cts))
    grads_out = grads[0] if single else tuple(grads)
    return ((value, aux) if has_aux else value), grads_out


def custom_gradient(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator (Keras style): ``fn`` returns ``(outputs, grad_fn)``; ``grad_fn(*upstream)`` returns the
    gradients with respect to ``fn``'s tensor arguments (one, or a tuple with one per argument).

    >>> @custom_gradient                                             # doctest: +SKIP
    ... def log1pexp(x):
    ...     e = ops.exp(x)
    ...     def grad_fn(upstream):
    ...         return upstream * (1.0 - 1.0 / (1.0 + e))
    ...     return ops.log(1.0 + e), grad_fn
    """

    @functools.wraps(fn)
    def wrapper(*args: Any) -> Any:
        stack = trace_stack()
        if not stack:
            return fn(*args)[0]  # eagerly there is nothing to differentiate: just the forward
        trace = stack[-1]
        arg_values = [a.value if isinstance(a, SymbolicTensor) and a.trace is trace else None for a in args]
        result = fn(*args)
        if not (isinstance(result, (tuple, list)) and len(result) == 2 and callable(result[1])):
            raise HornetError(f"custom_gradient: {getattr(fn, '__name__', 'the function')} must return "
                              "(outputs, grad_fn)")
        outputs, grad_fn = result
        leaves, tree = pytree.flatten(outputs)
        from hornet.api.ops.core import as_tensor

        marked = bind("optimization_barrier", *[as_tensor(x) for x in leaves], op="custom_gradient")
        trace.custom_vjps[id(trace.graph.nodes[-1])] = (grad_fn, arg_values)
        return pytree.unflatten(tree, list(marked))

    return wrapper
