"""``compiled_when_eager``: run an op built from many prims as one compiled program when it is called eagerly
(private).

Eagerly, every prim of an op is its own small backend program, compiled on first use for each shape; an op of a
few hundred prims (an image warp, a special function's series) then spends seconds compiling them one by one.
Under this decorator an eager call traces the whole op once per static arguments and input types
(``hornet.api.random.staging.staged``) and runs it as one program; inside a trace the op is inlined as usual.

>>> @compiled_when_eager("images")                                # doctest: +SKIP
... def blur(images, radius=1): ...
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

from hornet.ir.tracer import trace_stack


def _hashable(value: Any) -> Any:
    hash(value)  # raises TypeError (lists, arrays) for what cannot key the cache: those calls run op by op
    return value


def compiled_when_eager(*tensor_names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A decorator: the parameters named in ``tensor_names`` take tensors, the others static (hashable) values."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(fn)

        def program(*tensors: Any, **static: Any) -> Any:
            return fn(**dict(zip(tensor_names, tensors)), **static)

        @functools.wraps(fn)
        def op(*args: Any, **kwargs: Any) -> Any:
            if trace_stack():
                return fn(*args, **kwargs)
            from hornet.api.ops.core import convert_to_tensor
            from hornet.api.random.staging import staged  # (imported here: the random package imports the ops)

            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            arguments = dict(bound.arguments)
            try:
                static = {n: _hashable(v) for n, v in arguments.items() if n not in tensor_names}
            except TypeError:
                return fn(*args, **kwargs)  # an unhashable static argument: run op by op
            tensors = [convert_to_tensor(arguments[n]) for n in tensor_names]
            return staged(program, *tensors, **static)

        return op

    return wrap
