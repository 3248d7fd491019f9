"""Tracing: symbolic tensors record prim applications into a graph.

``trace(fn, *specs)`` calls ``fn`` on symbolic tensors and returns the recorded ``Graph``. Concrete arrays met
while tracing become graph constants. Operators (``+``, ``@``, ``[]``...) are installed on SymbolicTensor by
``hornet.api.ops`` (the IR itself knows no public op).
"""
from __future__ import annotations

import contextlib

import itertools
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

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
    """A graph under construction.

    A sub-trace (a control-flow branch, a function being differentiated) has a ``parent``: symbolic tensors of
    an enclosing trace that it uses are *captured* as extra graph inputs (appended after the declared ones),
    so every graph stays closed; ``captures`` lists (outer tensor, inner input) pairs in input order.
    """

    def __init__(self, name: str = "main", parent: "Trace | None" = None):
        self.graph = Graph(name=name)
        self.parent = parent
        self.captures: list[tuple[SymbolicTensor, Value]] = []
        self._captured: dict[int, Value] = {}
        self._constants_by_id: dict[int, tuple[Any, Value]] = {}
        # custom_gradient: id(node) -> (gradient function, the function's input values) for autodiff.
        self.custom_vjps: dict[int, tuple[Any, list[Value | None]]] = {}
        # Mutable state (variables, RNG seeds) seen by this trace, keyed by id(owner): (owner, input, latest).
        self.state: dict[int, tuple[Any, Value, SymbolicTensor]] = {}
        self.eager_region = False  # a control-flow region traced outside of any enclosing trace

    def read_state(self, owner: Any, type: TensorType) -> SymbolicTensor:
        """The current value of a piece of state (e.g. a Variable) inside this trace.

        The first read makes it a graph input; after ``write_state`` the latest written value is returned.
        In a sub-trace, the value is read from the enclosing trace and captured.
        """
        hit = self.state.get(id(owner))
        if hit is not None:
            return hit[2]
        if self.parent is not None:
            outer = self.parent.read_state(owner, type)
            inner = SymbolicTensor(self._capture(outer), self)
            self.state[id(owner)] = (owner, inner.value, inner)
            return inner
        if self.eager_region:  # a region run eagerly (eager ops.scan/cond): the state's current value is a constant
            t = SymbolicTensor(self.constant(np.asarray(owner.numpy())), self)
            self.state[id(owner)] = (owner, t.value, t)
            return t
        v = Value(type, name=getattr(owner, "name", None))
        self.graph.inputs.append(v)
        t = SymbolicTensor(v, self)
        self.state[id(owner)] = (owner, v, t)
        return t

    def write_state(self, owner: Any, value: SymbolicTensor) -> None:
        """Record a new value for a piece of state; callers of the traced function write it back."""
        if self.parent is not None or self.eager_region:
            raise TracerError(f"assigning {getattr(owner, 'name', 'a variable')} inside a control-flow branch "
                              "or a differentiated function is not supported; return the new value instead")
        old = self.read_state(owner, value.type)
        self.state[id(owner)] = (owner, old.value, value)

    def state_updates(self) -> list[tuple[Any, Value]]:
        """(owner, new value) for every piece of state written in this trace, in first-read order."""
        return [(owner, latest.value) for owner, first, latest in self.state.values() if latest.value is not first]

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
            if x.trace is self:
                return x.value
            if self._is_enclosed_by(x.trace):
                return self._capture(x)
            raise TracerError(f"a symbolic tensor ({x.type}) from another trace was used here; it escaped the "
                              "function that created it (stored on an object or a global?)")
        read_state = getattr(type(x), "__traced_value__", None)
        if read_state is not None:  # mutable state (a Variable) is read as state here, never frozen as a constant
            return self.as_value(read_state(x, self))
        return self.constant(x)

    def _is_enclosed_by(self, other: "Trace") -> bool:
        t = self.parent
        while t is not None:
            if t is other:
                return True
            t = t.parent
        return False

    def _capture(self, outer: SymbolicTensor) -> Value:
        hit = self._captured.get(id(outer.value))
        if hit is None:
            hit = Value(outer.type)
            self.graph.inputs.append(hit)
            self.captures.append((outer, hit))
            self._captured[id(outer.value)] = hit
        return hit

    def record(self, prim: Primitive, inputs: Sequence[Any], attrs: dict[str, Any], op: str | None = None,
               regions: tuple[Graph, ...] = ()) -> Any:
        values = tuple(self.as_value(x) for x in inputs)
        out_types = infer_types(prim, [v.type for v in values], attrs, op, regions)
        scopes = name_scopes()
        node = Node(prim.name, values, attrs, (), regions, op, "/".join(scopes) if scopes else None)
        node.outputs = tuple(Value(t, node) for t in out_types)
        self.graph.nodes.append(node)
        outs = tuple(SymbolicTensor(v, self) for v in node.outputs)
        return outs if prim.multiple_results else outs[0]


