"""hornet's graph IR: dtypes, types, graphs, the prim registry, the tracer, passes and serialization.

Imports NumPy (and ml_dtypes) only; no framework.
"""
from hornet.ir.dtypes import DType, dtype, promote_types, result_type
from hornet.ir.errors import DTypeError, HornetError, LoadError, SerializationError, ShapeError, TracerError
from hornet.ir.graph import Graph, Node, Value
from hornet.ir.prims import PRIMITIVES, Primitive
from hornet.ir.tracer import SymbolicTensor, TensorSpec, trace
from hornet.ir.types import TensorType

__all__ = ["DType", "dtype", "promote_types", "result_type", "HornetError", "ShapeError", "DTypeError",
           "TracerError", "LoadError", "SerializationError", "Graph", "Node", "Value", "PRIMITIVES", "Primitive",
           "SymbolicTensor", "TensorSpec", "trace", "TensorType"]
