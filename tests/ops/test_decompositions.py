"""The composites' decompositions against the composites' own NumPy rules: each decomposition is traced with the
node's input types, run on both lowerings, and compared; then the interpreter's fallback (a rule table without
composites) is checked to run them."""
import numpy as np
import pytest

from helpers import LOWERINGS, assert_close, prim_graph, random_array, run_graph
import hornet.ops  # noqa: F401  (registers the decompositions)
from hornet.ir.prims import PRIMITIVES
from hornet.ir.tracer import trace
from hornet.ir.types import TensorType, type_of_array
from hornet.lowering import numpy as reference
from hornet.lowering.interpreter import evaluate

RNG = np.random.default_rng(19)
COMPOSITES = ("softmax", "log_softmax", "logsumexp", "layer_norm", "dot_product_attention")


def rand(shape, dtype="float32"):
    return random_array(shape, dtype, RNG, low=-3.0, high=3.0)


def _with_infinities(x):
    x = x.copy()
    x[0, :2] = -np.inf          # a partly -inf row
    x[1, :] = -np.inf           # an all -inf row (logsumexp -> -inf, softmax -> nan, as the rules)
    return x


def _attention_inputs(dtype, bias=False, mask=False, kv_heads=4, t=3, s=5):
    arrays = [rand((2, t, 4, 8), dtype), rand((2, s, kv_heads, 8), dtype), rand((2, s, kv_heads, 8), dtype)]
    if bias:
        arrays.append(rand((1, 4, t, s), dtype))
    if mask:
        m = RNG.random((2, 1, t, s)) < 0.6
        m[1, 0, 0] = False  # one fully masked row: an average of all values
        arrays.append(m)
    attrs = dict(has_bias=bias, has_mask=mask)
    return arrays, attrs


# (composite, inputs, attrs)
CASES = {
    "softmax-last": ("softmax", lambda d: [rand((3, 5), d)], dict(axes=(1,))),
    "softmax-both": ("softmax", lambda d: [rand((3, 5), d)], dict(axes=(0, 1))),
    "softmax-inf": ("softmax", lambda d: [_with_infinities(rand((3, 5), d))], dict(axes=(1,))),
    "log_softmax-last": ("log_softmax", lambda d: [rand((3, 5), d)], dict(axes=(1,))),
    "log_softmax-first": ("log_softmax", lambda d: [rand((3, 5, 2), d)], dict(axes=(0,))),
    "log_softmax-inf": ("log_softmax", lambda d: [_with_infinities(rand((3, 5), d))], dict(axes=(1,))),
    "logsumexp-last": ("logsumexp", lambda d: [rand((3, 5), d)], dict(axes=(1,))),
    "logsumexp-two": ("logsumexp", lambda d: [rand((3, 5, 2), d)], dict(axes=(0, 2))),
    "logsumexp-inf": ("logsumexp", lambda d: [_with_infinities(rand((3, 5), d))], dict(axes=(1,))),
    "layer_norm-last": ("layer_norm", lambda d: [rand((3, 6), d)], dict(axes=(1,), epsilon=1e-5)),
    "layer_norm-two": ("layer_norm", lambda d: [rand((2, 3, 4), d)], dict(axes=(1, 2), epsilon=1e-3)),
    "attention-plain": ("dot_product_attention", lambda d: _attention_inputs(d)[0],
                        dict(scale=None, is_causal=False, has_bias=False, has_mask=False)),
    "attention-causal-scale": ("dot_product_attention", lambda d: _attention_inputs(d)[0],
                               dict(scale=0.5, is_causal=True, has_bias=False, has_mask=False)),
    "attention-bias-mask": ("dot_product_attention", lambda d: _attention_inputs(d, True, True)[0],
                            dict(scale=None, is_causal=False, has_bias=True, has_mask=True)),
    "attention-grouped-causal-mask": ("dot_product_attention", lambda d: _attention_inputs(d, False, True, 2)[0],
                                      dict(scale=None, is_causal=True, has_bias=False, has_mask=True)),
}


def _decomposed_graph(name, arrays, attrs, types=None):
    prim = PRIMITIVES[name]
    types = types or [type_of_array(a) for a in arrays]
    return trace(lambda *xs: prim.decomposition(*xs, **attrs), *types)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_decomposition_matches_the_reference_rule(case, dtype, lowering):
    name, make, attrs = CASES[case]
    arrays = make(dtype)
    want = reference.RULES[name](*arrays, **attrs)
    graph = _decomposed_graph(name, arrays, attrs)
    assert graph.output_types == [type_of_array(np.asarray(want))]
    (got,) = run_graph(lowering, graph, *arrays)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == "float32" else {}
    assert_close(got, want, dtype, **tol)


@pytest.mark.parametrize("name", COMPOSITES)
def test_decompositions_are_registered(name):
    assert PRIMITIVES[name].decomposition is not None
    assert "composite" in PRIMITIVES[name].tags


@pytest.mark.parametrize("case", ["softmax-last", "logsumexp-two", "layer_norm-two", "attention-bias-mask"])
def test_decompositions_use_plain_prims(case):
    name, make, attrs = CASES[case]
    graph = _decomposed_graph(name, make("float32"), attrs)
    composites = {p for p in graph.prim_counts() if "composite" in PRIMITIVES[p].tags}
    # attention's softmax stays a composite, so a backend with a fused softmax still uses it
    assert composites <= ({"softmax"} if name == "dot_product_attention" else set())


def test_decompositions_trace_with_symbolic_dims():
    x = TensorType("float32", ("batch", 6))
    g = _decomposed_graph("layer_norm", None, dict(axes=(0, 1), epsilon=1e-5), [x])
    assert g.output_types == [x]
    arr = rand((4, 6))
    assert_close(run_graph("numpy", g, arr)[0], reference.RULES["layer_norm"](arr, axes=(0, 1), epsilon=1e-5),
                 rtol=1e-5, atol=1e-5)
    q = TensorType("float32", ("batch", 3, 4, 8))
    kv = TensorType("float32", ("batch", 5, 2, 8))
    attrs = dict(scale=None, is_causal=True, has_bias=False, has_mask=False)
    g = _decomposed_graph("dot_product_attention", None, attrs, [q, kv, kv])
    assert g.output_types == [q]
    arrays = _attention_inputs("float32", kv_heads=2)[0]
    assert_close(run_graph("numpy", g, *arrays)[0], reference.RULES["dot_product_attention"](*arrays, **attrs),
                 rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", ["softmax-inf", "log_softmax-last", "logsumexp-inf", "layer_norm-last",
                                  "attention-grouped-causal-mask"])
def test_interpreter_falls_back_to_the_decomposition(case):
    name, make, attrs = CASES[case]
    arrays = make("float32")
    graph = prim_graph(name, [type_of_array(a) for a in arrays], **attrs)
    without = {k: v for k, v in reference.RULES.items() if k not in COMPOSITES}
    (got,) = evaluate(graph, without, arrays)
    assert_close(np.asarray(got), reference.RULES[name](*arrays, **attrs), "float32", rtol=1e-5, atol=1e-5)
