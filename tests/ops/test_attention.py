"""dot_product_attention against jax.nn / keras.ops and a NumPy formula: bias, masks, causal, grouped heads,
dtypes, logit soft-capping, symbolic batches and shape errors."""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import LOWERINGS, check_op, random_array, run_graph  # noqa: E402
import hornet  # noqa: E402
from hornet import ops  # noqa: E402
from hornet.ir.errors import DTypeError, ShapeError  # noqa: E402

jax.config.update("jax_enable_x64", True)
RNG = np.random.default_rng(17)
B, T, S, N, H = 2, 3, 5, 4, 8


def rand(*shape, dtype="float32"):
    return random_array(shape, dtype, RNG, low=-1.0, high=1.0)


def np_attention(q, k, v, bias=None, mask=None, scale=None, is_causal=False, soft_cap=None):
    """The textbook formula in float64, heads of k/v repeated for grouped queries."""
    q, k, v = (a.astype(np.float64) for a in (q, k, v))
    groups = q.shape[2] // k.shape[2]
    k, v = np.repeat(k, groups, axis=2), np.repeat(v, groups, axis=2)
    logits = np.einsum("btnh,bsnh->bnts", q, k) * (1 / np.sqrt(q.shape[-1]) if scale is None else scale)
    if soft_cap is not None:
        logits = soft_cap * np.tanh(logits / soft_cap)
    if bias is not None:
        logits = logits + bias
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= mask
    if is_causal:
        keep &= np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(keep, logits, -1e30)
    p = np.exp(logits - logits.max(-1, keepdims=True))
    return np.einsum("bnts,bsnh->btnh", p / p.sum(-1, keepdims=True), v)


CASES = {
    "plain": dict(),
    "scale": dict(scale=0.3),
    "bias4d": dict(bias=(B, N, T, S)),
    "bias_broadcast": dict(bias=(1, N, T, S)),
    "bias_2d": dict(bias=(T, S)),
    "mask": dict(mask=(B, 1, T, S)),
    "causal": dict(is_causal=True),
    "causal_mask_bias": dict(is_causal=True, mask=(1, 1, T, S), bias=(B, N, T, S)),
    "grouped": dict(kv_heads=2),
    "grouped_causal": dict(kv_heads=1, is_causal=True),
}


def _inputs(case, dtype="float32"):
    kvh = case.get("kv_heads", N)
    arrays = [rand(B, T, N, H, dtype=dtype), rand(B, S, kvh, H, dtype=dtype), rand(B, S, kvh, H, dtype=dtype)]
    names = []
    if "bias" in case:
        arrays.append(rand(*case["bias"], dtype=dtype))
        names.append("bias")
    if "mask" in case:
        m = RNG.random(case["mask"]) < 0.7
        m[..., 0] = True  # every query sees at least one key
        arrays.append(m)
        names.append("mask")
    return arrays, names


def _op(names, **kw):
    def f(q, k, v, *extra):
        return ops.dot_product_attention(q, k, v, **dict(zip(names, extra)), **kw)

    return f


@pytest.mark.parametrize("name", sorted(CASES))
def test_attention(name):
    case = CASES[name]
    arrays, names = _inputs(case)
    kw = {k: case[k] for k in ("scale", "is_causal") if k in case}
    want = np_attention(*arrays[:3], **dict(zip(names, arrays[3:])), **kw).astype(np.float32)
    check_op(_op(names, **kw), *arrays, expected=want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["bias4d", "mask", "causal", "grouped"])
def test_attention_matches_keras(name):
    case = CASES[name]
    arrays, names = _inputs(case)
    kw = {k: case[k] for k in ("scale", "is_causal") if k in case}
    want = keras.ops.dot_product_attention(*arrays[:3], **dict(zip(names, arrays[3:])), **kw)
    check_op(_op(names, **kw), *arrays, expected=np.asarray(want), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
def test_attention_dtypes(dtype):
    arrays, names = _inputs(CASES["causal_mask_bias"], dtype)
    want = np_attention(*arrays[:3], **dict(zip(names, arrays[3:])), is_causal=True)
    out = check_op(_op(names, is_causal=True), *arrays, expected=want.astype(dtype))
    assert out.dtype == dtype


def test_attention_soft_cap():
    arrays, _ = _inputs(CASES["plain"])
    arrays[0] *= 8.0  # large logits, so the cap matters
    want = np_attention(*arrays, is_causal=True, soft_cap=2.0)
    out = check_op(lambda q, k, v: ops.dot_product_attention(q, k, v, is_causal=True, attn_logits_soft_cap=2.0),
                   *arrays, expected=want.astype(np.float32), rtol=1e-5, atol=1e-5)
    assert not np.allclose(out, np_attention(*arrays, is_causal=True), atol=1e-3)


def test_attention_promotes_and_ignores_the_flash_hint():
    q, k, v = rand(B, T, N, H, dtype="float16"), rand(B, S, N, H), rand(B, S, N, H)
    want = np_attention(q, k, v).astype(np.float32)
    check_op(lambda a, b, c: ops.dot_product_attention(a, b, c, flash_attention=True), q, k, v, expected=want,
             rtol=1e-5, atol=1e-5)


def test_attention_with_a_symbolic_batch():
    g = hornet.trace(lambda q, k, v, m: ops.dot_product_attention(q, k, v, mask=m, is_causal=True),
                     hornet.TensorSpec((None, T, N, H)), hornet.TensorSpec((None, S, 2, H)),
                     hornet.TensorSpec((None, S, 2, H)), hornet.TensorSpec((None, 1, T, S), "bool"))
    assert [str(t) for t in g.output_types] == ["float32[batch,3,4,8]"]
    assert g.prim_counts() == {"dot_product_attention": 1}
    q, k, v = rand(3, T, N, H), rand(3, S, 2, H), rand(3, S, 2, H)  # a batch of 3
    m = RNG.random((3, 1, T, S)) < 0.7
    m[..., 0] = True
    want = np_attention(q, k, v, mask=m, is_causal=True)
    for lowering in LOWERINGS:
        np.testing.assert_allclose(run_graph(lowering, g, q, k, v, m)[0], want, rtol=1e-5, atol=1e-5)


def test_attention_errors():
    q = rand(B, T, N, H)
    with pytest.raises(ShapeError, match="4-D"):
        ops.dot_product_attention(q[0], q[0], q[0])
    with pytest.raises(ShapeError, match="multiple"):
        ops.dot_product_attention(q, rand(B, S, 3, H), rand(B, S, 3, H))
    with pytest.raises(ShapeError, match="agree"):
        ops.dot_product_attention(q, rand(B, S, N, H), rand(B, S + 1, N, H))
    with pytest.raises(ShapeError, match="bias"):
        ops.dot_product_attention(q, q, q, bias=rand(B, N, T, T + 1))
    with pytest.raises((ShapeError, DTypeError), match="mask"):
        ops.dot_product_attention(q, q, q, mask=np.ones((2, T, T), bool))
