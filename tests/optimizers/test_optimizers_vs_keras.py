"""Every optimizer and the options that change its numbers, 5 steps on fixed gradients, against Keras 3 on JAX:
the same weights and the same optimizer state (rtol 1e-5, atol 1e-6)."""
from __future__ import annotations

import numpy as np
import pytest

from optimizer_oracle import assert_close, gradients, keras, run_hornet, run_keras

LR = 0.05
CASES = {
    "sgd": lambda m: m.SGD(learning_rate=LR),
    "sgd_momentum": lambda m: m.SGD(learning_rate=LR, momentum=0.9),
    "sgd_nesterov": lambda m: m.SGD(learning_rate=LR, momentum=0.9, nesterov=True),
    "sgd_weight_decay": lambda m: m.SGD(learning_rate=LR, momentum=0.5, weight_decay=0.1),
    "adam": lambda m: m.Adam(learning_rate=LR),
    "adam_defaults": lambda m: m.Adam(),
    "adam_amsgrad": lambda m: m.Adam(learning_rate=LR, amsgrad=True, beta_2=0.9),
    "adam_clipnorm": lambda m: m.Adam(learning_rate=LR, clipnorm=1.0),
    "adam_clipvalue": lambda m: m.Adam(learning_rate=LR, clipvalue=0.5),
    "adam_global_clipnorm": lambda m: m.Adam(learning_rate=LR, global_clipnorm=2.0),
    "adam_weight_decay": lambda m: m.Adam(learning_rate=LR, weight_decay=0.05),
    "adam_loss_scale": lambda m: m.Adam(learning_rate=LR, loss_scale_factor=128.0),
    "adamw": lambda m: m.AdamW(learning_rate=LR),
    "adamw_amsgrad": lambda m: m.AdamW(learning_rate=LR, weight_decay=0.1, amsgrad=True),
    "rmsprop": lambda m: m.RMSprop(learning_rate=LR),
    "rmsprop_momentum": lambda m: m.RMSprop(learning_rate=LR, momentum=0.9),
    "rmsprop_centered": lambda m: m.RMSprop(learning_rate=LR, centered=True),
    "rmsprop_centered_momentum": lambda m: m.RMSprop(learning_rate=LR, centered=True, momentum=0.5, rho=0.8),
    "adagrad": lambda m: m.Adagrad(learning_rate=LR),
    "adagrad_accumulator": lambda m: m.Adagrad(learning_rate=LR, initial_accumulator_value=1.0, epsilon=1e-3),
    "adadelta": lambda m: m.Adadelta(learning_rate=1.0),
    "adadelta_rho": lambda m: m.Adadelta(learning_rate=0.5, rho=0.5),
    "adamax": lambda m: m.Adamax(learning_rate=LR),
    "nadam": lambda m: m.Nadam(learning_rate=LR),
    "lion": lambda m: m.Lion(learning_rate=LR),
    "lion_betas": lambda m: m.Lion(learning_rate=LR, beta_1=0.5, beta_2=0.9, clipnorm=0.3),
    "sgd_exponential_decay": lambda m: m.SGD(learning_rate=m.schedules.ExponentialDecay(0.1, 2, 0.5, staircase=True),
                                             momentum=0.9),
    "adam_cosine_warmup": lambda m: m.Adam(learning_rate=m.schedules.CosineDecay(0.0, 4, warmup_target=0.1,
                                                                                 warmup_steps=2)),
    "adamw_piecewise": lambda m: m.AdamW(learning_rate=m.schedules.PiecewiseConstantDecay([1, 3], [0.1, 0.05, 0.01]),
                                         weight_decay=0.2),
    "rmsprop_polynomial": lambda m: m.RMSprop(learning_rate=m.schedules.PolynomialDecay(0.05, 3, 0.001, power=2.0)),
    "adagrad_inverse_time": lambda m: m.Adagrad(learning_rate=m.schedules.InverseTimeDecay(0.2, 1.0, 0.5)),
    "nadam_restarts": lambda m: m.Nadam(learning_rate=m.schedules.CosineDecayRestarts(0.1, 2, m_mul=0.5)),
    "adam_ema": lambda m: m.Adam(learning_rate=LR, use_ema=True, ema_momentum=0.9),
    "sgd_ema_overwrite": lambda m: m.SGD(learning_rate=LR, momentum=0.9, use_ema=True, ema_momentum=0.5,
                                         ema_overwrite_frequency=2),
    "adam_accumulation": lambda m: m.Adam(learning_rate=LR, gradient_accumulation_steps=2),
    "sgd_accumulation_clip": lambda m: m.SGD(learning_rate=LR, momentum=0.9, gradient_accumulation_steps=3,
                                             global_clipnorm=1.0, weight_decay=0.1),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_keras(case):
    make = CASES[case]
    h_opt, h_vars = run_hornet(make)
    k_opt, k_vars = run_keras(make)
    assert_close([v.numpy() for v in h_vars], [np.asarray(v.value) for v in k_vars])
    assert [tuple(v.shape) for v in h_opt.variables] == [tuple(v.shape) for v in k_opt.variables]
    assert_close([v.numpy() for v in h_opt.variables], [np.asarray(v.value) for v in k_opt.variables],
                 "optimizer variables")


def test_exclude_from_weight_decay_matches_keras():
    def setup(opt, variables):
        opt.exclude_from_weight_decay(var_names=["bias"])

    make = CASES["adamw_amsgrad"]
    h_opt, h_vars = run_hornet(make, setup=setup)
    k_opt, k_vars = run_keras(make, setup=setup)
    assert_close([v.numpy() for v in h_vars], [np.asarray(v.value) for v in k_vars])


def test_exclude_by_variable_skips_decay():
    def setup(opt, variables):
        opt.exclude_from_weight_decay(var_list=[variables[0]])

    make = lambda m: m.SGD(learning_rate=0.1, weight_decay=0.5)  # noqa: E731
    h_opt, h_vars = run_hornet(make, setup=setup)
    plain_opt, plain_vars = run_hornet(lambda m: m.SGD(learning_rate=0.1))
    np.testing.assert_array_equal(h_vars[0].numpy(), plain_vars[0].numpy())
    assert not np.allclose(h_vars[1].numpy(), plain_vars[1].numpy())


def test_finalize_variable_values_matches_keras():
    make = CASES["adam_ema"]
    h_opt, h_vars = run_hornet(make)
    k_opt, k_vars = run_keras(make)
    h_opt.finalize_variable_values(h_vars)
    k_opt.finalize_variable_values(k_vars)
    assert_close([v.numpy() for v in h_vars], [np.asarray(v.value) for v in k_vars])


def test_none_gradient_is_skipped_like_keras():
    def build(opt, variables):
        opt.build(variables)

    h_opt, h_vars = run_hornet(lambda m: m.Adam(learning_rate=LR), steps=0, setup=build)
    k_opt, k_vars = run_keras(lambda m: m.Adam(learning_rate=LR), steps=0, setup=build)
    with pytest.warns(UserWarning, match="Gradients do not exist for variables \\['bias'\\]"):
        for g in gradients():
            h_opt.apply([g[0], None], h_vars)
    with pytest.warns(UserWarning):
        for g in gradients():
            k_opt.apply([keras.ops.convert_to_tensor(g[0]), None], k_vars)
    assert_close([v.numpy() for v in h_vars], [np.asarray(v.value) for v in k_vars])
    assert_close([v.numpy() for v in h_opt.variables], [np.asarray(v.value) for v in k_opt.variables],
                 "optimizer variables")
    assert int(h_opt.iterations.numpy()) == 5


def test_variable_constraint_applied_after_update_like_keras():
    import hornet
    from hornet import ops
    from optimizer_oracle import initial_weights

    h_vars = [hornet.Variable(v, name=n) for n, v in initial_weights().items()]
    h_vars[0].constraint = lambda w: ops.maximum(w, 0.0)  # what a layer attaches for constraint="non_neg"
    k_vars = [keras.Variable(v, name=n) for n, v in initial_weights().items()]
    k_vars[0].constraint = keras.constraints.NonNeg()  # (keras.Variable drops a `constraint=` argument)
    import hornet.optimizers as hopt

    h_opt, k_opt = hopt.Adam(learning_rate=LR), keras.optimizers.Adam(learning_rate=LR)
    for g in gradients():
        h_opt.apply(g, h_vars)
        k_opt.apply([keras.ops.convert_to_tensor(x) for x in g], k_vars)
    assert (h_vars[0].numpy() >= 0).all()
    assert_close([v.numpy() for v in h_vars], [np.asarray(v.value) for v in k_vars])


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion"])
def test_default_config_matches_keras(name):
    import hornet.optimizers as hopt

    got = getattr(hopt, name)().get_config()
    want = getattr(keras.optimizers, name)().get_config()
    got.pop("name"), want.pop("name")
    assert got == want
