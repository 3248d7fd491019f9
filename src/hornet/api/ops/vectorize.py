"""``vectorized_map`` and ``vectorize`` (``keras.ops`` names): apply a function to every slice of its inputs.

hornet has no batching transform, so both are a ``map`` (one ``scan`` over the leading axis): the function is traced
once and runs per slice, on every backend, and differentiates like any ``scan``. ``vectorize`` follows
``numpy.vectorize`` / ``jax.numpy.vectorize``: the loop dimensions of the arguments broadcast together, and an
optional generalized-ufunc ``signature`` (``"(m,n),(n)->(m)"``) names the trailing core dimensions each call sees.

>>> from hornet import ops
>>> ops.vectorize(lambda a, b: a + b)(np.array([1, 2, 3]), 2)          # doctest: +SKIP
Array([3, 4, 5], dtype=int32)
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Sequence

from hornet.api.ops import _lax as L
from hornet.api.ops.control_flow import map as _map
from hornet.api.ops.core import as_tensor, broadcast_shapes, broadcast_to, fmt_shape, type_of
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import Dim, dims_equal, shape_size

__all__ = ["vectorized_map", "vectorize"]

_ARG = r"\((?:\w+(?:,\s*\w+)*)?\)"
_SIGNATURE = re.compile(rf"^\s*{_ARG}(?:\s*,\s*{_ARG})*\s*->\s*{_ARG}(?:\s*,\s*{_ARG})*\s*$")


def vectorized_map(function: Callable[[Any], Any], elements: Any) -> Any:
    """``function`` applied to each slice of ``elements`` along axis 0, results stacked. ``elements`` may be a
    tuple/list (or any pytree) of tensors with one leading size; ``function`` then gets a slice of each, in the
    same structure.

    >>> vectorized_map(lambda row: ops.sum(row), np.ones((3, 2), "float32"))   # doctest: +SKIP
    Array([2., 2., 2.], dtype=float32)
    """
    if not callable(function):
        raise TypeError(f"vectorized_map: function must be callable, got {function!r}")
    return _map(function, elements)


def _parse_signature(signature: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    if not _SIGNATURE.match(signature):
        raise ValueError(f"vectorize: not a valid gufunc signature: {signature!r} (expected e.g. '(m,n),(n)->(m)')")
    ins, outs = signature.split("->")

    def groups(text: str) -> list[tuple[str, ...]]:
        return [tuple(d.strip() for d in g.split(",") if d.strip()) for g in re.findall(r"\(([^)]*)\)", text)]

    return groups(ins), groups(outs)


def vectorize(pyfunc: Callable[..., Any], *, excluded: Iterable[int] | None = None,
              signature: str | None = None) -> Callable[..., Any]:
    """A function that broadcasts its positional arguments and calls ``pyfunc`` on each element (or, with
    ``signature``, on each core sub-array), stacking the results. Positions in ``excluded`` and keyword arguments
    are passed to every call unchanged.

    >>> vmatvec = vectorize(lambda m, v: ops.matmul(m, v), signature="(m,n),(n)->(m)")   # doctest: +SKIP
    >>> vmatvec(np.ones((5, 2, 3), "float32"), np.ones(3, "float32")).shape
    (5, 2)
    """
    if not callable(pyfunc):
        raise ValueError(f"vectorize: pyfunc must be callable, got pyfunc={pyfunc!r}")
    skip = set(excluded or ())
    if any(not isinstance(i, int) for i in skip):
        raise ValueError(f"vectorize: excluded must hold positional indices (ints), got {sorted(map(str, skip))}")
    cores, out_cores = _parse_signature(signature) if signature is not None else (None, None)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        positions = [i for i in range(len(args)) if i not in skip]
        if cores is not None and len(cores) != len(positions):
            raise ValueError(f"vectorize: the signature {signature!r} has {len(cores)} inputs but the function got "
                             f"{len(positions)} vectorized arguments")
        tensors = [as_tensor(args[i]) for i in positions]
        core_dims = cores if cores is not None else [()] * len(tensors)
        sizes: dict[str, Dim] = {}
        loops = []
        for n, (x, names) in enumerate(zip(tensors, core_dims)):
            shape = type_of(x).shape
            if len(shape) < len(names):
                raise ShapeError(f"vectorize: argument {positions[n]} has shape {fmt_shape(shape)}, fewer dims than "
                                 f"its core dimensions {names}")
            for name, d in zip(names, shape[len(shape) - len(names):]):
                if name in sizes and not dims_equal(sizes[name], d):
                    raise ShapeError(f"vectorize: core dimension {name!r} is {sizes[name]} in one argument and {d} "
                                     f"in argument {positions[n]}")
                sizes[name] = d
            loops.append(shape[:len(shape) - len(names)])
        loop = broadcast_shapes(*loops, op="vectorize")
        if not loop:
            return pyfunc(*args, **kwargs)
        count = shape_size(loop)
        flat = []
        for x, names in zip(tensors, core_dims):
            core = type_of(x).shape[type_of(x).ndim - len(names):]
            flat.append(L.reshape(broadcast_to(x, loop + core, "vectorize"), (count,) + core, "vectorize"))

        def call(slices: Sequence[Any]) -> Any:
            full = list(args)
            for i, s in zip(positions, slices):
                full[i] = s
            return pyfunc(*full, **kwargs)

        out = _map(call, tuple(flat))
        single = not isinstance(out, (tuple, list))
        leaves = [out] if single else list(out)
        if out_cores is not None and len(out_cores) != len(leaves):
            raise ValueError(f"vectorize: the signature {signature!r} has {len(out_cores)} outputs but the function "
                             f"returned {len(leaves)}")
        shaped = [L.reshape(y, loop + type_of(y).shape[1:], "vectorize") for y in leaves]
        return shaped[0] if single else type(out)(shaped)

    wrapped.__name__ = getattr(pyfunc, "__name__", "vectorized")
    wrapped.__doc__ = pyfunc.__doc__
    return wrapped
