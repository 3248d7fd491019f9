"""The text printer: a golden small graph, constants, attributes, op comments, multiple results, regions."""
from __future__ import annotations

import numpy as np
import pytest

from graph_samples import finish, mlp_graph, rec, region_graph, region_prim  # noqa: F401  (a fixture)
from hornet.ir.graph import Graph, Value
from hornet.ir.printer import format_array, format_attr, format_graph
from hornet.ir.dtypes import DType
from hornet.ir.tracer import Trace
from hornet.ir.types import TensorType

MLP_TEXT = """\
def main(%0 "x": float32[batch,4], %1 "w": float32[4,3]) -> (float32[batch]):
  %2: float32[3] = const [0.5, -1.0, 0.25]
  %3: float32[batch,3] = dot_general(%0, %1, lhs_contracting=(1,), rhs_contracting=(0,))   # ops.matmul
  %4: float32[batch,3] = broadcast_in_dim(%2, shape=('batch', 3), broadcast_dimensions=(1,))   # ops.broadcast_to
  %5: float32[batch,3] = add(%3, %4)
  %6: float32[batch,3] = exp(%5)
  %7: float32[batch] = reduce_sum(%6, axes=(1,))   # ops.sum
  return (%7,)"""


def test_golden_mlp():
    g = mlp_graph()
    assert format_graph(g) == MLP_TEXT
    assert str(g) == MLP_TEXT


def test_signature_and_return_lines():
    tr = Trace("two")
    x = tr.new_input(TensorType("int32", ()))
    y = tr.new_input(TensorType("bool", ("n", "2*n")))
    lines = str(finish(tr, y, x)).splitlines()
    assert lines == ["def two(%0: int32[], %1: bool[n,2*n]) -> (bool[n,2*n], int32[]):", "  return (%1, %0)"]
    assert str(Graph(name="empty")).splitlines() == ["def empty() -> ():", "  return ()"]


@pytest.mark.parametrize("array, text", [
    (np.array(1.0, np.float32), "1.0"),
    (np.array(True), "True"),
    (np.array(-3, np.int8), "-3"),
    (np.array(7, np.uint32), "7"),
    (np.array(0.1, np.float16), "0.1"),
    (np.array(0.1, np.float32), "0.1"),
    (np.array(1.5, DType.bfloat16.np), "1.5"),
    (np.array([[1, 2], [3, 4]], np.int64), "[[1, 2], [3, 4]]"),
    (np.array([np.inf, -np.inf, np.nan]), "[inf, -inf, nan]"),
    (np.array([True, False]), "[True, False]"),
    (np.zeros((0, 3), np.float32), "[]"),
    (np.arange(16, dtype=np.int16), "[" + ", ".join(map(str, range(16))) + "]"),
    (np.arange(17, dtype=np.int16), "[0, 1, 2, 3, ...] (17 values)"),
    (np.ones((784, 64), np.float32), "[1.0, 1.0, 1.0, 1.0, ...] (50176 values)"),
])
def test_constant_text(array, text):
    assert format_array(array) == text
    tr = Trace("c")
    g = finish(tr, rec(tr, "neg", array) if array.dtype != np.bool_ else rec(tr, "not", array))
    assert f"  %0: {TensorType(array.dtype, array.shape)} = const {text}" in str(g).splitlines()


@pytest.mark.parametrize("value, text", [
    ((1,), "(1,)"), ((), "()"), ((0, 2), "(0, 2)"), (DType.float16, "float16"), ("sum", "'sum'"),
    (((0, 1), (2, 3)), "((0, 1), (2, 3))"), (None, "None"), (True, "True"), (1e-05, "1e-05"),
    (float("inf"), "inf"), (("batch", 3), "('batch', 3)"),
])
def test_attribute_text(value, text):
    assert format_attr(value) == text


def test_default_attributes_are_hidden():
    tr = Trace("f")
    x = tr.new_input(TensorType("float32", (4,)))
    a = rec(tr, "sort", x, dimension=0)
    (b,) = rec(tr, "sort", x, dimension=0, descending=True)
    c = rec(tr, "argmax", x, axis=0, index_dtype="int64")
    d = rec(tr, "argmax", x, axis=0)
    lines = str(finish(tr, a[0], b, c, d)).splitlines()
    assert lines[1] == "  %1: float32[4] = sort(%0, dimension=0)"
    assert lines[2] == "  %2: float32[4] = sort(%0, dimension=0, descending=True)"
    assert lines[3] == "  %3: int64[] = argmax(%0, axis=0, index_dtype=int64)"
    assert lines[4] == "  %4: int32[] = argmax(%0, axis=0)"


def test_multiple_results_on_one_line():
    tr = Trace("f")
    x = tr.new_input(TensorType("float32", (2, 5)))
    values, indices = rec(tr, "top_k", x, k=3, op="top_k")
    text = str(finish(tr, indices, values))
    assert "  %1: float32[2,3], %2: int32[2,3] = top_k(%0, k=3)" in text.splitlines()
    assert text.endswith("  return (%2, %1)")


@pytest.mark.parametrize("op, comment", [(None, ""), ("exp", ""), ("sigmoid", "   # ops.sigmoid"),
                                         ("layers.Dense", "   # layers.Dense")])
def test_op_comment(op, comment):
    tr = Trace("f")
    x = tr.new_input(TensorType("float32", (2,)))
    text = str(finish(tr, rec(tr, "exp", x, op=op)))
    assert text.splitlines()[1] == "  %1: float32[2] = exp(%0)" + comment


def test_value_names_are_quoted():
    v = Value(TensorType("float32", (1,)), name='a "b"')
    first = str(Graph(inputs=[v], outputs=[v])).splitlines()[0]
    assert first == 'def main(%0 "a \\"b\\"": float32[1]) -> (float32[1]):'


def test_undefined_values_still_print():
    """The printer is a debugging aid: it prints broken graphs too (verify reports them)."""
    g = Graph(outputs=[Value(TensorType("float32", (2,)))])
    assert str(g).splitlines()[-1] == "  return (%<undefined float32[2]>,)"


def test_regions_are_indented(region_prim):
    assert str(region_graph()) == """\
def main(%0 "x": float32[3]) -> (float32[3]):
  %1: float32[3] = const [2.0, 2.0, 2.0]
  %2: float32[3] = test_call(%0):   # ops.call
    def body(%3: float32[3]) -> (float32[3]):
      %4: float32[3] = exp(%3)
      %5: float32[3] = exp(%3)
      %6: float32[3] = cos(%3)
      %7: float32[3] = add(%4, %5)
      return (%7,)
  %8: float32[3] = mul(%2, %1)
  return (%8,)"""