_STATE = threading.local()


def name_scopes() -> list[str]:
    """The names of the layers being called on this thread, outermost first (recorded as ``Node.scope``)."""
    scopes = getattr(_STATE, "scopes", None)
    if scopes is None:
        scopes = _STATE.scopes = []
    return scopes


@contextlib.contextmanager
def name_scope(name: str) -> Iterator[None]:
    """Nodes traced inside carry ``name`` in their scope path: ``with name_scope("dense_1"): ...``."""
    scopes = name_scopes()
    scopes.append(name)
    try:
        yield
    finally:
        scopes.pop()


def trace_stack() -> list[Trace]:
    stack = getattr(_STATE, "stack", None)
    if stack is None:
        stack = _STATE.stack = []
    return stack


@contextlib.contextmanager
def outside_traces() -> Iterator[None]:
    """Run a block eagerly even while tracing (e.g. computing a new variable's initial value)."""
    stack = trace_stack()
    saved = stack[:]
    stack.clear()
    try:
        yield
    finally:
        stack[:] = saved


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


def trace_region(fn: Callable[..., Any], args: Sequence[Any], name: str = "region"
                 ) -> tuple[Graph, list[SymbolicTensor], pytree.TreeDef]:
    """Trace ``fn(*args)`` (args: a pytree of TensorTypes/specs) as a sub-graph of the innermost active trace.

    Returns the closed graph (declared inputs, then captured ones), the captured outer tensors (operands the
    caller must pass after the declared ones), and the output tree. With no active trace, closed-over
    concrete arrays simply become constants.
    """
    stack = trace_stack()
    tr = Trace(name, parent=stack[-1] if stack else None)
    tr.eager_region = not stack
    leaves, in_tree = pytree.flatten(tuple(args))
    fresh = _fresh_symbols()
    symbolic = [tr.new_input(spec_type(s, fresh)) for s in leaves]
    stack.append(tr)
    try:
        result = fn(*pytree.unflatten(in_tree, symbolic))
    finally:
        stack.pop()
    out_leaves, out_tree = pytree.flatten(result)
    tr.graph.outputs = [tr.as_value(o) for o in out_leaves]
    return tr.graph, [outer for outer, _ in tr.captures], out_tree


@dataclass
class Traced:
    """A traced function: its graph, output tree, and the state it reads and writes.

    ``graph.inputs`` = the flattened arguments, then the state read (``state_in`` owners, in order);
    ``graph.outputs`` = the flattened results, then the new state (``state_out`` owners, in order).
    """

    graph: Graph
    out_tree: pytree.TreeDef
    num_args: int
    state_in: list[Any]
    state_out: list[Any]


def trace_function(fn: Callable[..., Any], args: Sequence[Any], name: str | None = None) -> Traced:
    """Trace ``fn(*args)`` where args is a pytree of specs (TensorSpec, TensorType, or arrays for their types)."""
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
    updates = tr.state_updates()
    tr.graph.outputs = [tr.as_value(o) for o in out_leaves] + [v for _, v in updates]
    tr.graph.metadata["out_tree"] = out_tree.to_json()
    state_in = [owner for owner, _, _ in tr.state.values()]
    if state_in or updates:
        tr.graph.metadata["state"] = {"inputs": [getattr(o, "name", "state") for o in state_in],
                                      "outputs": [getattr(o, "name", "state") for o, _ in updates]}
    return Traced(tr.graph, out_tree, len(leaves), state_in, [o for o, _ in updates])


def trace_with_tree(fn: Callable[..., Any], args: Sequence[Any], name: str | None = None
                    ) -> tuple[Graph, pytree.TreeDef]:
    """Trace ``fn(*args)`` where args is a pytree of specs; returns the graph and the output tree."""
    traced = trace_function(fn, args, name)
    return traced.graph, traced.out_tree
