"""Gradient checks: hornet's reverse mode (run on every lowering) against jax.grad and finite differences."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from helpers import LOWERINGS, run_graph


def _weights(shape: Sequence[int], dtype: Any, seed: int = 123) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.5, 1.5, size=shape).astype(dtype)


def check_grad(fn: Callable[..., Any], jax_fn: Callable[..., Any] | None, *args: np.ndarray,
               argnums: Sequence[int] = (0,), rtol: float = 1e-5, atol: float = 1e-6, fd: bool | None = None,
               fd_eps: float = 1e-6, fd_rtol: float = 1e-5, lowerings: Sequence[str] = LOWERINGS) -> list[np.ndarray]:
    """Check the gradient of ``sum(fn(*args) * w)`` (``w`` fixed random weights) with respect to ``argnums``.

    1. hornet: ``value_and_grad`` traced into one graph, run on each lowering;
    2. against ``jax.grad`` of the same expression with ``jax_fn`` (skipped when ``jax_fn`` is None);
    3. against central finite differences along random directions when the inputs are float64
       (``fd`` defaults to that).
    Returns hornet's gradients (from the first lowering).
    """
    import jax
    import jax.numpy as jnp

    from hornet import ops
    from hornet.api.autodiff import value_and_grad
    from hornet.ir.tracer import trace_with_tree
    from hornet.ir.types import type_of_array

    args = [np.asarray(a) for a in args]
    out = np.asarray(ops.convert_to_numpy(fn(*args)))
    w = _weights(out.shape, out.dtype)

    def scalar(*a: Any) -> Any:
        return ops.sum(ops.multiply(fn(*a), w))

    vg = value_and_grad(scalar, argnums=tuple(argnums))
    graph, _ = trace_with_tree(lambda *a: vg(*a), [type_of_array(a) for a in args])
    results = {low: run_graph(low, graph, *args) for low in lowerings}
    first = results[lowerings[0]]
    grads = first[1:]
    assert len(grads) == len(argnums)
    for low, outs in results.items():
        for g, want in zip(outs[1:], grads):
            np.testing.assert_allclose(np.asarray(g, np.float64), np.asarray(want, np.float64), rtol=rtol,
                                       atol=atol, err_msg=f"lowering {low} disagrees with {lowerings[0]}")
    for g, n in zip(grads, argnums):
        assert g.shape == args[n].shape and g.dtype == args[n].dtype, (g.shape, g.dtype, args[n].shape, args[n].dtype)
    if jax_fn is not None:
        expected = jax.grad(lambda *a: jnp.sum(jax_fn(*a) * w), argnums=tuple(argnums))(*args)
        for g, e in zip(grads, expected):
            np.testing.assert_allclose(np.asarray(g, np.float64), np.asarray(e, np.float64), rtol=rtol, atol=atol,
                                       err_msg="hornet gradient != jax.grad")
    if fd is None:
        fd = all(args[n].dtype == np.float64 for n in argnums)
    if fd:
        from hornet.lowering import numpy as reference

        fwd, _ = trace_with_tree(scalar, [type_of_array(a) for a in args])
        rng = np.random.default_rng(7)
        for g, n in zip(grads, argnums):
            for _ in range(2):
                d = rng.normal(size=args[n].shape)
                plus = list(args)
                minus = list(args)
                plus[n] = args[n] + fd_eps * d
                minus[n] = args[n] - fd_eps * d
                numeric = (reference.run(fwd, *plus)[0] - reference.run(fwd, *minus)[0]) / (2 * fd_eps)
                analytic = float(np.sum(np.asarray(g, np.float64) * d))
                np.testing.assert_allclose(analytic, numeric, rtol=fd_rtol, atol=fd_rtol,
                                           err_msg="hornet gradient != central finite differences")
    return grads
