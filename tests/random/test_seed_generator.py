"""RNG state as explicit IR state: a SeedGenerator's key is a graph input and its next value a graph output
under ``hornet.jit``; re-seeding replays; numbers agree across backends, eagerly and under jit."""
from __future__ import annotations

import numpy as np
import pytest

import hornet
import hornet.random as hr
from hornet.api.ops import core
from hornet.api.random import seed_generator
from hornet.backend import using_backend
from helpers import LOWERINGS, run_graph

BACKENDS = LOWERINGS
X = np.arange(1, 33, dtype=np.float32).reshape(4, 8)


def as_np(x) -> np.ndarray:
    return np.asarray(core.convert_to_numpy(x))


@pytest.mark.parametrize("backend", BACKENDS)
def test_jitted_dropout_draws_new_masks_and_replays_after_reseed(backend):
    with using_backend(backend):
        gen = hr.SeedGenerator(5)
        f = hornet.jit(lambda x: hr.dropout(x, 0.5, seed=gen))
        first, second = as_np(f(X)), as_np(f(X))
        assert not np.array_equal(first != 0, second != 0)
        np.testing.assert_array_equal(gen.state.numpy(), [5, 2])
        assert f.cache_size == 1  # the state is an input, not a constant: no retrace
        gen.state.assign(np.array([5, 0], np.uint32))  # re-seed by assigning the state
        np.testing.assert_array_equal(as_np(f(X)), first)
        np.testing.assert_array_equal(as_np(f(X)), second)
        fresh = hr.SeedGenerator(5)  # a new generator with the same seed replays too
        g = hornet.jit(lambda x: hr.dropout(x, 0.5, seed=fresh))
        np.testing.assert_array_equal(as_np(g(X)), first)


def test_state_is_a_graph_input_and_output():
    gen = hr.SeedGenerator(1)
    f = hornet.jit(lambda x: hr.normal(core.shape(x), seed=gen) + x)
    graph = f.trace(hornet.TensorSpec((None, 3)))
    assert len(graph.inputs) == 2 and len(graph.outputs) == 2
    state_in, state_out = graph.inputs[1], graph.outputs[1]
    assert str(state_in.type) == "uint32[2]" and str(state_out.type) == "uint32[2]"
    assert state_in.name == gen.state.name


def test_two_draws_in_one_trace_differ_and_advance_twice():
    gen = hr.SeedGenerator(3)
    f = hornet.jit(lambda: (hr.uniform((6,), seed=gen), hr.uniform((6,), seed=gen)))
    a, b = f()
    assert not np.array_equal(as_np(a), as_np(b))
    np.testing.assert_array_equal(gen.state.numpy(), [3, 2])
    # eagerly, the same generator state sequence gives the same numbers
    eager = hr.SeedGenerator(3)
    np.testing.assert_array_equal(as_np(hr.uniform((6,), seed=eager)), as_np(a))
    np.testing.assert_array_equal(as_np(hr.uniform((6,), seed=eager)), as_np(b))


EXACT_DRAWS = {
    "dropout": lambda s: hr.dropout(X, 0.3, seed=s),
    "uniform": lambda s: hr.uniform((4, 8), seed=s),
    "uniform_pow2_range": lambda s: hr.uniform((4, 8), -1.0, 1.0, dtype="float16", seed=s),
    "randint": lambda s: hr.randint((4, 8), -3, 100, seed=s),
    "shuffle": lambda s: hr.shuffle(X, axis=1, seed=s),
    "categorical": lambda s: hr.categorical(np.log(np.float32([[0.2, 0.3, 0.5]])), 16, seed=s),
}


@pytest.mark.parametrize("draw", sorted(EXACT_DRAWS))
def test_bit_identical_across_backends_eager_and_jit(draw):
    fn = EXACT_DRAWS[draw]
    results = []
    for backend in BACKENDS:
        with using_backend(backend):
            results.append(as_np(fn(17)))
            gen = hr.SeedGenerator(17)
            jitted = hornet.jit(lambda: fn(gen))
            results.append(as_np(jitted()))
    for r in results[1:]:
        assert r.dtype == results[0].dtype
        np.testing.assert_array_equal(r, results[0])


