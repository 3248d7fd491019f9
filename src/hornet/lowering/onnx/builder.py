"""Building an ONNX graph: unique names, constants, and sizes (static or computed from the inputs' shapes).

Rules get a ``Ctx`` (the builder plus the node being lowered) and ONNX value names, and return the names of the
node's outputs. Symbolic dims ("batch", "2*batch+1") become int64 tensors computed from the graph inputs' shapes
(``Shape``), once per model; sub-graphs (``Scan`` / ``Loop`` / ``If`` bodies) read those tensors
from the enclosing scope, as ONNX allows.

>>> b = GraphBuilder.root()
>>> b.op("Add", ["x", "y"])
'v1'
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from hornet.ir.dtypes import DType, dtype as to_dtype
from hornet.ir.graph import Node
from hornet.ir.symbolic import Dim, evaluate_dim, symbols
from hornet.ir.types import TensorType
from hornet.lowering.onnx.errors import OnnxLoweringError, where

ONNX_DTYPES: dict[DType, int] = {
    DType.bool: TensorProto.BOOL,
    DType.int8: TensorProto.INT8,
    DType.int16: TensorProto.INT16,
    DType.int32: TensorProto.INT32,
    DType.int64: TensorProto.INT64,
    DType.uint8: TensorProto.UINT8,
    DType.uint32: TensorProto.UINT32,
    DType.float16: TensorProto.FLOAT16,
    DType.float32: TensorProto.FLOAT,
    DType.float64: TensorProto.DOUBLE,
}
# bfloat16 is refused: onnxruntime has almost no CPU kernels for it, so an exported model would not run.


def onnx_dtype(d: Any, what: str = "a value") -> int:
    """The ONNX TensorProto element type of a hornet dtype.

    >>> onnx_dtype("float32") == TensorProto.FLOAT
    True
    """
    d = to_dtype(d)
    if d not in ONNX_DTYPES:
        raise OnnxLoweringError(f"ONNX export: {what} has dtype {d}, which the exporter does not support "
                                f"(supported: {', '.join(str(k) for k in ONNX_DTYPES)}); convert the model first")
    return ONNX_DTYPES[d]


def value_info(name: str, t: TensorType) -> Any:
    """A ValueInfoProto for ``t``: static dims as ints, symbolic dims as ``dim_param``s.

    >>> value_info("x", TensorType("float32", ("batch", 3))).type.tensor_type.shape.dim[0].dim_param
    'batch'
    """
    dims = [d if isinstance(d, int) else str(d) for d in t.shape]
    return helper.make_tensor_value_info(name, onnx_dtype(t.dtype, f"value {name!r}"), dims)


class _Names:
    def __init__(self) -> None:
        self.count = 0

    def fresh(self, stem: str = "v") -> str:
        self.count += 1
        return f"{stem}{self.count}"


class GraphBuilder:
    """The nodes of one ONNX graph (the main graph or a sub-graph), with names shared by the whole model.

    >>> b = GraphBuilder.root(); b.op("Neg", ["x"])
    'v1'
    """

    def __init__(self, names: _Names, initializers: list, parent: "GraphBuilder | None"):
        self.names = names
        self.initializers = initializers  # the main graph's; sub-graphs read them from the enclosing scope
        self.main: GraphBuilder = parent.main if parent is not None else self
        self.symbols: dict[str, tuple[str, int]] = {}  # (main only) symbol -> (graph input, axis) giving it
        self.nodes: list[Any] = []
        self.dims: dict[Any, str] = dict(parent.dims) if parent is not None else {}  # visible in sub-graphs too

    @staticmethod
    def root() -> "GraphBuilder":
        return GraphBuilder(_Names(), [], None)

    def child(self) -> "GraphBuilder":
        """A builder for a sub-graph (a body or a branch) of this graph."""
        return GraphBuilder(self.names, self.initializers, self)

    def symbol(self, name: str) -> str:
        """The int64 [1] size of a plain symbol: ``Shape(input)[axis]``, added at the top of the main graph (on
        first use, from any sub-graph), so every graph and sub-graph can read it."""
        main = self.main
        key = ("symbol", name)
        if key not in main.dims:
            if name not in main.symbols:
                raise OnnxLoweringError(f"ONNX export: symbolic dimension {name!r} is not a dim of any graph input")
            source, axis = main.symbols[name]
            out = self.fresh("size")
            main.nodes.insert(0, helper.make_node("Shape", [source], [out], name=self.fresh("shape_"), start=axis,
                                                  end=axis + 1))
            main.dims[key] = out
        return main.dims[key]

    def fresh(self, stem: str = "v") -> str:
        return self.names.fresh(stem)

    def op(self, op_type: str, inputs: Sequence[str], outputs: int | Sequence[str] = 1, **attrs: Any) -> Any:
        """Append one node; returns its output name (a list of names when ``outputs`` is not 1)."""
        outs = [self.fresh() for _ in range(outputs)] if isinstance(outputs, int) else list(outputs)
        attrs = {k: v for k, v in attrs.items() if v is not None}
        self.nodes.append(helper.make_node(op_type, list(inputs), outs, name=self.fresh(op_type.lower() + "_"),
                                           **attrs))
        return outs[0] if outputs == 1 else outs

    def const(self, value: Any, dtype: Any = None) -> str:
        """A small constant (shapes, scalars, identities) as a ``Constant`` node."""
        arr = np.asarray(value, dtype=None if dtype is None else to_dtype(dtype).np)
        out = self.fresh("c")
        self.nodes.append(helper.make_node("Constant", [], [out], name=self.fresh("constant_"),
                                           value=numpy_helper.from_array(arr, out)))
        return out

    def initializer(self, array: np.ndarray, stem: str = "w") -> str:
        """A graph constant (a weight) as an initializer of the main graph."""
        arr = np.asarray(array)
        onnx_dtype(arr.dtype, "a constant")
        name = self.fresh(stem)
        self.initializers.append(numpy_helper.from_array(arr if arr.flags.c_contiguous else arr.copy(order="C"), name))
        return name

    def dim(self, d: Dim) -> str:
        """An int64 tensor of shape [1] holding the size ``d`` (an int, or a symbolic dim)."""
        key = ("dim", d)
        if key not in self.dims:
            if isinstance(d, int):
                self.dims[key] = self.const([d], "int64")
            else:
                self.dims[key] = _SizeExpr.unwrap(self, evaluate_dim(d, _symbol_env(self, d)))
        return self.dims[key]

    def shape(self, dims: Sequence[Dim]) -> str:
        """An int64 tensor [len(dims)] holding a shape whose dims may be symbolic."""
        if all(isinstance(d, int) for d in dims):
            return self.const(list(dims), "int64")
        parts: list[str] = []
        run: list[int] = []
        for d in dims:
            if isinstance(d, int):
                run.append(d)
                continue
            if run:
                parts.append(self.const(run, "int64"))
                run = []
            parts.append(self.dim(d))
        if run:
            parts.append(self.const(run, "int64"))
        return parts[0] if len(parts) == 1 else self.op("Concat", parts, axis=0)

    def cast(self, x: str, src: Any, dst: Any) -> str:
        return x if to_dtype(src) == to_dtype(dst) else self.op("Cast", [x], to=onnx_dtype(dst))


def _symbol_env(b: GraphBuilder, d: Dim) -> dict[str, "_SizeExpr"]:
    return {name: _SizeExpr(b, b.symbol(name)) for name in symbols(d)}


class _SizeExpr:
    """An int64 [1] tensor under ``+`` and ``*``, so ``evaluate_dim`` builds a symbolic size as ONNX nodes."""

    def __init__(self, b: GraphBuilder, name: str):
        self.b, self.name = b, name

    @staticmethod
    def unwrap(b: GraphBuilder, v: Any) -> str:
        return v.name if isinstance(v, _SizeExpr) else b.const([int(v)], "int64")

    def _bin(self, op: str, other: Any) -> "_SizeExpr":
        return _SizeExpr(self.b, self.b.op(op, [self.name, _SizeExpr.unwrap(self.b, other)]))

    def __add__(self, other: Any) -> "_SizeExpr":
        return self if isinstance(other, int) and other == 0 else self._bin("Add", other)

    def __mul__(self, other: Any) -> "_SizeExpr":
        return self if isinstance(other, int) and other == 1 else self._bin("Mul", other)

    __radd__ = __add__
    __rmul__ = __mul__


class Ctx:
    """What a rule sees: the builder (``op``, ``const``, ``shape``, ...), the node's input and output types, and
    ``region`` / ``inline`` to lower the node's regions. ``fail(why)`` is an OnnxLoweringError naming the node.

    >>> raise ctx.fail("num_keys=2 has no ONNX rule")                   # doctest: +SKIP
    """

    def __init__(self, b: GraphBuilder, node: Node, emitter: Callable[..., list[str]]):
        self.b = b
        self.node = node
        self.in_types = [v.type for v in node.inputs]
        self.out_types = [v.type for v in node.outputs]
        self._emit = emitter  # emitter(builder, graph, env) -> output names

    def __getattr__(self, name: str) -> Any:  # op, const, shape, dim, cast, fresh: the builder's
        return getattr(self.b, name)

    def fail(self, why: str) -> "OnnxLoweringError":
        return OnnxLoweringError(f"ONNX export: {where(self.node)}: {why}")

    def inline(self, region: Any, inputs: Sequence[str], b: "GraphBuilder | None" = None) -> list[str]:
        """Emit ``region``'s nodes into ``b`` (default: this graph) on the given input names."""
        return self._emit(b or self.b, region, dict(zip(region.inputs, inputs)))

    def subgraph(self, b: GraphBuilder, inputs: Sequence[Any], outs: Sequence[str],
                 types: Sequence[TensorType]) -> Any:
        """A GraphProto of ``b``'s nodes; each output passes an Identity, so it is produced inside the graph
        (a region may return an operand, or an outer value, unchanged)."""
        names = [b.op("Identity", [o]) for o in outs]
        return helper.make_graph(b.nodes, b.fresh("body"), list(inputs),
                                 [value_info(n, t) for n, t in zip(names, types)])

    def region(self, index: int, outer: Sequence["str | None"]) -> Any:
        """Region ``index`` as an ONNX sub-graph: region input i reads the enclosing value ``outer[i]``, or is a
        sub-graph input where ``outer[i]`` is None. Returns the GraphProto."""
        region = self.node.regions[index]
        b = self.b.child()
        names, inputs = [], []
        for v, name in zip(region.inputs, outer):
            if name is None:
                name = b.fresh("arg")
                inputs.append(value_info(name, v.type))
            names.append(name)
        outs = self.inline(region, names, b)
        return self.subgraph(b, inputs, outs, region.output_types)


