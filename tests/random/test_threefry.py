"""Threefry-2x32 from integer prims: bit-exact against jax.random (threefry2x32) and an independent NumPy
reference, on the numpy and JAX backends, eagerly and traced (also with a symbolic batch dim)."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax._src.random.threefry2x32 import threefry_2x32 as jax_threefry_2x32

import hornet
from helpers import LOWERINGS, run_graph, run_prim
from hornet.api.ops import core
from hornet.api.random import threefry
from hornet.backend import using_backend
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.tracer import trace

BACKENDS = LOWERINGS
KEYS = [(0, 0), (0, 42), (0xDEADBEEF, 7), (0xFFFFFFFF, 0xFFFFFFFF)]
SHAPES = [(), (1,), (5,), (3, 4), (2, 3, 5)]


def ref_hash(key: np.ndarray, x0: np.ndarray, x1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Threefry-2x32 with 20 rounds in plain NumPy uint32 arithmetic (independent of hornet's prims)."""
    def rotl(v: np.ndarray, r: int) -> np.ndarray:
        return (v << np.uint32(r)) | (v >> np.uint32(32 - r))

    k = [np.uint32(key[0]), np.uint32(key[1])]
    k.append(k[0] ^ k[1] ^ np.uint32(0x1BD11BDA))
    rot = [(13, 15, 26, 6), (17, 29, 16, 24)]
    with np.errstate(over="ignore"):
        x = [x0.astype(np.uint32) + k[0], x1.astype(np.uint32) + k[1]]
        for i in range(5):
            for r in rot[i % 2]:
                x[0] = x[0] + x[1]
                x[1] = rotl(x[1], r) ^ x[0]
            x[0] = x[0] + k[(i + 1) % 3]
            x[1] = x[1] + k[(i + 2) % 3] + np.uint32(i + 1)
    return x[0], x[1]


