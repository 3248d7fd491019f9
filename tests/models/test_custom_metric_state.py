"""A custom Metric whose ``result()`` returns its state Variable (as the Keras guides' CategoricalTruePositives
does) reports the running value in fit and evaluate, as in Keras 3; the Variable is read as state when traced,
never frozen as the constant it held at trace time."""
from __future__ import annotations

import numpy as np
import pytest

from keras_oracle import HORNET, Kit, assert_history_close, classification_data, mlp, twins

X, Y = classification_data(100)


def true_positives_metric(kit: Kit) -> type:
    ops = kit.ops

    class TruePositives(kit.mod.metrics.Metric):
        def __init__(self, name: str = "true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.count = self.add_variable(shape=(), name="count", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            hit = ops.cast(ops.equal(ops.cast(ops.reshape(y_true, (-1,)), "int32"),
                                     ops.cast(ops.argmax(y_pred, axis=1), "int32")), "float32")
            self.count.assign_add(ops.sum(hit))

        def result(self):
            # Keras 3 on JAX >= 0.8 rejects a returned Variable ("__jax_array__ during abstractification"),
            # so its twin returns the Variable's value; hornet's returns the Variable itself.
            return self.count if kit is HORNET else self.count.value

        def reset_state(self):
            self.count.assign(0.0)

    return TruePositives


def _compiled(kit: Kit, model):
    model.compile(optimizer=kit.optimizers.SGD(0.1), loss=kit.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[true_positives_metric(kit)()])
    return model


def test_metric_returning_its_variable_counts_in_fit_and_evaluate():
    h, k = twins(lambda kit: _compiled(kit, mlp(kit)))
    hh = h.fit(X, Y, batch_size=25, epochs=3, shuffle=False, verbose=0).history
    kh = k.fit(X, Y, batch_size=25, epochs=3, shuffle=False, verbose=0).history
    assert min(hh["true_positives"]) > 0
    assert_history_close(hh, kh, rtol=1e-5, atol=1e-4)
    he = h.evaluate(X, Y, batch_size=25, verbose=0, return_dict=True)
    ke = k.evaluate(X, Y, batch_size=25, verbose=0, return_dict=True)
    assert he["true_positives"] == pytest.approx(ke["true_positives"], abs=1e-4)


def test_a_variable_returned_from_a_jitted_function_is_its_current_value():
    import hornet

    v = hornet.Variable(np.zeros((), "float32"), name="counter")

    def step():
        v.assign_add(np.float32(1.0))
        return v

    f = hornet.jit(step)
    assert [float(hornet.ops.convert_to_numpy(f())) for _ in range(3)] == [1.0, 2.0, 3.0]


def test_a_variable_converted_to_numpy_while_tracing_is_a_clear_error():
    import hornet
    from hornet.ir.errors import TracerError

    v = hornet.Variable(np.ones((2,), "float32"), name="frozen")
    with pytest.raises(TracerError, match="'frozen'.*NumPy.*while tracing"):
        hornet.jit(lambda x: x + np.asarray(v))(np.ones((2,), "float32"))
