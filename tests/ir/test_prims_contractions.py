"""The contractions prims: shape/dtype rules (symbolic dims, errors) and both lowerings against NumPy einsum
(dot_general) and jax.lax.conv_general_dilated called directly (conv_general)."""
import string

import numpy as np
import pytest

from helpers import LOWERINGS, TOLERANCE, assert_close, prim_graph, random_array, run_graph, run_prim
from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.types import TensorType

FLOATS = ("float16", "bfloat16", "float32", "float64")


def check(got, want, scale):
    """Equal dtypes and shapes; floats within rtol of the dtype, with an absolute slack of rtol * the largest
    sum of |products| (``scale``), since contractions that cancel cannot be judged by relative error."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, f"dtype {got.dtype} != {want.dtype}"
    d = to_dtype(want.dtype)
    atol = TOLERANCE[d][0] * max(float(np.max(scale, initial=0.0)), 1.0) if d.is_floating else None
    assert_close(got, want, d, atol=atol)


def oracle_work_dtype(out):
    """What the oracles compute in: float64 for float outputs, int64 for ints (wrapped back), bool as int64."""
    return np.float64 if to_dtype(out).is_floating else np.int64


def cast_result(exact, out):
    d = to_dtype(out)
    return (exact > 0) if d.is_bool else exact.astype(d.np)


# --- dot_general against einsum ------------------------------------------------------------------------------------

def einsum_dot(lhs, rhs, lc, rc, lb, rb, out):
    letters = iter(string.ascii_letters)
    ls = [next(letters) for _ in range(lhs.ndim)]
    rs = [next(letters) for _ in range(rhs.ndim)]
    for a, b in zip(lc + lb, rc + rb):
        rs[b] = ls[a]
    lfree = [ls[i] for i in range(lhs.ndim) if i not in lc + lb]
    rfree = [rs[i] for i in range(rhs.ndim) if i not in rc + rb]
    spec = f"{''.join(ls)},{''.join(rs)}->{''.join([ls[i] for i in lb] + lfree + rfree)}"
    work = oracle_work_dtype(out)
    return np.einsum(spec, lhs.astype(work), rhs.astype(work))


DOT_CASES = {  # name -> (lhs shape, rhs shape, lhs_contracting, rhs_contracting, lhs_batch, rhs_batch)
    "matmul": ((2, 3), (3, 4), (1,), (0,), (), ()),
    "vector_dot": ((5,), (5,), (0,), (0,), (), ()),
    "outer": ((3,), (4,), (), (), (), ()),
    "batched_matmul": ((2, 3, 4), (2, 4, 5), (2,), (1,), (0,), (0,)),
    "two_contracting_dims": ((2, 3, 4), (4, 3, 5), (1, 2), (1, 0), (), ()),
    "batch_not_leading": ((3, 2, 4), (4, 5, 2), (2,), (0,), (1,), (2,)),
    "two_batch_dims": ((2, 3, 4, 5), (3, 2, 5, 6), (3,), (2,), (0, 1), (1, 0)),
    "contract_first_dims": ((6, 2), (6, 3), (0,), (0,), (), ()),
}


@pytest.mark.parametrize("dtype", FLOATS + ("int32", "uint8", "bool"))
@pytest.mark.parametrize("case", sorted(DOT_CASES))
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_dot_general(lowering, case, dtype):
    ls, rs, lc, rc, lb, rb = DOT_CASES[case]
    rng = np.random.default_rng(10)
    lhs, rhs = random_array(ls, dtype, rng), random_array(rs, dtype, rng)
    (got,) = run_prim(lowering, "dot_general", lhs, rhs, lhs_contracting=lc, rhs_contracting=rc, lhs_batch=lb,
                      rhs_batch=rb)
    want = cast_result(einsum_dot(lhs, rhs, lc, rc, lb, rb, dtype), dtype)
    scale = einsum_dot(np.abs(lhs.astype(np.float64)), np.abs(rhs.astype(np.float64)), lc, rc, lb, rb, "float64")
    check(got, want, scale)


@pytest.mark.parametrize("operand,preferred", [
    ("int8", "int32"), ("uint8", "int32"), ("bool", "int32"), ("int32", "float32"), ("bfloat16", "float32"),
    ("float16", "float32"), ("float32", "float64"), ("int8", "float16"),
])
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_dot_general_preferred_element_type(lowering, operand, preferred):
    rng = np.random.default_rng(11)
    lhs, rhs = random_array((3, 8), operand, rng), random_array((8, 2), operand, rng)
    if preferred == "int32" and operand == "int8":  # products of 100s overflow int8 but not the int32 output
        lhs, rhs = np.full((3, 8), 100, np.int8), np.full((8, 2), -90, np.int8)
    (got,) = run_prim(lowering, "dot_general", lhs, rhs, lhs_contracting=(1,), rhs_contracting=(0,),
                      preferred_element_type=preferred)
    exact = einsum_dot(lhs, rhs, (1,), (0,), (), (), preferred)
    scale = einsum_dot(np.abs(lhs.astype(np.float64)), np.abs(rhs.astype(np.float64)), (1,), (0,), (), (), "float64")
    check(got, cast_result(exact, preferred), scale)


@pytest.mark.parametrize("lowering", LOWERINGS)
def test_dot_general_integers_wrap_in_operand_dtype(lowering):
    lhs, rhs = np.full((1, 4), 100, np.int8), np.full((4, 1), 3, np.int8)
    (got,) = run_prim(lowering, "dot_general", lhs, rhs, lhs_contracting=(1,), rhs_contracting=(0,))
    check(got, np.array([[1200]]).astype(np.int8), None)


# --- conv_general against jax.lax.conv_general_dilated --------------------------------------------------------------

def lax_conv(lhs, rhs, out, **attrs):
    """The oracle: jax.lax directly, in float64 or int64 (wrapped back to the output dtype)."""
    import jax
    from jax import lax

    jax.config.update("jax_enable_x64", True)
    work = oracle_work_dtype(out)
    layout = tuple(range(lhs.ndim))
    res = lax.conv_general_dilated(
        lhs.astype(work), rhs.astype(work), attrs["window_strides"], [tuple(p) for p in attrs["padding"]],
        lhs_dilation=attrs["lhs_dilation"], rhs_dilation=attrs["rhs_dilation"],
        dimension_numbers=lax.ConvDimensionNumbers(layout, layout, layout),
        feature_group_count=attrs.get("feature_group_count", 1))
    return np.asarray(res)


def conv_attrs(n, strides=None, padding=None, lhs_dilation=None, rhs_dilation=None, groups=1):
    return dict(window_strides=strides or (1,) * n, padding=padding or ((0, 0),) * n,
                lhs_dilation=lhs_dilation or (1,) * n, rhs_dilation=rhs_dilation or (1,) * n,
                feature_group_count=groups)


CONV_CASES = {  # name -> (lhs shape (N, C, *S), rhs shape (O, C/groups, *K), attrs)
    "1d": ((2, 3, 9), (4, 3, 3), conv_attrs(1)),
    "1d_stride2_padded": ((2, 3, 9), (4, 3, 3), conv_attrs(1, strides=(2,), padding=((1, 2),))),
    "2d": ((2, 3, 6, 5), (4, 3, 3, 2), conv_attrs(2)),
    "2d_stride2": ((2, 3, 8, 8), (4, 3, 3, 3), conv_attrs(2, strides=(2, 2))),
    "2d_same_like": ((2, 3, 7, 7), (4, 3, 3, 3), conv_attrs(2, padding=((1, 1), (1, 1)))),
    "2d_stride2_same_like": ((1, 2, 8, 7), (3, 2, 3, 3), conv_attrs(2, strides=(2, 2), padding=((0, 1), (1, 1)))),
    "2d_negative_padding": ((2, 3, 8, 8), (4, 3, 3, 3), conv_attrs(2, padding=((-1, 0), (1, -2)))),
    "2d_rhs_dilation2": ((2, 3, 9, 9), (4, 3, 3, 3), conv_attrs(2, rhs_dilation=(2, 2))),
    "2d_lhs_dilation2": ((2, 3, 4, 5), (4, 3, 3, 3), conv_attrs(2, padding=((2, 2), (2, 2)), lhs_dilation=(2, 2))),
    "2d_groups2": ((2, 4, 6, 6), (6, 2, 3, 3), conv_attrs(2, groups=2)),
    "2d_depthwise": ((2, 3, 6, 6), (6, 1, 3, 3), conv_attrs(2, padding=((1, 1), (1, 1)), groups=3)),
    "3d": ((1, 2, 5, 4, 5), (3, 2, 2, 2, 3), conv_attrs(3, strides=(1, 2, 1), padding=((1, 0), (0, 0), (1, 1)))),
    "3d_dilations": ((1, 2, 4, 5, 4), (2, 2, 2, 2, 2),
                     conv_attrs(3, lhs_dilation=(2, 1, 1), rhs_dilation=(1, 2, 2), padding=((1, 1), (0, -1), (0, 0)))),
    "window_does_not_fit": ((1, 1, 2, 4), (1, 1, 3, 3), conv_attrs(2, padding=((0, 0), (1, 1)))),
}


def _check_conv(lowering, lhs, rhs, attrs, preferred=None):
    out = preferred or lhs.dtype
    (got,) = run_prim(lowering, "conv_general", lhs, rhs, preferred_element_type=preferred, **attrs)
    want = lax_conv(lhs, rhs, out, **attrs).astype(to_dtype(out).np)
    scale = lax_conv(np.abs(lhs.astype(np.float64)), np.abs(rhs.astype(np.float64)), "float64", **attrs)
    check(got, want, scale)


@pytest.mark.parametrize("case", sorted(CONV_CASES))
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_conv_general_cases(lowering, case):
    ls, rs, attrs = CONV_CASES[case]
    rng = np.random.default_rng(12)
    _check_conv(lowering, random_array(ls, "float32", rng), random_array(rs, "float32", rng), attrs)


@pytest.mark.parametrize("dtype", FLOATS + ("int32", "uint8"))
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_conv_general_dtypes(lowering, dtype):
    rng = np.random.default_rng(13)
    lhs, rhs = random_array((2, 4, 6, 5), dtype, rng), random_array((4, 2, 3, 2), dtype, rng)
    _check_conv(lowering, lhs, rhs, conv_attrs(2, strides=(2, 1), padding=((1, 1), (0, 1)), groups=2))


@pytest.mark.parametrize("operand,preferred", [("bfloat16", "float32"), ("int8", "int32"), ("uint8", "float32")])
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_conv_general_preferred_element_type(lowering, operand, preferred):
    rng = np.random.default_rng(14)
    lhs, rhs = random_array((1, 3, 5), operand, rng), random_array((2, 3, 2), operand, rng)
    if operand == "int8":
        lhs, rhs = np.full((1, 3, 5), 60, np.int8), np.full((2, 3, 2), 70, np.int8)
    _check_conv(lowering, lhs, rhs, conv_attrs(1), preferred)


# --- shape rules with symbolic dims, and errors --------------------------------------------------------------------

def infer(prim, *types, **attrs):
    return prim_graph(prim, list(types), **attrs).outputs[0].type


@pytest.mark.parametrize("lhs,rhs,attrs,out", [
    (("batch", 3), (3, 4), dict(lhs_contracting=(1,), rhs_contracting=(0,)), ("batch", 4)),
    ((2, "n"), ("n", "m"), dict(lhs_contracting=(1,), rhs_contracting=(0,)), (2, "m")),
    (("batch", 5, 3), ("batch", 3, "t"), dict(lhs_contracting=(2,), rhs_contracting=(1,), lhs_batch=(0,),
                                              rhs_batch=(0,)), ("batch", 5, "t")),
    (("batch", 3), ("batch", 3), dict(lhs_contracting=(0,), rhs_contracting=(0,)), (3, 3)),
])
def test_dot_general_symbolic_shapes(lhs, rhs, attrs, out):
    assert infer("dot_general", TensorType("float32", lhs), TensorType("float32", rhs), **attrs) == \
        TensorType("float32", out)


@pytest.mark.parametrize("lhs,rhs,attrs,out", [
    (("batch", 3, 8, 8), (4, 3, 3, 3), conv_attrs(2, strides=(2, 2), padding=((1, 1), (1, 1))), ("batch", 4, 4, 4)),
    (("batch", 4, "h", 9), (6, 2, 3, 3), conv_attrs(2, strides=(1, 2), groups=2), ("batch", 6, "h-2", 4)),
    (("batch", 2, "w"), (2, 2, 3), conv_attrs(1, lhs_dilation=(2,), padding=((2, 2),)), ("batch", 2, "2*w+1")),
    # the kernel gradient's shapes: the batch as (grouped) input features, a symbolic kernel
    ((3, "2*batch", 8), (4, "batch", 5), conv_attrs(1, groups=2), (3, 4, 4)),
    ((2, 3, "h"), (4, 3, "h-2"), conv_attrs(1, padding=((1, 0),)), (2, 4, 4)),
    ((2, 3, "h"), (4, 3, "h-1"), conv_attrs(1, strides=(2,), padding=((1, 2),)), (2, 4, 3)),
    # a stride > 1 on a symbolic size when (padded size - window) divides by it: 2*w-2 by 2
    (("batch", 2, "w"), (2, 2, 2), conv_attrs(1, strides=(2,), lhs_dilation=(2,), padding=((1, 0),)),
     ("batch", 2, "w")),
])
def test_conv_general_symbolic_shapes(lhs, rhs, attrs, out):
    assert infer("conv_general", TensorType("float32", lhs), TensorType("float32", rhs), **attrs) == \
        TensorType("float32", out)


@pytest.mark.parametrize("lowering", LOWERINGS)
def test_symbolic_graphs_run_at_any_batch(lowering):
    dot = prim_graph("dot_general", [TensorType("float32", ("batch", 3)), TensorType("float32", (3, 4))],
                     lhs_contracting=(1,), rhs_contracting=(0,))
    attrs = conv_attrs(2, strides=(2, 2), padding=((1, 1), (1, 1)))
    conv = prim_graph("conv_general", [TensorType("float32", ("batch", 3, 6, 6)),
                                       TensorType("float32", (4, 3, 3, 3))], **attrs)
    rng = np.random.default_rng(15)
    w, k = random_array((3, 4), "float32", rng), random_array((4, 3, 3, 3), "float32", rng)
    for batch in (1, 3):
        x, img = random_array((batch, 3), "float32", rng), random_array((batch, 3, 6, 6), "float32", rng)
        (got,) = run_graph(lowering, dot, x, w)
        check(got, (x.astype(np.float64) @ w).astype(np.float32), np.abs(x) @ np.abs(w))
        (got,) = run_graph(lowering, conv, img, k)
        check(got, lax_conv(img, k, "float32", **attrs).astype(np.float32),
              lax_conv(np.abs(img), np.abs(k), "float64", **attrs))


DOT_ERRORS = [
    (("float32", (2, 3)), ("float32", (4, 5)), dict(lhs_contracting=(1,), rhs_contracting=(0,)), ShapeError,
     "contracting dims differ: lhs dim 1 has size 3, rhs dim 0 has size 4"),
    (("float32", (2, "n")), ("float32", ("m", 5)), dict(lhs_contracting=(1,), rhs_contracting=(0,)), ShapeError,
     "lhs dim 1 has size n, rhs dim 0 has size m"),
    (("float32", (2, 3, 4)), ("float32", (5, 4, 6)), dict(lhs_contracting=(2,), rhs_contracting=(1,),
                                                        lhs_batch=(0,), rhs_batch=(0,)), ShapeError,
     "batch dims differ: lhs dim 0 has size 2, rhs dim 0 has size 5"),
    (("float32", (2, 3)), ("float32", (3, 3)), dict(lhs_contracting=(1,), rhs_contracting=(0, 1)), ShapeError,
     "differ in length"),
    (("float32", (3, 3)), ("float32", (3, 3)), dict(lhs_contracting=(1,), rhs_contracting=(0,), lhs_batch=(1,),
                                                    rhs_batch=(1,)), ShapeError, "invalid for rank 2"),
    (("float32", (2, 3)), ("float32", (3,)), dict(lhs_contracting=(2,), rhs_contracting=(0,)), ShapeError,
     "invalid for rank 2"),
    (("float32", (2, 3)), ("float16", (3, 4)), dict(lhs_contracting=(1,), rhs_contracting=(0,)), DTypeError,
     "dtypes differ"),
    (("float32", (2, 3)), ("float32", (3, 4)), dict(lhs_contracting=(1,), rhs_contracting=(0,),
                                                    preferred_element_type="float16"), DTypeError, "narrower"),
    (("float32", (2, 3)), ("float32", (3, 4)), dict(lhs_contracting=(1,), rhs_contracting=(0,),
                                                    preferred_element_type="int32"), DTypeError, "narrower"),
]


@pytest.mark.parametrize("lhs,rhs,attrs,error,match", DOT_ERRORS)
def test_dot_general_errors(lhs, rhs, attrs, error, match):
    with pytest.raises(error, match=match) as info:
        infer("dot_general", TensorType(*lhs), TensorType(*rhs), **attrs)
    assert "dot_general" in str(info.value)


CONV_ERRORS = [
    ((2, 4, 8, 8), (6, 3, 3, 3), conv_attrs(2), ShapeError,
     "channel mismatch: lhs has 4 input features but rhs expects 3"),
    ((2, 4, 8, 8), (6, 3, 3, 3), conv_attrs(2, groups=2), ShapeError, "channel mismatch.*feature_group_count 2"),
    ((2, 4, 8, 8), (5, 2, 3, 3), conv_attrs(2, groups=2), ShapeError, "5 are not divisible by feature_group_count"),
    ((2, 4, 8), (6, 4, 3, 3), conv_attrs(2), ShapeError, "rhs must be"),
    ((2, 4), (6, 4), conv_attrs(1), ShapeError, "at least one spatial dim"),
    ((2, 4, 8, 8), (6, 4, 3, 3), conv_attrs(1), ShapeError, "window_strides .* 2 entries"),
    ((2, 4, 8, 8), (6, 4, 3, 3), conv_attrs(2, rhs_dilation=(0, 1)), ShapeError, "rhs_dilation .* >= 1"),
    ((2, 4, 8, 8), (6, 4, 3, 3), conv_attrs(2, groups=0), ShapeError, "feature_group_count must be >= 1"),
    (("batch", 4, "h", 8), (6, 4, 3, 3), conv_attrs(2, strides=(2, 1)), ShapeError, "symbolic size h"),
    ((2, 4, 8), ("o", 4, 3), conv_attrs(1), ShapeError, "rhs output features must be static"),
    ((2, "2*c", 8), (4, "c", 3), conv_attrs(1), ShapeError, "channel mismatch: lhs has 2\\*c input features"),
    ((2, 4, 3, 3), (6, 4, 3, 3), conv_attrs(2, padding=((-3, -1), (0, 0))), ShapeError, "crops more"),
]


@pytest.mark.parametrize("lhs,rhs,attrs,error,match", CONV_ERRORS)
def test_conv_general_errors(lhs, rhs, attrs, error, match):
    with pytest.raises(error, match=match) as info:
        infer("conv_general", TensorType("float32", lhs), TensorType("float32", rhs), **attrs)
    assert "conv_general" in str(info.value)


def test_conv_general_rejects_bool():
    with pytest.raises(DTypeError, match="numeric"):
        infer("conv_general", TensorType("bool", (1, 1, 4)), TensorType("bool", (1, 1, 2)), **conv_attrs(1))
