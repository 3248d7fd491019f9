"""Composite prims: each lowering x float dtype against straightforward NumPy formulas (float64), the JAX lowering
also against the NumPy reference; numerical stability; attention with masks, causality, grouped heads, bias;
shape/dtype errors."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import LOWERINGS, assert_close, prim_graph, random_array, run_prim, rng
from hornet.ir.dtypes import FLOAT_DTYPES, DType
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.prims import PRIMITIVES
from hornet.ir.prims.composites import COMPOSITE_PRIMS
from hornet.ir.types import TensorType

AXES = [(1,), (2,), (0, 2), (0, 1, 2)]


def run(lowering: str, prim: str, *arrays: np.ndarray, rtol: float | None = None, atol: float | None = None,
        **attrs: object) -> np.ndarray:
    """One output of ``prim`` on ``lowering``; the JAX result must also match the NumPy reference."""
    (out,) = run_prim(lowering, prim, *arrays, **attrs)
    if lowering != "numpy":  # every compiled backend must also match the NumPy reference
        (ref,) = run_prim("numpy", prim, *arrays, **attrs)
        check(out, ref, rtol=rtol, atol=atol)
    return out


def check(got: np.ndarray, want: np.ndarray, rtol: float | None = None, atol: float | None = None) -> None:
    assert got.dtype == want.dtype, f"dtype {got.dtype} != {want.dtype}"
    assert_close(got, want, want.dtype, rtol=rtol, atol=atol)


# Straightforward float64 formulas (inputs small enough that no shift is needed).
def softmax(x, axes):
    e = np.exp(x)
    return e / e.sum(axis=axes, keepdims=True)


def log_softmax(x, axes):
    return x - np.log(np.exp(x).sum(axis=axes, keepdims=True))


def logsumexp(x, axes):
    return np.log(np.exp(x).sum(axis=axes))


def layer_norm(x, axes, epsilon):
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + epsilon)


NORMALIZERS = {"softmax": softmax, "log_softmax": log_softmax, "logsumexp": logsumexp}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("axes", AXES, ids=str)
@pytest.mark.parametrize("name", sorted(NORMALIZERS))
def test_softmax_family(name, axes, lowering, dtype):
    x = random_array((2, 3, 4), dtype, rng(name, axes, dtype))
    out = run(lowering, name, x, axes=axes)
    check(out, NORMALIZERS[name](x.astype(np.float64), axes).astype(dtype.np))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("epsilon", [1e-5, 0.5])
@pytest.mark.parametrize("axes", AXES, ids=str)
def test_layer_norm(axes, epsilon, lowering, dtype):
    x = random_array((2, 3, 4), dtype, rng("layer_norm", axes, dtype))
    out = run(lowering, "layer_norm", x, axes=axes, epsilon=epsilon)
    check(out, layer_norm(x.astype(np.float64), axes, epsilon).astype(dtype.np))


@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("dtype", [DType.float32, DType.float64], ids=str)
def test_stability_and_infinities(lowering, dtype):
    big = (random_array((3, 6), dtype, rng("stable", dtype)) + 1000).astype(dtype.np)
    x = big.astype(np.float64) - 1000  # the exact values the prims see, shifted
    check(run(lowering, "softmax", big, axes=(1,)), softmax(x.astype(np.float64), 1).astype(dtype.np))
    check(run(lowering, "log_softmax", big, axes=(1,)), log_softmax(x.astype(np.float64), 1).astype(dtype.np))
    check(run(lowering, "logsumexp", big, axes=(1,)), (logsumexp(x.astype(np.float64), 1) + 1000).astype(dtype.np))
    masked = x.astype(dtype.np)
    masked[0] = -np.inf
    masked[1, :3] = -np.inf
    lse = run(lowering, "logsumexp", masked, axes=(1,))
    assert lse[0] == -np.inf and np.isfinite(lse[1:]).all()
    np.testing.assert_allclose(lse[1], logsumexp(x[1, 3:].astype(np.float64), 0), rtol=1e-5)
    probs = run(lowering, "softmax", masked[1:], axes=(1,))
    assert (probs[0, :3] == 0).all()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


# ---------------------------------------------------------------------------------------------- attention
def attention(q, k, v, bias=None, mask=None, scale=None, is_causal=False):
    """Attention in float64 with repeated key/value heads; a fully masked row averages every value."""
    q, k, v = (a.astype(np.float64) for a in (q, k, v))
    B, T, N, H = q.shape
    S, K = k.shape[1], k.shape[2]
    k, v = np.repeat(k, N // K, axis=2), np.repeat(v, N // K, axis=2)
    logits = np.einsum("btnh,bsnh->bnts", q, k) * (1 / np.sqrt(H) if scale is None else scale)
    if bias is not None:
        logits = logits + bias.astype(np.float64)
    keep = np.ones((B, N, T, S), bool)
    if mask is not None:
        keep &= mask
    if is_causal:
        keep &= np.arange(S)[None, :] <= np.arange(T)[:, None]
    logits = np.where(keep, logits, -np.inf)
    row_max = logits.max(axis=-1, keepdims=True)
    weights = np.where(np.isfinite(row_max), np.exp(logits - np.where(np.isfinite(row_max), row_max, 0)), 1.0)
    probs = weights / weights.sum(axis=-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", probs, v)


# name -> (B, T, S, N, K, H, options). bias/mask give the shape to draw, "full_row" masks one whole row.
ATTENTION_CASES = {
    "plain": (2, 3, 5, 2, 2, 4, {}),
    "scale": (1, 4, 4, 2, 2, 3, {"scale": 0.3}),
    "causal_square": (2, 4, 4, 2, 2, 4, {"is_causal": True}),
    "causal_rect": (1, 3, 5, 2, 2, 4, {"is_causal": True}),
    "mask_per_batch": (2, 3, 5, 2, 2, 4, {"mask": (2, 1, 3, 5), "full_row": True}),
    "mask_2d": (2, 3, 4, 2, 2, 4, {"mask": (3, 4)}),
    "grouped_heads": (2, 3, 5, 4, 2, 4, {}),
    "multi_query": (1, 3, 4, 3, 1, 2, {}),
    "bias_full": (2, 3, 5, 2, 2, 4, {"bias": (2, 2, 3, 5)}),
    "bias_heads": (1, 3, 5, 4, 2, 4, {"bias": (1, 4, 3, 5)}),
    "bias_2d": (2, 3, 4, 2, 1, 4, {"bias": (3, 4)}),
    "everything": (2, 4, 6, 4, 2, 3, {"bias": (1, 4, 4, 6), "mask": (2, 1, 1, 6), "is_causal": True, "scale": 0.5}),
}


def attention_inputs(case: str, dtype: DType):
    B, T, S, N, K, H, opts = ATTENTION_CASES[case]
    g = rng("attention", case, dtype)
    q = random_array((B, T, N, H), dtype, g, low=-1.5, high=1.5)
    k = random_array((B, S, K, H), dtype, g, low=-1.5, high=1.5)
    v = random_array((B, S, K, H), dtype, g, low=-1.5, high=1.5)
    extra, kwargs = [], {"scale": opts.get("scale"), "is_causal": opts.get("is_causal", False)}
    if "bias" in opts:
        kwargs["bias"] = random_array(opts["bias"], dtype, g, low=-1, high=1)
        extra.append(kwargs["bias"])
    if "mask" in opts:
        mask = g.random(opts["mask"]) < 0.7
        mask[..., 0] = True  # at least one key per row, except the chosen full row below
        if opts.get("full_row"):
            mask[0, 0, 1, :] = False
        kwargs["mask"] = mask
        extra.append(mask)
    attrs = {"scale": kwargs["scale"], "is_causal": kwargs["is_causal"], "has_bias": "bias" in opts,
             "has_mask": "mask" in opts}
    return [q, k, v, *extra], attrs, kwargs


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("case", sorted(ATTENTION_CASES))
def test_dot_product_attention(case, lowering, dtype):
    arrays, attrs, kwargs = attention_inputs(case, dtype)
    out = run(lowering, "dot_product_attention", *arrays, **attrs)
    assert out.shape == arrays[0].shape
    check(out, attention(*arrays[:3], **kwargs).astype(dtype.np))


@pytest.mark.parametrize("lowering", LOWERINGS)
def test_attention_fully_masked_row_averages_values(lowering):
    arrays, attrs, _ = attention_inputs("mask_per_batch", DType.float64)
    out = run(lowering, "dot_product_attention", *arrays, **attrs)
    v = arrays[2]
    np.testing.assert_allclose(out[0, 1], v[0].mean(axis=0), rtol=1e-6)  # row (b=0, t=1) sees no key


def test_attention_matches_jax_nn():
    """The float32 JAX rule is jax.nn.dot_product_attention; the reference agrees with it directly."""
    import jax

    arrays, attrs, kwargs = attention_inputs("everything", DType.float32)
    q, k, v, bias, mask = arrays
    want = jax.nn.dot_product_attention(q, k, v, bias, mask, scale=0.5, is_causal=True)
    got = run("numpy", "dot_product_attention", *arrays, **attrs)
    assert_close(got, np.asarray(want), "float32", rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------------------------- types, errors
def infer(prim: str, *types: TensorType, **attrs: object):
    return prim_graph(prim, list(types), **attrs).output_types


def test_registry_entries():
    for name in COMPOSITE_PRIMS:
        prim = PRIMITIVES[name]
        assert "composite" in prim.tags and prim.differentiable == (name != "threefry2x32")
    assert PRIMITIVES["dot_product_attention"].attrs["scale"].optional


def test_symbolic_types():
    x = TensorType("bfloat16", ("batch", 7, 5))
    assert infer("softmax", x, axes=(2,)) == [x]
    assert infer("logsumexp", x, axes=(1, 2)) == [TensorType("bfloat16", ("batch",))]
    assert infer("layer_norm", x, axes=(2,), epsilon=1e-3) == [x]
    q = TensorType("float32", ("batch", 7, 4, 8))
    kv = TensorType("float32", ("batch", "s", 2, 8))
    mask = TensorType("bool", ("batch", 1, 7, "s"))
    assert infer("dot_product_attention", q, kv, kv, mask, has_mask=True) == [q]


@pytest.mark.parametrize("name", sorted(NORMALIZERS) + ["layer_norm"])
def test_normalizer_errors(name):
    attrs = {"epsilon": 1e-5} if name == "layer_norm" else {}
    with pytest.raises(DTypeError, match=rf"prim '{name}'.*floating point, got int32"):
        infer(name, TensorType("int32", (2, 3)), axes=(1,), **attrs)
    with pytest.raises(ShapeError, match=r"axes \(2,\) are invalid for rank 2"):
        infer(name, TensorType("float32", (2, 3)), axes=(2,), **attrs)
    with pytest.raises(ShapeError, match="at least one axis"):
        infer(name, TensorType("float32", (2, 3)), axes=(), **attrs)


Q = TensorType("float32", (2, 3, 4, 8))
KV = TensorType("float32", (2, 5, 2, 8))


@pytest.mark.parametrize("types,attrs,error,phrase", [
    ((Q, KV, KV, TensorType("int32", (2, 4, 3, 5))), {"has_mask": True}, DTypeError, "mask must be bool, got int32"),
    ((Q, KV, KV, TensorType("float16", (3, 5))), {"has_bias": True}, DTypeError, "bias dtype must be the query"),
    ((Q, KV, KV, TensorType("float32", (3, 4))), {"has_bias": True}, ShapeError, r"bias shape \[3,4\] does not"),
    ((Q, KV, KV, TensorType("bool", (3, 2, 4, 3, 5))), {"has_mask": True}, ShapeError, "mask shape"),
    ((Q, KV, KV), {"has_mask": True}, ShapeError, r"expected 4 inputs \(q, k, v, mask\), got 3"),
    ((Q, TensorType("float32", (2, 5, 3, 8)), TensorType("float32", (2, 5, 3, 8))), {}, ShapeError,
     r"query heads \(4\) must be a multiple of key/value heads \(3\)"),
    ((Q, KV, TensorType("float32", (2, 6, 2, 8))), {}, ShapeError, "key and value shapes differ"),
    ((Q, TensorType("float32", (2, 5, 2, 4)), TensorType("float32", (2, 5, 2, 4))), {}, ShapeError,
     "head sizes differ"),
    ((Q, TensorType("float32", (3, 5, 2, 8)), TensorType("float32", (3, 5, 2, 8))), {}, ShapeError,
     "batch sizes differ"),
    ((TensorType("float32", (3, 4, 8)), KV, KV), {}, ShapeError, "query must have rank 4"),
    ((Q.with_dtype("int32"), KV.with_dtype("int32"), KV.with_dtype("int32")), {}, DTypeError,
     "query must be floating point"),
    ((Q, KV.with_dtype("float16"), KV), {}, DTypeError, "dtypes differ"),
])
def test_attention_errors(types, attrs, error, phrase):
    with pytest.raises(error, match=phrase):
        infer("dot_product_attention", *types, **attrs)


def test_eager_bind():
    import jax

    from hornet.runtime.bind import bind

    x = np.array([[1.0, 2.0, 3.0]], np.float32)
    out = bind("softmax", x, axes=(1,))
    assert isinstance(out, jax.Array) and out.dtype == np.float32
    np.testing.assert_allclose(np.asarray(out), softmax(x.astype(np.float64), 1), rtol=1e-6)
