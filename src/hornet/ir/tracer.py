"""Tracing: symbolic tensors record prim applications into a graph.

``trace(fn, *specs)`` calls ``fn`` on symbolic tensors and returns the recorded ``Graph``. Concrete arrays met
while tracing become graph constants. Operators (``+``, ``@``, ``[]``...) are installed on SymbolicTensor by
``hornet.api.ops`` (the IR itself knows no public op).
"""
from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from hornet.ir import pytree
from hornet.ir.dtypes import DType, dtype as to_dtype
from hornet.ir.errors import HornetError, TracerError
from hornet.ir.graph import Graph, Node, Value
from hornet.ir.prims.registry import Primitive, infer_types
from hornet.ir.types import TensorType, type_of_array


class TensorSpec:
    """The type of a traced input: ``TensorSpec((None, 784), "float32")``.

    ``None`` in the shape is a symbolic dim (``"batch"`` on axis 0), a string names a symbol explicitly.

    >>> TensorSpec((None, 3)).type
    float32[batch,3]
    """

    def __init__(self, shape: Sequence[Any], dtype: Any = "float32", name: str | None = None):
        self.shape = tuple(shape)
        self.dtype = to_dtype(dtype)
        self.name = name

    def resolve(self, fresh: Callable[[], str]) -> TensorType:
        dims = [("batch" if i == 0 else fresh()) if d is None else d for i, d in enumerate(self.shape)]
        return TensorType(self.dtype, dims)

    @property
    def type(self) -> TensorType:
        return self.resolve(_fresh_symbols())

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype.value!r})"


def _fresh_symbols() -> Callable[[], str]:
    counter = itertools.count()
    return lambda: f"d{next(counter)}"


class SymbolicTensor:
    """A tensor inside a trace: it has a type but no data. Ops on it record nodes."""

    __slots__ = ("value", "trace")
    __array_priority__ = 1000  # NumPy defers binary operators to us

    def __init__(self, value: Value, trace: "Trace"):
        self.value = value
        self.trace = trace

    @property
    def type(self) -> TensorType:
        return self.value.type

    @property
    def shape(self) -> tuple:
        return self.value.type.shape

    @property
    def dtype(self) -> DType:
        return self.value.type.dtype

    @property
    def ndim(self) -> int:
        return self.value.type.ndim

    @property
    def size(self):
        return self.value.type.size

    def __len__(self) -> int:
        if not self.shape:
            raise TracerError("len() of a 0-d symbolic tensor")
        n = self.shape[0]
        if not isinstance(n, int):
            raise TracerError(f"len() of a symbolic tensor whose first dim is symbolic ({self.type})")
        return n

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self) -> bool:
        raise TracerError(f"a symbolic tensor ({self.type}) has no Python truth value while tracing; "
                          "use ops.where / ops.cond instead of `if`")

    def _concrete(self, kind: str):
        raise TracerError(f"{kind}() of a symbolic tensor ({self.type}) is not known while tracing")

    def __int__(self):
        self._concrete("int")

    def __float__(self):
        self._concrete("float")

    def __index__(self):
        self._concrete("index")

    def __array__(self, *args, **kwargs):
        raise TracerError(f"cannot convert a symbolic tensor ({self.type}) to a NumPy array while tracing")

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"<SymbolicTensor {self.type}>"


class Trace:
    """A graph under construction."""

    def __init__(self, name: str = "main"):
        self.graph = Graph(name=name)
        self._constants_by_id: dict[int, tuple[Any, Value]] = {}

    def new_input(self, type: TensorType, name: str | None = None) -> SymbolicTensor:
        v = Value(type, name=name)
        self.graph.inputs.append(v)
        return SymbolicTensor(v, self)

    def constant(self, array: Any) -> Value:
        key = id(array)
        hit = self._constants_by_id.get(key)
        if hit is not None and hit[0] is array:
            return hit[1]
        arr = np.asarray(array)
        v = Value(type_of_array(arr))
        self.graph.constants[v] = arr
        self._constants_by_id[key] = (array, v)  # keep `array` alive so its id stays unique
        return v

    def as_value(self, x: Any) -> Value:
        if isinstance(x, SymbolicTensor):
            if x.trace is not self:
                raise TracerError("a symbolic tensor from another trace was used here (a leaked tracer?)")
            return x.value
        return self.constant(x)

    def record(self, prim: Primitive, inputs: Sequence[Any], attrs: dict[str, Any], op: str | None = None,
               regions: tuple[Graph, ...] = ()) -> Any:
        values = tuple(self.as_value(x) for x in inputs)
        out_types = infer_types(prim, [v.type for v in values], attrs, op)
        node = Node(prim.name, values, attrs, (), regions, op)
        node.outputs = tuple(Value(t, node) for t in out_types)
        self.graph.nodes.append(node)
        outs = tuple(SymbolicTensor(v, self) for v in node.outputs)
        return outs if prim.multiple_results else outs[0]


_STATE = threading.local()


def trace_stack() -> list[Trace]:
    stack = getattr(_STATE, "stack", None)
    if stack is None:
        stack = _STATE.stack = []
    return stack


def find_trace(args: Sequence[Any]) -> Trace | None:
    """The innermost trace owning any of ``args``, or None when all are concrete."""
    found = None
    for a in args:
        if isinstance(a, SymbolicTensor):
            if found is None or _depth(a.trace) > _depth(found):
                found = a.trace
    return found


def _depth(t: Trace) -> int:
    stack = trace_stack()
    return stack.index(t) if t in stack else -1


def trace(fn: Callable[..., Any], *specs: Any, name: str | None = None) -> Graph:
    """Trace ``fn`` on symbolic inputs described by ``specs`` (TensorSpec, TensorType, or arrays for their
    types; nested lists/tuples/dicts allowed) and return its graph.

    >>> g = trace(lambda x: x, TensorSpec((None, 3)))
    >>> g.input_types
    [float32[batch,3]]
    """
    graph, _ = trace_with_tree(fn, specs, name=name)
    return graph


def spec_type(spec: Any, fresh: Callable[[], str]) -> TensorType:
    if isinstance(spec, TensorType):
        return spec
    if isinstance(spec, TensorSpec):
        return spec.resolve(fresh)
    if hasattr(spec, "shape") and hasattr(spec, "dtype"):
        return TensorType(to_dtype(spec.dtype), tuple(spec.shape))
    raise HornetError(f"cannot trace with input {spec!r}: pass a hornet.TensorSpec, a TensorType or an array")


def trace_with_tree(fn: Callable[..., Any], args: Sequence[Any], name: str | None = None
                    ) -> tuple[Graph, pytree.TreeDef]:
    """Trace ``fn(*args)`` where args is a pytree of specs; returns the graph and the output tree."""
    leaves, in_tree = pytree.flatten(tuple(args))
    tr = Trace(name or getattr(fn, "__name__", "main"))
    fresh = _fresh_symbols()
    symbolic = [tr.new_input(spec_type(s, fresh), getattr(s, "name", None)) for s in leaves]
    stack = trace_stack()
    stack.append(tr)
    try:
        result = fn(*pytree.unflatten(in_tree, symbolic))
    finally:
        stack.pop()
    out_leaves, out_tree = pytree.flatten(result)
    tr.graph.outputs = [tr.as_value(o) for o in out_leaves]
    tr.graph.metadata["out_tree"] = out_tree.to_json()
    return tr.graph, out_tree
