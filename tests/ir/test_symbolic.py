"""Symbolic dims: canonical forms and the arithmetic shape rules use."""
import pytest

from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import (canonical_dim, dim_add, dim_div, dim_mul, dim_sub, dims_equal, evaluate_dim,
                                shape_size, symbols)


@pytest.mark.parametrize("text,canon", [
    ("batch", "batch"), ("3 + 2*batch", "2*batch+3"), ("batch*seq", "batch*seq"), ("seq*batch", "batch*seq"),
    ("batch - batch + 4", 4), ("2*b - 1", "2*b-1"), (7, 7),
])
def test_canonical(text, canon):
    assert canonical_dim(text) == canon


def test_arithmetic():
    assert dim_add("batch", "batch") == "2*batch"
    assert dim_sub("batch", 1) == "batch-1"
    assert dim_mul("batch", 16) == "16*batch"
    assert dim_mul("b", "b+1") == "b*b+b"
    assert dim_div("16*batch", 16) == "batch"
    assert dim_div("4*batch*seq", "batch") == "4*seq"
    assert shape_size(("batch", 4, 4)) == "16*batch"
    assert dims_equal("2*batch", "batch+batch") and not dims_equal("batch", 3)
    assert symbols("2*a*b+c") == {"a", "b", "c"}


@pytest.mark.parametrize("a,b", [("batch", 3), ("2*batch+1", 2), ("seq", "batch")])
def test_inexact_division_raises(a, b):
    with pytest.raises(ShapeError, match="not divisible"):
        dim_div(a, b)


def test_evaluate():
    assert evaluate_dim("2*batch+3", {"batch": 5}) == 13
    with pytest.raises(ShapeError, match="not bound"):
        evaluate_dim("seq", {"batch": 1})


@pytest.mark.parametrize("bad", ["2*(batch)", "ba tch!", "1.5"])
def test_malformed(bad):
    with pytest.raises(ShapeError, match="malformed"):
        canonical_dim(bad)
