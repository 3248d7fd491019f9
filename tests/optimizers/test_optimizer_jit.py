"""Optimizer updates inside ``hornet.jit``: the same numbers as eager, one trace for many steps, and a learning
rate set between calls is used without retracing."""
from __future__ import annotations

import numpy as np
import pytest

import hornet
import hornet.optimizers as hopt
from hornet.backend import using_backend
from optimizer_oracle import assert_close, gradients, hornet_variables, run_hornet

CASES = {
    "sgd_nesterov": lambda m: m.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
    "adam_amsgrad_clipnorm": lambda m: m.Adam(learning_rate=0.05, amsgrad=True, clipnorm=1.0),
    "adamw": lambda m: m.AdamW(learning_rate=0.05, weight_decay=0.1),
    "rmsprop_centered": lambda m: m.RMSprop(learning_rate=0.05, centered=True, momentum=0.5),
    "adagrad_clipvalue": lambda m: m.Adagrad(learning_rate=0.05, clipvalue=0.5),
    "adadelta": lambda m: m.Adadelta(learning_rate=1.0),
    "adamax_global_clipnorm": lambda m: m.Adamax(learning_rate=0.05, global_clipnorm=2.0),
    "nadam": lambda m: m.Nadam(learning_rate=0.05),
    "lion": lambda m: m.Lion(learning_rate=0.05),
    "adam_cosine_warmup": lambda m: m.Adam(learning_rate=m.schedules.CosineDecay(0.0, 4, warmup_target=0.1,
                                                                                 warmup_steps=2)),
    "sgd_piecewise": lambda m: m.SGD(learning_rate=m.schedules.PiecewiseConstantDecay([1, 3], [0.1, 0.05, 0.01])),
    "sgd_ema_overwrite": lambda m: m.SGD(learning_rate=0.05, momentum=0.9, use_ema=True, ema_overwrite_frequency=2),
    "adam_accumulation": lambda m: m.Adam(learning_rate=0.05, gradient_accumulation_steps=2),
}


def run_jitted(make, build_first: bool = True):
    variables = hornet_variables()
    opt = make(hopt)
    if build_first:
        opt.build(variables)
    step = hornet.jit(lambda g0, g1: opt.apply([g0, g1], variables))
    for grads in gradients():
        step(*grads)
    return opt, variables, step


@pytest.mark.parametrize("case", sorted(CASES))
def test_jit_matches_eager(case):
    e_opt, e_vars = run_hornet(CASES[case])
    j_opt, j_vars, step = run_jitted(CASES[case])
    assert step.cache_size == 1
    assert_close([v.numpy() for v in j_vars], [v.numpy() for v in e_vars])
    assert_close([v.numpy() for v in j_opt.variables], [v.numpy() for v in e_opt.variables], "optimizer variables")
    assert int(j_opt._iterations.numpy()) == 5


def test_build_inside_jit():
    e_opt, e_vars = run_hornet(CASES["nadam"])
    j_opt, j_vars, step = run_jitted(CASES["nadam"], build_first=False)
    assert j_opt.built and step.cache_size == 1
    assert_close([v.numpy() for v in j_vars], [v.numpy() for v in e_vars])


def test_apply_gradients_inside_jit():
    e_opt, e_vars = run_hornet(CASES["adamw"])
    variables = hornet_variables()
    opt = CASES["adamw"](hopt)
    opt.build(variables)
    step = hornet.jit(lambda g0, g1: opt.apply_gradients(zip([g0, g1], variables)))
    for grads in gradients():
        step(*grads)
    assert_close([v.numpy() for v in variables], [v.numpy() for v in e_vars])


@pytest.mark.parametrize("set_rate", ["attribute", "assign"])
def test_learning_rate_change_without_retrace(set_rate):
    rates = [0.1, 0.1, 0.01, 0.01, 0.3]

    def set_lr(opt, lr):
        if set_rate == "attribute":
            opt.learning_rate = lr
        else:  # what a callback does
            opt.learning_rate.assign(lr)

    variables = hornet_variables()
    opt = hopt.SGD(learning_rate=rates[0], momentum=0.9, weight_decay=0.01)
    opt.build(variables)
    step = hornet.jit(lambda g0, g1: opt.apply([g0, g1], variables))
    eager_vars = hornet_variables()
    eager = hopt.SGD(learning_rate=rates[0], momentum=0.9, weight_decay=0.01)
    for lr, grads in zip(rates, gradients()):
        set_lr(opt, lr)
        set_lr(eager, lr)
        step(*grads)
        eager.apply(grads, eager_vars)
        assert_close([v.numpy() for v in variables], [v.numpy() for v in eager_vars])
    assert step.cache_size == 1
    np.testing.assert_allclose(opt.learning_rate.numpy(), 0.3, rtol=1e-7)
    # the new rate really was used: a run at a constant rate ends elsewhere
    const_opt, const_vars = run_hornet(lambda m: m.SGD(learning_rate=0.1, momentum=0.9, weight_decay=0.01))
    assert not np.allclose(const_vars[0].numpy(), variables[0].numpy())


def test_schedule_learning_rate_follows_iterations():
    sched = hopt.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = hopt.SGD(learning_rate=sched)
    variables = hornet_variables()
    opt.build(variables)
    step = hornet.jit(lambda g0, g1: opt.apply([g0, g1], variables))
    for i, grads in enumerate(gradients(3)):
        np.testing.assert_allclose(np.asarray(opt.learning_rate), 0.1 * 0.5 ** i, rtol=1e-6)
        step(*grads)
    assert step.cache_size == 1


@pytest.mark.parametrize("case", ["adam_amsgrad_clipnorm", "rmsprop_centered", "nadam", "sgd_ema_overwrite",
                                  "adam_accumulation", "adam_cosine_warmup"])
def test_numpy_backend_matches_jax(case):
    """One definition for every backend: the numpy reference backend (eager and jitted) gives the same numbers."""
    e_opt, e_vars = run_hornet(CASES[case])
    with using_backend("numpy"):
        n_opt, n_vars = run_hornet(CASES[case])
        j_opt, j_vars, step = run_jitted(CASES[case])
        got = [[v.numpy() for v in vs] for vs in (n_vars, j_vars, n_opt.variables, j_opt.variables)]
    assert_close(got[0], [v.numpy() for v in e_vars])
    assert_close(got[1], [v.numpy() for v in e_vars])
    assert_close(got[2], [v.numpy() for v in e_opt.variables], "optimizer variables")
    assert_close(got[3], [v.numpy() for v in e_opt.variables], "optimizer variables")
