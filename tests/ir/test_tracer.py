"""Tracing records prim applications; symbolic tensors refuse Python control flow with a clear error."""
import numpy as np
import pytest

from hornet.ir.errors import HornetError, ShapeError, TracerError
from hornet.ir.tracer import SymbolicTensor, TensorSpec, trace
from hornet.ir.types import TensorType
from hornet.runtime.bind import bind


def test_spec_symbols():
    assert TensorSpec((None, 3)).type == TensorType("float32", ("batch", 3))
    assert TensorSpec((None, None, "seq"), "int32").type == TensorType("int32", ("batch", "d0", "seq"))


def test_trace_records_nodes_and_constants():
    c = np.ones((3,), "float32")
    g = trace(lambda x: bind("mul", bind("add", x, c), x), TensorSpec((3,)))
    assert [n.prim for n in g.nodes] == ["add", "mul"]
    assert len(g.constants) == 1 and list(g.constants.values())[0] is not None
    assert g.outputs[0].type == TensorType("float32", (3,))


def test_shape_errors_name_op_prim_and_types():
    with pytest.raises(ShapeError) as e:
        trace(lambda x, y: bind("add", x, y, op="my_op"), TensorSpec((2, 3)), TensorSpec((3, 2)))
    msg = str(e.value)
    assert "my_op" in msg and "add" in msg and "float32[2,3]" in msg and "float32[3,2]" in msg


def test_unknown_attr_and_prim():
    with pytest.raises(HornetError, match="unknown prim"):
        trace(lambda x: bind("no_such_prim", x), TensorSpec((2,)))
    with pytest.raises(HornetError, match="unknown attribute"):
        trace(lambda x: bind("add", x, x, bogus=1), TensorSpec((2,)))


def test_python_control_flow_on_symbolic_tensors_is_refused():
    def f(x):
        if x:
            return x
        return x

    with pytest.raises(TracerError, match="ops.where"):
        trace(f, TensorSpec((2,)))
    with pytest.raises(TracerError, match="NumPy"):
        trace(lambda x: np.asarray(x), TensorSpec((2,)))


def test_symbolic_tensor_metadata():
    seen = {}

    def f(x):
        seen["x"] = x
        return x

    trace(f, TensorSpec((None, 4), "int8"))
    x = seen["x"]
    assert isinstance(x, SymbolicTensor)
    assert x.shape == ("batch", 4) and x.dtype == "int8" and x.ndim == 2
    with pytest.raises(TracerError, match="symbolic"):
        len(x)


def test_nodes_carry_the_layer_scope_and_it_survives_serialization():
    from hornet.ir.graph import Graph
    from hornet.ir.tracer import name_scope

    def f(x):
        with name_scope("model"):
            y = bind("neg", x)
            with name_scope("dense"):
                return bind("exp", y)

    g = trace(f, TensorSpec((2,), "float32"))
    assert [(n.prim, n.scope) for n in g.nodes] == [("neg", "model"), ("exp", "model/dense")]
    assert [n.scope for n in Graph.from_json(g.to_json()).nodes] == ["model", "model/dense"]
    assert trace(lambda x: bind("neg", x), TensorSpec((2,), "float32")).nodes[0].scope is None
