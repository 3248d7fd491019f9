"""Variables: eager assignment, and explicit state through hornet.jit (inputs in, new values out, written back)."""
import numpy as np
import pytest

import hornet
from hornet import ops
from hornet.ir.errors import ShapeError, TracerError
from hornet.runtime.backend import using_backend
from hornet.runtime.variables import Variable


def test_eager_assign_and_checks():
    v = Variable(np.zeros((2, 2), "float32"), name="w")
    v.assign(np.ones((2, 2), "float32"))
    v.assign_add(np.full((2, 2), 2.0, "float32"))
    v.assign_sub(1.0)
    np.testing.assert_array_equal(v.numpy(), np.full((2, 2), 2.0))
    with pytest.raises(ShapeError, match="'w'.*shape"):
        v.assign(np.ones((3,), "float32"))
    v.assign(np.full((2, 2), 7, "int32"))  # another dtype is cast, as in Keras
    assert v.numpy().dtype == np.float32 and v.numpy()[0, 0] == 7.0


def test_callable_initializer_needs_shape():
    v = Variable(lambda shape, dtype: np.full(shape, 3, dtype.np), shape=(2,), dtype="int32")
    assert v.dtype == "int32" and v.numpy().tolist() == [3, 3]
    with pytest.raises(ShapeError, match="needs a shape"):
        Variable(lambda shape, dtype: None)


@pytest.mark.parametrize("backend", ["jax", "numpy"])
def test_jit_threads_state(backend):
    with using_backend(backend):
        v = Variable(np.zeros(3, "float32"), name="counter")
        step = hornet.jit(lambda x: v.assign_add(x) * 2.0)
        np.testing.assert_array_equal(np.asarray(step(np.ones(3, "float32"))), [2, 2, 2])
        np.testing.assert_array_equal(np.asarray(step(np.ones(3, "float32"))), [4, 4, 4])
        np.testing.assert_array_equal(v.numpy(), [2, 2, 2])
        assert step.cache_size == 1


def test_state_is_explicit_in_the_graph():
    v = Variable(np.zeros(3, "float32"), name="acc")
    w = Variable(np.ones(3, "float32"), name="scale", trainable=False)
    f = hornet.jit(lambda x: v.assign(v.value + x * w.value))
    graph = f.trace(np.ones(3, "float32"))
    assert len(graph.inputs) == 3 and len(graph.outputs) == 2  # x, acc, scale -> (result, new acc)
    assert graph.metadata["state"] == {"inputs": ["acc", "scale"], "outputs": ["acc"]}
    assert '"acc"' in str(graph)


def test_read_only_state_is_not_written_back():
    w = Variable(np.full(2, 3.0, "float32"))
    f = hornet.jit(lambda x: x * w.value)
    np.testing.assert_array_equal(np.asarray(f(np.ones(2, "float32"))), [3, 3])
    w.assign(np.full(2, 5.0, "float32"))  # the compiled function reads the current value
    np.testing.assert_array_equal(np.asarray(f(np.ones(2, "float32"))), [5, 5])


def test_assign_inside_a_region_is_refused():
    from hornet.ir.tracer import trace_region

    v = Variable(np.zeros(2, "float32"), name="v")

    def f(x):
        trace_region(lambda y: v.assign(y), [x.type])
        return x

    with pytest.raises(TracerError, match="'?v'? inside a control-flow"):
        hornet.trace(f, hornet.TensorSpec((2,)))
