"""Symbolic inputs of functional models: ``hornet.Input`` returns a KerasTensor; calling a layer on
KerasTensors records a node (layer, arguments, outputs) instead of computing, and its output shapes come from
tracing the layer's ``call`` with the batch dim symbolic.

>>> x = hornet.Input((784,))                       # doctest: +SKIP
>>> h = layers.Dense(64)(x)
>>> h.shape
(None, 64)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from hornet.api.layers.call_context import call_context
from hornet.ir import pytree
from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.errors import HornetError
from hornet.ir.tracer import TensorSpec, trace_with_tree

BATCH = "batch"


class KerasTensor:
    """A placeholder with a shape (``None`` = unknown dim) and a dtype, produced by a functional node."""

    def __init__(self, shape: Sequence[int | None], dtype: Any = "float32", name: str | None = None,
                 history: "tuple[Any, int, int] | None" = None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = to_dtype(dtype).name
        self.name = name
        self._keras_history = history

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __hash__(self) -> int:
        return id(self)

    def __bool__(self) -> bool:
        raise HornetError("a KerasTensor (a functional-model placeholder) has no value; it can't be used in an "
                          "`if`. Use ops.cond inside a layer's call, or a Lambda layer")

    # Python operators make TensorOp nodes, so `x + y` or `x[:, 0]` work between functional tensors.
    def __getitem__(self, key: Any) -> "KerasTensor":
        from hornet.api.layers.tensor_op import TensorOp

        return TensorOp("get_item", key=_encode_key(key))(self)


def _encode_key(key: Any) -> Any:
    """An indexing key as JSON-able data."""
    if isinstance(key, slice):
        return {"slice": [key.start, key.stop, key.step]}
    if key is Ellipsis:
        return {"ellipsis": True}
    if key is None:
        return {"newaxis": True}
    if isinstance(key, tuple):
        return {"tuple": [_encode_key(k) for k in key]}
    if isinstance(key, int):
        return key
    raise HornetError(f"functional-model tensors support int/slice/None/... indexing, got {key!r}; use a Lambda "
                      "layer for other indexing")


def decode_key(key: Any) -> Any:
    if isinstance(key, dict):
        if "slice" in key:
            return slice(*key["slice"])
        if "ellipsis" in key:
            return Ellipsis
        if "newaxis" in key:
            return None
        return tuple(decode_key(k) for k in key["tuple"])
    return key


def _install_operators() -> None:
    binary = {"add": "add", "sub": "subtract", "mul": "multiply", "truediv": "divide", "floordiv": "floor_divide",
              "mod": "mod", "pow": "power", "matmul": "matmul", "lt": "less", "le": "less_equal",
              "gt": "greater", "ge": "greater_equal", "and": "logical_and", "or": "logical_or"}

    def make(op: str, reflected: bool) -> Any:
        def method(self: KerasTensor, other: Any) -> Any:
            from hornet.api.layers.tensor_op import TensorOp

            if reflected:
                return TensorOp(op, swap=True)(self, other)
            return TensorOp(op)(self, other)

        return method

    for dunder, op in binary.items():
        setattr(KerasTensor, f"__{dunder}__", make(op, False))
        if dunder not in ("lt", "le", "gt", "ge"):
            setattr(KerasTensor, f"__r{dunder}__", make(op, True))

    def unary(op: str) -> Any:
        def method(self: KerasTensor) -> Any:
            from hornet.api.layers.tensor_op import TensorOp

            return TensorOp(op)(self)

        return method

    KerasTensor.__neg__ = unary("negative")
    KerasTensor.__abs__ = unary("abs")


_install_operators()


@dataclass
class Node:
    """One call of a layer on functional tensors."""

    layer: Any
    args: tuple
    kwargs: dict
    outputs: list[KerasTensor] = field(default_factory=list)
    out_tree: Any = None

    @property
    def input_tensors(self) -> list[KerasTensor]:
        leaves, _ = pytree.flatten((self.args, self.kwargs))
        return [x for x in leaves if isinstance(x, KerasTensor)]


def any_keras_tensor(args: Any, kwargs: Any) -> bool:
    leaves, _ = pytree.flatten((args, kwargs))
    return any(isinstance(x, KerasTensor) for x in leaves)


def _spec(t: KerasTensor) -> TensorSpec:
    shape = [BATCH if (i == 0 and d is None) else d for i, d in enumerate(t.shape)]
    return TensorSpec(shape, t.dtype)


def output_spec(layer: Any, args: Any, kwargs: Any) -> Any:
    """The output KerasTensors (without history) of ``layer(*args, **kwargs)``, found by tracing."""
    leaves, tree = pytree.flatten((tuple(args), dict(kwargs)))
    positions = [i for i, x in enumerate(leaves) if isinstance(x, KerasTensor)]
    specs = [_spec(leaves[i]) for i in positions]

    def fn(*symbolic: Any) -> Any:
        filled = list(leaves)
        for i, s in zip(positions, symbolic):
            filled[i] = s
        a, k = pytree.unflatten(tree, filled)
        return layer(*a, **k)

    try:
        with call_context(isolated=True):  # the losses of this trace are symbolic tensors of this trace only
            graph, out_tree = trace_with_tree(fn, specs, name=getattr(layer, "name", "layer"))
    except (HornetError, TypeError, ValueError, IndexError) as e:
        from hornet.api.layers.layer import with_layer_context

        raise with_layer_context(e, layer, [leaves[i] for i in positions]) from e
    n_out = out_tree.num_leaves
    outs = [KerasTensor(tuple(d if isinstance(d, int) else None for d in v.type.shape), v.type.dtype)
            for v in graph.outputs[:n_out]]
    return pytree.unflatten(out_tree, outs)


def output_spec_for_shapes(layer: Any, input_shape: Any, dtype: str = "float32") -> Any:
    """Output KerasTensors for input shape(s): a shape tuple, or a list/dict of them."""
    def is_shape(s: Any) -> bool:
        return isinstance(s, (tuple, list)) and all(d is None or isinstance(d, int) for d in s)

    def to_kt(s: Any) -> Any:
        if is_shape(s):
            return KerasTensor(tuple(s), dtype)
        if isinstance(s, dict):
            return {k: to_kt(v) for k, v in s.items()}
        return type(s)(to_kt(v) for v in s)

    return output_spec(layer, (to_kt(input_shape),), {})


def symbolic_call(layer: Any, args: Any, kwargs: Any) -> Any:
    """Record ``layer(*args, **kwargs)`` on KerasTensors as a node; returns the output KerasTensors."""
    spec = output_spec(layer, args, kwargs)
    out_leaves, out_tree = pytree.flatten(spec)
    node = Node(layer, tuple(args), dict(kwargs), [], out_tree)
    index = len(layer._inbound_nodes)
    for i, t in enumerate(out_leaves):
        t._keras_history = (layer, index, i)
        t.name = f"{layer.name}_out" if len(out_leaves) == 1 else f"{layer.name}_out_{i}"
    node.outputs = list(out_leaves)
    layer._inbound_nodes.append(node)
    return pytree.unflatten(out_tree, out_leaves)


__all__ = ["KerasTensor", "Node", "any_keras_tensor", "output_spec", "symbolic_call"]
