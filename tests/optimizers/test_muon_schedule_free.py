"""Muon and ScheduleFreeAdamW: weights and optimizer state after fixed gradients against Keras 3 on JAX (rtol
1e-5), Muon on a small model whose variables take every path (Newton-Schulz on tall and wide kernels, AdamW on
embeddings, conv kernels, biases and excluded layers), ScheduleFreeAdamW also against a NumPy transcription of
Defazio et al.'s y/z/x sequences; then jit, fit, configs and errors."""
from __future__ import annotations

import functools

import numpy as np
import pytest

import hornet
import hornet.optimizers as hopt
from hornet import layers
from optimizer_oracle import assert_close, gradients, hornet_variables, keras, run_hornet, run_keras

LR = 0.05
STEPS = 3


def _stack(m):
    """The same small model in hornet (m = hornet) and Keras (m = keras): explicit names, so paths agree."""
    return m.Sequential([m.Input((3,), dtype="int32"), m.layers.Embedding(10, 4, name="tok_embedding"),
                         m.layers.Conv1D(4, 2, name="conv"), m.layers.Flatten(name="flat"),
                         m.layers.Dense(5, name="hidden"), m.layers.Dense(6, name="wide"),
                         m.layers.Dense(2, name="output_dense")])


@pytest.fixture(scope="module")
def start():
    model = _stack(keras)
    rng = np.random.default_rng(5)
    weights = [rng.normal(size=tuple(v.shape)).astype("float32") for v in model.trainable_variables]
    grads = [[(rng.normal(size=w.shape) * (1 + i % 3)).astype("float32") for i, w in enumerate(weights)]
             for _ in range(STEPS)]
    return weights, grads


def _run(m, make, weights, grads):
    model = _stack(m)
    model.set_weights(weights)
    variables = list(model.trainable_variables)
    opt = make(m.optimizers)
    for g in grads:
        opt.apply([m.ops.convert_to_tensor(x) for x in g] if m is keras else g, variables)
    return opt, variables


MUON = {
    "defaults": lambda o: o.Muon(learning_rate=LR, exclude_layers=["output_dense"]),
    "options": lambda o: o.Muon(learning_rate=LR, nesterov=False, rms_rate=None, adam_lr_ratio=0.1, ns_steps=3,
                                momentum=0.8, weight_decay=0.1, adam_weight_decay=None, exclude_embeddings=False,
                                adam_beta_1=0.5, adam_beta_2=0.9, global_clipnorm=1.0, use_ema=True),
}


@pytest.fixture(scope="module")
def keras_muon(start):
    """Keras's run of a case, made once for both backends' runs of the test (the oracle is the slow part)."""
    return functools.lru_cache(maxsize=None)(lambda case: _run(keras, MUON[case], *start))


@pytest.mark.parametrize("case", sorted(MUON))
def test_muon_on_a_model_matches_keras(case, start, keras_muon):
    h_opt, h_vars = _run(hornet, MUON[case], *start)
    k_opt, k_vars = keras_muon(case)
    # Keras prefixes the model's name ("sequential_1/hidden/kernel"); hornet's layer paths start at the layer
    assert [v.path for v in h_vars] == [v.path.split("/", 1)[1] for v in k_vars]
    assert_close([v.numpy() for v in h_vars], [np.asarray(v.value) for v in k_vars])
    assert [tuple(v.shape) for v in h_opt.variables] == [tuple(v.shape) for v in k_opt.variables]
    assert_close([v.numpy() for v in h_opt.variables], [np.asarray(v.value) for v in k_opt.variables],
                 "optimizer variables")
    adamw = [v.path for v in h_vars if h_opt._should_use_adamw(v)]
    assert adamw == [v.path.split("/", 1)[1] for v in k_vars if k_opt._should_use_adamw(v)]
    assert "hidden/kernel" not in adamw and "wide/kernel" not in adamw and "conv/kernel" in adamw
    assert ("output_dense/kernel" in adamw) == (case == "defaults")
    assert ("tok_embedding/embeddings" in adamw) == (case == "defaults")


def test_muon_orthogonalizes_matrices():
    x = np.random.default_rng(0).normal(size=(6, 4)).astype("float32")
    opt = hopt.Muon()
    u = np.asarray(opt.zeropower_via_newtonschulz5(x, 5))
    singular = np.linalg.svd(u, compute_uv=False)
    assert u.shape == (6, 4) and np.all((singular > 0.6) & (singular < 1.25)), singular  # ~U V^T: S' near 1
    want = keras.optimizers.Muon().zeropower_via_newtonschulz5(keras.ops.convert_to_tensor(x), 5)
    np.testing.assert_allclose(u, np.asarray(want), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="at least 2 dimensions.*shape=\\(3,\\)"):
        opt.zeropower_via_newtonschulz5(np.ones(3, "float32"), 5)


SCHEDULE_FREE = {
    "defaults": lambda o: o.ScheduleFreeAdamW(),
    "lr": lambda o: o.ScheduleFreeAdamW(learning_rate=LR),
    "warmup_decay": lambda o: o.ScheduleFreeAdamW(learning_rate=LR, warmup_steps=3, weight_decay=0.1, beta_1=0.5,
                                                  beta_2=0.9, epsilon=1e-3),
    "accumulation": lambda o: o.ScheduleFreeAdamW(learning_rate=LR, gradient_accumulation_steps=2),
}


