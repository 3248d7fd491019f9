"""The torch backend's execution modes: the FX module built from the graph (readable, run directly), and
Inductor (``jit_compile=True``), which must compute the same training run."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

import hornet  # noqa: E402
from hornet import TensorSpec, layers, ops  # noqa: E402


def test_the_lowered_program_is_an_fx_module_printed_as_python():
    f = hornet.jit(lambda x: ops.relu(x) * 2.0, backend="torch")
    text = f.lower(TensorSpec((4, 3))).as_text()
    assert "def forward(self, x0)" in text and "_max(" in text and "_mul(" in text
    np.testing.assert_array_equal(ops.convert_to_numpy(f(np.array([[-1.0, 2.0, 3.0]] * 4, "float32"))),
                                  [[0.0, 4.0, 6.0]] * 4)


def test_a_symbolic_batch_runs_every_size_with_one_compilation():
    f = hornet.jit(lambda x: ops.sum(x, axis=0) + ops.cast(ops.shape(x)[0], "float32"), backend="torch")
    for n in (2, 5):
        out = ops.convert_to_numpy(f(np.ones((n, 3), "float32")))
        np.testing.assert_array_equal(out, [2.0 * n] * 3)


def _fit(jit_compile, epochs=2, callbacks=()):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 5)).astype("float32")
    y = rng.integers(0, 3, 40)
    hornet.utils.set_random_seed(7)
    model = hornet.Sequential([hornet.Input((5,)), layers.Dense(8, activation="relu"), layers.Dropout(0.3),
                               layers.Dense(3)])
    model.compile(optimizer="adam", loss=hornet.losses.SparseCategoricalCrossentropy(from_logits=True),
                  backend="torch", jit_compile=jit_compile)
    history = model.fit(x, y, batch_size=16, epochs=epochs, shuffle=False, verbose=0,
                        callbacks=list(callbacks)).history
    return model, history


@pytest.mark.slow_compile
def test_inductor_trains_to_the_same_weights_as_the_fx_module():
    direct, h_direct = _fit(False)
    compiled, h_compiled = _fit(True)
    assert compiled.compile_stats["train"] == 1
    np.testing.assert_allclose(h_direct["loss"], h_compiled["loss"], rtol=1e-5)
    for a, b in zip(direct.get_weights(), compiled.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def _program(**attrs):
    from hornet.runtime.backend import get_backend

    graph = hornet.jit(lambda a, b: ops.tanh(ops.matmul(a, b)) * 2.0).lower(
        TensorSpec((4, 3), "float32"), TensorSpec((3, 2), "float32")).graph
    return get_backend("torch").compile(graph, **attrs)


def test_auto_runs_direct_until_the_tier_up_count(monkeypatch):
    from hornet.runtime.torch_tiered import TieredProgram

    a, b = np.ones((4, 3), "float32"), np.ones((3, 2), "float32")
    expected = np.full((4, 2), 2 * np.tanh(3.0))
    assert not isinstance(_program().program, TieredProgram)  # off by default
    monkeypatch.setenv("HORNET_TORCH_TIER_UP_CALLS", "50")
    run = _program()
    for _ in range(5):
        (out,) = run(a, b)
    assert run.program.state == "direct"
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)
    monkeypatch.setenv("HORNET_TORCH_TIER_UP_CALLS", "-1")
    with pytest.raises(ValueError, match="HORNET_TORCH_TIER_UP_CALLS must be >= 0, got -1"):
        _program()


class _WaitForInductor(hornet.callbacks.Callback):
    """Holds batch 3 until every background compile has finished, so the rest of the fit runs compiled code."""

    def on_train_batch_end(self, batch, logs=None):
        import threading

        if batch == 2:
            for thread in threading.enumerate():
                if thread.name == "hornet-inductor":
                    thread.join(300)


@pytest.mark.slow_compile
def test_auto_switches_to_inductor_mid_fit_and_trains_like_the_fx_module(monkeypatch):
    direct, h_direct = _fit(False, epochs=3)
    monkeypatch.setenv("HORNET_TORCH_TIER_UP_CALLS", "2")
    tiered, h_tiered = _fit("auto", epochs=3, callbacks=[_WaitForInductor()])
    (entry,) = tiered._steps["train"]._cache.values()
    assert entry.compiled.program.state == "compiled" and tiered.compile_stats["train"] == 1
    np.testing.assert_allclose(h_direct["loss"], h_tiered["loss"], rtol=1e-5)
    for a, b in zip(direct.get_weights(), tiered.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_jit_compile_must_be_auto_true_or_false():
    model = hornet.Sequential([hornet.Input((2,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="jit_compile must be 'auto', True or False, got 'xla'"):
        model.compile(optimizer="sgd", loss="mse", jit_compile="xla")