@pytest.mark.parametrize("backend", BACKENDS)
def test_normal_agrees_across_backends_and_modes(backend):
    gen = hr.SeedGenerator(8)
    ref = as_np(hr.normal((64,), 1.0, 3.0, seed=8))
    with using_backend(backend):
        eager = as_np(hr.normal((64,), 1.0, 3.0, seed=8))
        jitted = as_np(hornet.jit(lambda: hr.normal((64,), 1.0, 3.0, seed=gen))())
    np.testing.assert_allclose(eager, ref, rtol=2e-6, atol=1e-6)
    np.testing.assert_allclose(jitted, ref, rtol=2e-6, atol=1e-6)


def test_int_seed_under_jit_is_constant():
    f = hornet.jit(lambda: hr.normal((5,), seed=99))
    np.testing.assert_array_equal(as_np(f()), as_np(f()))
    np.testing.assert_array_equal(as_np(f()), as_np(hr.normal((5,), seed=99)))


def test_unseeded_draws_under_jit_advance_the_global_generator():
    f = hornet.jit(lambda: hr.uniform((4,)))
    a, b = as_np(f()), as_np(f())
    assert not np.array_equal(a, b)
    assert seed_generator.global_seed_generator().state.numpy()[1] != 0


def test_seed_generator_next_semantics():
    gen = hr.SeedGenerator(10)
    np.testing.assert_array_equal(as_np(gen.next()), [10, 0])
    np.testing.assert_array_equal(as_np(gen.next()), [10, 1])
    np.testing.assert_array_equal(as_np(gen.next(ordered=False)), [10, 2])
    np.testing.assert_array_equal(gen.state.numpy(), [(11 * 5387) % 933199, (3 * 5387) % 933199])
    np.testing.assert_array_equal(seed_generator.draw_seed(2 ** 32 + 3), [3, 0])
    key = core.convert_to_tensor(np.array([1, 2], np.uint32))
    np.testing.assert_array_equal(as_np(seed_generator.draw_seed(key)), [1, 2])


def test_default_seed_generators_differ():
    a, b = hr.SeedGenerator(), hr.SeedGenerator()
    assert a.get_config()["seed"] is None and a.name != b.name
    assert not np.array_equal(a.state.numpy(), b.state.numpy())


def test_seeded_dropout_in_a_differentiated_train_step():
    gen = hr.SeedGenerator(0)
    w = hornet.Variable(np.ones((8,), np.float32))

    def loss(w_value, x):
        return hornet.ops.sum(hr.dropout(x * w_value, 0.5, seed=gen))

    step = hornet.jit(lambda x: hornet.ops.grad(loss)(w.value, x))
    g1, g2 = as_np(step(X)), as_np(step(X))
    assert not np.array_equal(g1, g2)
    np.testing.assert_array_equal(gen.state.numpy(), [0, 2])


@pytest.mark.parametrize("lowering", BACKENDS)
def test_one_graph_serves_every_batch_size(lowering):
    gen = hr.SeedGenerator(2)
    f = hornet.jit(lambda x: (hr.normal(core.shape(x), seed=gen), hr.dropout(x, 0.5, seed=gen)))
    graph = f.trace(hornet.TensorSpec((None, 3)))
    state = np.array([2, 0], np.uint32)
    small = run_graph(lowering, graph, np.ones((2, 3), np.float32), state)
    big = run_graph(lowering, graph, np.ones((5, 3), np.float32), state)
    # counters are row-major element indices, so a bigger batch extends the smaller one's numbers
    np.testing.assert_array_equal(big[0][:2], small[0])
    np.testing.assert_array_equal(big[1][:2], small[1])
    np.testing.assert_array_equal(small[2], [2, 2])
    with using_backend(lowering):  # the graph's numbers are the eager ones
        np.testing.assert_array_equal(small[0], as_np(hr.normal((2, 3), seed=hr.SeedGenerator(2))))


def test_shuffle_bool_follows_the_int_permutation():
    flags = np.array([True, False, False, True, False, True])
    order = as_np(hr.shuffle(np.arange(6, dtype=np.int32), seed=4))
    np.testing.assert_array_equal(as_np(hr.shuffle(flags, seed=4)), flags[order])
