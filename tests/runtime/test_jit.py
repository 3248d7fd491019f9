"""hornet.jit: trace once per input signature, compile, cache; lower to StableHLO; export with a symbolic batch."""
import numpy as np
import pytest

import hornet
from hornet import ops
from hornet.runtime.backend import using_backend

W = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")


def mlp(x):
    return ops.relu(ops.matmul(x, W)) * 2.0


@pytest.mark.parametrize("backend", ["jax", "numpy"])
def test_jit_matches_eager_and_caches(backend):
    x = np.random.default_rng(1).normal(size=(5, 4)).astype("float32")
    with using_backend(backend):
        f = hornet.jit(mlp)
        y1 = f(x)
        y2 = f(x + 1)
        assert f.cache_size == 1
        f(x[:2])
        assert f.cache_size == 2  # a new input signature compiles again
        np.testing.assert_allclose(np.asarray(y1), np.maximum(x @ W, 0) * 2, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(np.asarray(y2), np.maximum((x + 1) @ W, 0) * 2, rtol=1e-5, atol=1e-6)


def test_jit_pytrees_in_and_out():
    f = hornet.jit(lambda d: {"sum": d["a"] + d["b"], "pair": (d["a"], d["b"] * 2.0)})
    out = f({"a": np.ones(3, "float32"), "b": np.full(3, 2.0, "float32")})
    assert set(out) == {"sum", "pair"}
    np.testing.assert_array_equal(np.asarray(out["sum"]), [3, 3, 3])
    np.testing.assert_array_equal(np.asarray(out["pair"][1]), [4, 4, 4])


def test_lower_gives_graph_and_stablehlo_with_symbolic_batch():
    lowered = hornet.jit(mlp).lower(hornet.TensorSpec((None, 4)))
    assert lowered.graph.input_types[0].shape == ("batch", 4)
    text = lowered.as_text()
    assert "stablehlo.dot_general" in text or "stablehlo.dot" in text
    assert "?x4" in text or "batch" in text  # the batch dim stays dynamic


def test_export_serializes_and_runs_any_batch():
    from hornet.runtime import jax_export

    lowered = hornet.jit(mlp).lower(hornet.TensorSpec((None, 4)))
    exported = jax_export.load(lowered.serialize())
    for n in (1, 7):
        x = np.random.default_rng(n).normal(size=(n, 4)).astype("float32")
        (y,) = exported.call(x)
        np.testing.assert_allclose(np.asarray(y), np.maximum(x @ W, 0) * 2, rtol=1e-5, atol=1e-6)


def test_trace_prints_readable_ir():
    text = str(hornet.trace(mlp, hornet.TensorSpec((None, 4))))
    assert "dot_general" in text and "float32[batch,3]" in text
