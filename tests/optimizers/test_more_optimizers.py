"""Ftrl, Lamb, Adafactor and LossScaleOptimizer against Keras 3 on JAX (weights and optimizer state after fixed
gradients, rtol 1e-5), eagerly and inside ``hornet.jit`` (one trace), plus their configs and errors."""
from __future__ import annotations

import functools
import json

import numpy as np
import pytest

import hornet
import hornet.optimizers as hopt
from hornet import ops
from optimizer_oracle import assert_close, gradients, hornet_variables, keras, keras_variables, run_hornet, run_keras

LR = 0.05
CASES = {
    "ftrl": lambda m: m.Ftrl(learning_rate=LR),
    "ftrl_defaults": lambda m: m.Ftrl(),
    "ftrl_regularized": lambda m: m.Ftrl(learning_rate=LR, learning_rate_power=-0.7, initial_accumulator_value=0.5,
                                         l1_regularization_strength=0.01, l2_regularization_strength=0.1,
                                         l2_shrinkage_regularization_strength=0.05, beta=0.3),
    "ftrl_l1_sparse": lambda m: m.Ftrl(learning_rate=0.5, l1_regularization_strength=2.0, learning_rate_power=0.0),
    "lamb": lambda m: m.Lamb(learning_rate=LR),
    "lamb_betas_clip": lambda m: m.Lamb(learning_rate=LR, beta_1=0.5, beta_2=0.9, epsilon=1e-3, clipnorm=1.0),
    "lamb_weight_decay": lambda m: m.Lamb(learning_rate=LR, weight_decay=0.1),
    "adafactor": lambda m: m.Adafactor(learning_rate=LR),
    "adafactor_defaults": lambda m: m.Adafactor(),
    "adafactor_options": lambda m: m.Adafactor(learning_rate=0.5, beta_2_decay=-0.5, epsilon_2=0.1,
                                               clip_threshold=0.5, relative_step=False),
    "adafactor_schedule": lambda m: m.Adafactor(learning_rate=m.schedules.ExponentialDecay(0.5, 2, 0.5)),
    "adafactor_accumulation": lambda m: m.Adafactor(learning_rate=LR, gradient_accumulation_steps=2),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_keras(case):
    h_opt, h_vars = run_hornet(CASES[case])
    k_opt, k_vars = run_keras(CASES[case])
    assert_close([v.numpy() for v in h_vars], [np.asarray(v.value) for v in k_vars])
    assert [tuple(v.shape) for v in h_opt.variables] == [tuple(v.shape) for v in k_opt.variables]
    assert_close([v.numpy() for v in h_opt.variables], [np.asarray(v.value) for v in k_opt.variables],
                 "optimizer variables")


def test_adafactor_factors_the_last_two_axes_of_any_rank():
    rng = np.random.default_rng(3)
    shapes = [(2, 3, 4), (), (5,)]
    start = [rng.normal(size=s).astype("float32") for s in shapes]
    steps = [[rng.normal(size=s).astype("float32") for s in shapes] for _ in range(3)]
    h_vars = [hornet.Variable(w) for w in start]
    k_vars = [keras.Variable(w) for w in start]
    h_opt, k_opt = hopt.Adafactor(learning_rate=0.1), keras.optimizers.Adafactor(learning_rate=0.1)
    for g in steps:
        h_opt.apply(g, h_vars)
        k_opt.apply([keras.ops.convert_to_tensor(x) for x in g], k_vars)
    assert_close([v.numpy() for v in h_vars], [np.asarray(v.value) for v in k_vars])
    assert [tuple(v.shape) for v in h_opt.variables] == [tuple(v.shape) for v in k_opt.variables]
    assert [(2, 3), (2, 4)] == [tuple(v.shape) for v in h_opt.variables[2:4]]


@pytest.mark.parametrize("case", ["ftrl_regularized", "lamb_betas_clip", "adafactor", "adafactor_accumulation"])
def test_jit_matches_eager(case):
    e_opt, e_vars = run_hornet(CASES[case])
    variables = hornet_variables()
    opt = CASES[case](hopt)
    step = hornet.jit(lambda g0, g1: opt.apply([g0, g1], variables))  # built inside the first trace
    for grads in gradients():
        step(*grads)
    assert step.cache_size == 1
    assert_close([v.numpy() for v in variables], [v.numpy() for v in e_vars])
    assert_close([v.numpy() for v in opt.variables], [v.numpy() for v in e_opt.variables], "optimizer variables")


@pytest.mark.parametrize("name", ["Ftrl", "Lamb", "Adafactor"])
def test_default_config_and_round_trip(name):
    got = getattr(hopt, name)().get_config()
    want = getattr(keras.optimizers, name)().get_config()
    got.pop("name"), want.pop("name")
    assert got == want
    for identifier in (name, name.lower()):
        assert type(hopt.get(identifier)) is getattr(hopt, name)
    opt = getattr(hopt, name)(learning_rate=0.25, clipvalue=1.0)
    again = hopt.deserialize(json.loads(json.dumps(hopt.serialize(opt))))
    assert type(again) is type(opt) and again.get_config() == opt.get_config()


@pytest.mark.parametrize("kwargs, match", [({"initial_accumulator_value": -1.0}, "initial_accumulator_value"),
                                           ({"learning_rate_power": 0.5}, "learning_rate_power"),
                                           ({"l1_regularization_strength": -0.1}, "l1_regularization_strength"),
                                           ({"l2_shrinkage_regularization_strength": -1}, "l2_shrinkage")])
def test_ftrl_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        hopt.Ftrl(**kwargs)


# ------------------------------------------------------------------------------------------ LossScaleOptimizer
SCALE = 8.0
LSO_CASES = {
    "adam": (lambda m: m.Adam(learning_rate=LR), 2),
    "sgd_momentum_clip": (lambda m: m.SGD(learning_rate=LR, momentum=0.9, global_clipnorm=1.0), 3),
}


def scaled_gradients(steps: int = 8) -> list[list[np.ndarray]]:
    """Gradients times the loss scale; steps 2 and 5 hold an inf / a NaN (those steps must be skipped)."""
    out = [[g * SCALE for g in step] for step in gradients(steps)]
    out[2][0][1, 1] = np.inf
    out[5][1][0] = np.nan
    return out


@functools.lru_cache(maxsize=None)
def run_keras_lso(case):
    """Keras's stateful ``apply`` of LossScaleOptimizer branches with ``ops.cond`` that cannot assign eagerly on
    JAX, so the oracle is its ``stateless_apply`` (what Keras's JAX trainer runs); one run serves both modes."""
    make_inner, growth = LSO_CASES[case]
    variables = keras_variables()
    opt = keras.optimizers.LossScaleOptimizer(make_inner(keras.optimizers), initial_scale=SCALE,
                                              dynamic_growth_steps=growth)
    opt.build(variables)
    values, state = [v.value for v in variables], [v.value for v in opt.variables]
    for grads in scaled_gradients():
        values, state = opt.stateless_apply(state, [keras.ops.convert_to_tensor(g) for g in grads], values)
    return values, state


def make_lso(make_inner, growth):
    return hopt.LossScaleOptimizer(make_inner(hopt), initial_scale=SCALE, dynamic_growth_steps=growth)


@pytest.mark.parametrize("case", sorted(LSO_CASES))
@pytest.mark.parametrize("jitted", [False, True], ids=["eager", "jit"])
def test_loss_scale_optimizer_matches_keras(case, jitted):
    make_inner, growth = LSO_CASES[case]
    variables = hornet_variables()
    opt = make_lso(make_inner, growth)
    apply = lambda g0, g1: opt.apply([g0, g1], variables)  # noqa: E731
    if jitted:
        opt.build(variables)
        apply = hornet.jit(apply)
    for grads in scaled_gradients():
        apply(*grads)
    if jitted:
        assert apply.cache_size == 1
    k_values, k_state = run_keras_lso(case)
    assert_close([v.numpy() for v in variables], [np.asarray(v) for v in k_values])
    assert [v.name for v in opt.variables[:4]] == ["iteration", "learning_rate", "step_counter", "dynamic_scale"]
    assert_close([v.numpy() for v in opt.variables], [np.asarray(v) for v in k_state], "optimizer variables")
    assert int(opt.iterations.numpy()) == 6  # the two non-finite steps were skipped


def test_non_finite_step_leaves_everything_unchanged_inside_jit():
    variables = hornet_variables()
    opt = make_lso(LSO_CASES["adam"][0], 2)
    opt.build(variables)
    step = hornet.jit(lambda g0, g1: opt.apply([g0, g1], variables))
    good, bad = scaled_gradients()[:3:2]
    step(*good)
    before = [v.numpy() for v in variables + opt.inner_optimizer.variables]
    step(*bad)
    after = [v.numpy() for v in variables + opt.inner_optimizer.variables]
    for b, a in zip(before, after):
        np.testing.assert_array_equal(a, b)
    assert float(opt.dynamic_scale.numpy()) == SCALE / 2 and int(opt.step_counter.numpy()) == 0
    assert step.cache_size == 1


def test_scaled_loss_gradients_equal_plain_optimizer_in_one_graph():
    """scale_loss -> grads -> apply inside one jitted step gives the plain optimizer's weights, and the scale grows
    every `dynamic_growth_steps` finite steps."""
    x = np.random.default_rng(1).normal(size=(6, 3)).astype("float32")
    lso_vars, plain_vars = hornet_variables(), hornet_variables()
    lso = hopt.LossScaleOptimizer(hopt.SGD(learning_rate=LR, momentum=0.5), initial_scale=4.0,
                                  dynamic_growth_steps=2)
    plain = hopt.SGD(learning_rate=LR, momentum=0.5)

    def loss_of(weights):
        kernel, bias = weights
        return ops.mean(ops.square(ops.add(ops.matmul(x, kernel.value), bias.value)))

    def lso_step():
        _, grads = ops.value_and_grad(lambda w: lso.scale_loss(loss_of(w)))(lso_vars)
        lso.apply(grads, lso_vars)

    def plain_step():
        _, grads = ops.value_and_grad(loss_of)(plain_vars)
        plain.apply(grads, plain_vars)

    lso.build(lso_vars)
    steps = hornet.jit(lso_step), hornet.jit(plain_step)
    for _ in range(5):
        for s in steps:
            s()
    assert_close([v.numpy() for v in lso_vars], [v.numpy() for v in plain_vars])
    assert float(lso.dynamic_scale.numpy()) == 16.0 and int(lso.step_counter.numpy()) == 1
    assert steps[0].cache_size == 1


def test_loss_scale_optimizer_api():
    inner = hopt.Adam(learning_rate=0.01, loss_scale_factor=128.0)
    opt = hopt.LossScaleOptimizer(inner, initial_scale=64.0, dynamic_growth_steps=10, name="lso")
    assert inner.loss_scale_factor is None  # the wrapper does the scaling
    np.testing.assert_allclose(np.asarray(opt.scale_loss(np.float32(2.0))), 128.0)
    opt.learning_rate = 0.5
    np.testing.assert_allclose(inner.learning_rate.numpy(), 0.5)
    assert opt.learning_rate is inner.learning_rate and opt.iterations is inner.iterations
    config = json.loads(json.dumps(hopt.serialize(opt)))
    k_config = keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(learning_rate=0.5), initial_scale=64.0,
                                                   dynamic_growth_steps=10, name="lso").get_config()
    assert {k: v for k, v in config["config"].items() if k != "inner_optimizer"} == \
        {k: v for k, v in k_config.items() if k != "inner_optimizer"}
    inner_config, k_inner_config = dict(config["config"]["inner_optimizer"]), dict(k_config["inner_optimizer"])
    assert inner_config.pop("module") == "hornet.optimizers" and k_inner_config.pop("module") == "keras.optimizers"
    assert {k: v for k, v in inner_config.pop("config").items() if k != "name"} == \
        {k: v for k, v in k_inner_config.pop("config").items() if k != "name"}
    assert inner_config == k_inner_config
    again = hopt.deserialize(config)
    assert type(again) is hopt.LossScaleOptimizer and type(again.inner_optimizer) is hopt.Adam
    assert again.get_config() == opt.get_config()
    from_keras = hopt.deserialize(keras.optimizers.serialize(
        keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(learning_rate=0.2), initial_scale=2.0)))
    assert type(from_keras.inner_optimizer) is hopt.SGD and from_keras.initial_scale == 2.0


@pytest.mark.parametrize("kwargs, match", [({"dynamic": False}, "dynamic=False"),
                                           ({"clipnorm": 1.0}, "does not support `clipnorm`"),
                                           ({"foo": 1}, "does not support arguments: `foo`"),
                                           ({"dynamic_growth_steps": 0}, "dynamic_growth_steps")])
def test_loss_scale_optimizer_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        hopt.LossScaleOptimizer(hopt.SGD(), **kwargs)
    with pytest.raises(TypeError, match="inner_optimizer"):
        hopt.LossScaleOptimizer("sgd")