# The dtype each hornet dtype computes in: onnxruntime's CPU kernels cover float32/float64 and int32/int64 for
# nearly every op, and computing in the wider type then casting back gives exactly the IR's result (16-bit floats
# round once, as the reference interpreter does; narrow integers wrap on the cast back).
_COMPUTE: dict[DType, DType] = {
    DType.float16: DType.float32, DType.bfloat16: DType.float32,
    DType.int8: DType.int32, DType.int16: DType.int32, DType.uint8: DType.int32, DType.uint32: DType.int64,
}


def compute_dtype(d: Any) -> DType:
    """The dtype a rule computes ``d`` in.

    >>> compute_dtype("float16"), compute_dtype("uint32"), compute_dtype("float64")
    (<DType.float32: 'float32'>, <DType.int64: 'int64'>, <DType.float64: 'float64'>)
    """
    d = to_dtype(d)
    return _COMPUTE.get(d, d)


def widened(ctx: Ctx, xs: Sequence[str], dtype: Any, fn: Callable[..., str], out_dtype: Any = None) -> str:
    """``fn(*xs)`` computed in ``compute_dtype(dtype)``, the result cast to ``out_dtype`` (default ``dtype``).

    >>> widened(ctx, [x], "float16", lambda w: ctx.op("Exp", [w]))   # Cast, Exp, Cast   # doctest: +SKIP
    """
    wide = compute_dtype(dtype)
    out = fn(*[ctx.cast(x, dtype, wide) for x in xs])
    target = dtype if out_dtype is None else out_dtype
    return out if to_dtype(target) == DType.bool else ctx.cast(out, wide, target)