def ref_bits(key: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    counts = np.arange(int(np.prod(shape)), dtype=np.uint32).reshape(shape)
    y0, y1 = ref_hash(key, np.zeros_like(counts), counts)
    return y0 ^ y1


def as_np(x) -> np.ndarray:
    return np.asarray(core.convert_to_numpy(x))


def assert_bits_equal(got, want) -> None:
    got, want = as_np(got), np.asarray(want)
    assert got.dtype == want.dtype, f"dtype {got.dtype} != {want.dtype}"
    assert got.shape == want.shape, f"shape {got.shape} != {want.shape}"
    np.testing.assert_array_equal(got, want)


# Random123's known-answer vectors for Threefry-2x32-20: (key, counter) -> output
KNOWN_ANSWERS = [
    ((0x00000000, 0x00000000), (0x00000000, 0x00000000), (0x6B200159, 0x99BA4EFE)),
    ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
    ((0x13198A2E, 0x03707344), (0x243F6A88, 0x85A308D3), (0xC4923A9C, 0x483DF7A0)),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("key,counter,expected", KNOWN_ANSWERS)
def test_known_answer_vectors(backend, key, counter, expected):
    k = np.array(key, np.uint32)
    with using_backend(backend):
        y0, y1 = threefry.hash_pair(k, np.array([counter[0]], np.uint32), np.array([counter[1]], np.uint32))
    assert (int(as_np(y0)[0]), int(as_np(y1)[0])) == expected
    r0, r1 = ref_hash(k, np.array([counter[0]], np.uint32), np.array([counter[1]], np.uint32))
    assert (int(r0[0]), int(r1[0])) == expected


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("shape", SHAPES)
def test_bits_match_jax_and_reference(backend, key, shape):
    k = np.array(key, np.uint32)
    with using_backend(backend):
        got = threefry.bits(k, shape)
    assert_bits_equal(got, np.asarray(jax.random.bits(k, shape, jnp.uint32)))
    assert_bits_equal(got, ref_bits(k, shape))


@pytest.mark.parametrize("backend", BACKENDS)
def test_bits_uint8(backend):
    k = np.array([5, 6], np.uint32)
    with using_backend(backend):
        got = threefry.bits(k, (4, 7), "uint8")
    assert_bits_equal(got, np.asarray(jax.random.bits(k, (4, 7), jnp.uint8)))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("num", [2, 3, (2, 3)])
@pytest.mark.parametrize("key", KEYS[1:3])
def test_split_matches_jax(backend, num, key):
    k = np.array(key, np.uint32)
    with using_backend(backend):
        got = threefry.split(k, num)
    assert_bits_equal(got, np.asarray(jax.random.split(k, num)))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("data", [0, 7, 2 ** 31 + 3, 2 ** 32 - 1, np.int32(12345)])
def test_fold_in_matches_jax(backend, data):
    k = np.array([17, 2 ** 31], np.uint32)
    with using_backend(backend):
        arg = core.convert_to_tensor(data) if isinstance(data, np.integer) else data
        got = threefry.fold_in(k, arg)
    assert_bits_equal(got, np.asarray(jax.random.fold_in(k, int(data))))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("shape", [(1,), (6,), (7,), (3, 5)])
def test_threefry2x32_matches_jax(backend, shape):
    k = np.array([0x243F6A88, 0x85A308D3], np.uint32)
    counts = (np.arange(int(np.prod(shape)), dtype=np.uint32) * np.uint32(2654435761)).reshape(shape)
    with using_backend(backend):
        got = threefry.threefry2x32(k, counts)
    assert_bits_equal(got, np.asarray(jax_threefry_2x32(k, counts)))


@pytest.mark.parametrize("seed", [0, 42, 2 ** 32 + 5, 2 ** 40 + 12345, -1])
def test_key_of_seed_matches_jax(seed):
    assert_bits_equal(threefry.key(seed), np.asarray(jax.random.key_data(jax.random.key(seed))))


def test_numpy_reference_and_jax_lowering_give_identical_bits():
    k = np.array([3, 9], np.uint32)
    graph = trace(lambda key: (threefry.bits(key, (4, 6)), threefry.split(key, 3), threefry.fold_in(key, 5)),
                  hornet.TensorSpec((2,), "uint32"))
    ref = run_graph("numpy", graph, k)
    lowered = run_graph("jax", graph, k)
    for r, j in zip(ref, lowered):
        assert_bits_equal(j, r)
    assert_bits_equal(ref[0], np.asarray(jax.random.bits(k, (4, 6), jnp.uint32)))


INTEGER_PRIMS = {"add", "xor", "or", "shift_left", "shift_right_logical", "iota", "reshape", "broadcast_in_dim",
                 "slice", "concatenate"}


def test_the_hash_is_one_threefry2x32_node_over_uint32():
    graph = trace(lambda key: threefry.split(key, 2), hornet.TensorSpec((2,), "uint32"))
    prims = [node.prim for node in graph.nodes]
    assert prims.count("threefry2x32") == 1
    assert set(prims) <= INTEGER_PRIMS | {"threefry2x32"}, set(prims) - INTEGER_PRIMS
    assert all(out.type.dtype == "uint32" for node in graph.nodes for out in node.outputs)


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_rule_of_the_hash_equals_its_decomposition(backend):
    """Each lowering's threefry2x32 row against the same prim run as add/xor/shift prims."""
    from hornet.ir.prims import PRIMITIVES

    rng = np.random.default_rng(5)
    words = [rng.integers(0, 2 ** 32, size=(3, 7), dtype=np.uint64).astype(np.uint32) for _ in range(4)]
    spec = hornet.TensorSpec((3, 7), "uint32")
    decomposed = trace(lambda *w: PRIMITIVES["threefry2x32"].decomposition(*w), spec, spec, spec, spec)
    assert "threefry2x32" not in {node.prim for node in decomposed.nodes}
    want = run_graph("numpy", decomposed, *words)
    got = run_prim(backend, "threefry2x32", *words)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("backend", BACKENDS)
def test_symbolic_batch_dim(backend):
    k = np.array([1, 2], np.uint32)
    f = hornet.jit(lambda x: threefry.bits(k, core.shape(x)))
    with using_backend(backend):
        graph = f.trace(hornet.TensorSpec((None, 3)))
        assert any(isinstance(d, str) for d in graph.outputs[0].type.shape)
        for n in (2, 5):
            assert_bits_equal(f(np.zeros((n, 3), np.float32)), np.asarray(jax.random.bits(k, (n, 3), jnp.uint32)))


def test_traced_equals_eager():
    k = np.array([11, 12], np.uint32)
    f = hornet.jit(lambda key: threefry.bits(threefry.fold_in(threefry.split(key, 4)[2], 3), (10,)))
    eager = threefry.bits(threefry.fold_in(np.asarray(threefry.split(k, 4))[2], 3), (10,))
    assert_bits_equal(f(k), as_np(eager))


def test_errors():
    with pytest.raises(ShapeError, match="shape \\(2,\\)"):
        threefry.bits(np.zeros(3, np.uint32), (2,))
    with pytest.raises(DTypeError, match="uint32"):
        threefry.bits(np.zeros(2, np.float32), (2,))
    with pytest.raises(DTypeError, match="uint32 or uint8"):
        threefry.bits(np.zeros(2, np.uint32), (2,), "float32")
    with pytest.raises(DTypeError, match="counts must be uint32"):
        threefry.threefry2x32(np.zeros(2, np.uint32), np.zeros(4, np.int32))
    with pytest.raises(ShapeError, match="negative"):
        threefry.bits(np.zeros(2, np.uint32), (2, -1))
    with pytest.raises(ShapeError, match="scalar"):
        threefry.fold_in(np.zeros(2, np.uint32), core.convert_to_tensor(np.zeros(2, np.int32)))
    with pytest.raises(ValueError, match="64 bits"):
        threefry.key(2 ** 64)


def test_int32_key_is_accepted_bitwise():
    k = np.array([-1, 5], np.int32)
    assert_bits_equal(threefry.bits(k, (3,)), np.asarray(jax.random.bits(k.view(np.uint32), (3,), jnp.uint32)))