@functools.lru_cache(maxsize=None)
def _keras_schedule_free(case):
    return run_keras(SCHEDULE_FREE[case])


@pytest.mark.parametrize("case", sorted(SCHEDULE_FREE))
def test_schedule_free_matches_keras(case):
    h_opt, h_vars = run_hornet(SCHEDULE_FREE[case])
    k_opt, k_vars = _keras_schedule_free(case)
    assert not np.allclose(h_vars[0].numpy(), hornet_variables()[0].numpy())
    assert_close([v.numpy() for v in h_vars], [np.asarray(v.value) for v in k_vars])
    assert [tuple(v.shape) for v in h_opt.variables] == [tuple(v.shape) for v in k_opt.variables]
    assert_close([v.numpy() for v in h_opt.variables], [np.asarray(v.value) for v in k_opt.variables],
                 "optimizer variables")


def _paper_reference(start, grads, lr, beta_1, beta_2, eps, warmup):
    """Defazio et al. 2024, Algorithm 1 (AdamW), with r = 0 and weight_lr_power = 0 (so c_t = 1/t), x kept
    explicitly; returns y, the point where gradients are taken (what the model variable holds)."""
    x = z = start.astype("float64")
    v = np.zeros_like(x)
    y = x
    for t, g in enumerate(grads, start=1):
        v = beta_2 * v + (1 - beta_2) * g.astype("float64") ** 2
        gamma = lr * (min(1.0, t / warmup) if warmup else 1.0)
        z = z - gamma * g / (np.sqrt(v / (1 - beta_2 ** t)) + eps)
        c = 1.0 / t
        x = (1 - c) * x + c * z
        y = (1 - beta_1) * z + beta_1 * x
    return y, z, x


def test_schedule_free_matches_the_papers_algorithm():
    h_opt, h_vars = run_hornet(lambda o: o.ScheduleFreeAdamW(learning_rate=LR, warmup_steps=3, beta_1=0.8))
    start = [v.numpy() for v in hornet_variables()]
    for i, w in enumerate(start):
        y, z, x = _paper_reference(w, [g[i] for g in gradients()], LR, 0.8, 0.999, 1e-8, 3)
        np.testing.assert_allclose(h_vars[i].numpy(), y, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(h_opt._momentums[i].numpy(), z, rtol=1e-5, atol=1e-6)
        # x, the average Keras does not store, follows from y and z
        np.testing.assert_allclose((h_vars[i].numpy() - 0.2 * h_opt._momentums[i].numpy()) / 0.8, x,
                                   rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make", [MUON["defaults"], SCHEDULE_FREE["warmup_decay"]], ids=["muon", "schedule_free"])
def test_jit_matches_eager(make):
    e_opt, e_vars = run_hornet(make)
    variables = hornet_variables()
    opt = make(hopt)
    step = hornet.jit(lambda g0, g1: opt.apply([g0, g1], variables))  # built inside the first trace
    for grads in gradients():
        step(*grads)
    assert step.cache_size == 1
    assert_close([v.numpy() for v in variables], [v.numpy() for v in e_vars])
    assert_close([v.numpy() for v in opt.variables], [v.numpy() for v in e_opt.variables], "optimizer variables")


@pytest.mark.parametrize("name", ["Muon", "ScheduleFreeAdamW"])
def test_fit_lowers_the_loss(name):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 6)).astype("float32")
    y = x @ rng.normal(size=(6, 2)).astype("float32")
    model = hornet.Sequential([hornet.Input((6,)), layers.Dense(8, name="h"), layers.Dense(2, name="out")])
    model.compile(optimizer=getattr(hopt, name)(learning_rate=0.01), loss="mse")
    history = model.fit(x, y, epochs=4, batch_size=16, verbose=0).history["loss"]
    assert history[-1] < history[0], history


@pytest.mark.parametrize("name", ["Muon", "ScheduleFreeAdamW"])
def test_config_matches_keras_and_round_trips(name):
    got = getattr(hopt, name)().get_config()
    want = getattr(keras.optimizers, name)().get_config()
    got.pop("name"), want.pop("name")
    assert got == want
    opt = hopt.get(hopt.serialize(getattr(hopt, name)(learning_rate=0.3)))
    assert type(opt).__name__ == name and opt.get_config()["learning_rate"] == pytest.approx(0.3)
    assert isinstance(hopt.get(name.lower()), getattr(hopt, name))


def test_bad_arguments():
    with pytest.raises(ValueError, match="Muon: `ns_steps` must be an integer >= 0. Received: ns_steps=2.5"):
        hopt.Muon(ns_steps=2.5)
    with pytest.raises(ValueError, match="Muon: `exclude_layers` must be a list.*'output'"):
        hopt.Muon(exclude_layers="output")
    with pytest.raises(ValueError, match="ScheduleFreeAdamW: `beta_1` must be in \\(0, 1\\].*beta_1=0"):
        hopt.ScheduleFreeAdamW(beta_1=0)
    with pytest.raises(ValueError, match="ScheduleFreeAdamW: `warmup_steps` must be a number >= 0.*-1"):
        hopt.ScheduleFreeAdamW(warmup_steps=-1)
    with pytest.raises(ValueError, match="Argument\\(s\\) not recognized"):
        hopt.Muon(bogus=1)
