"""Learning-rate schedules against ``keras.optimizers.schedules`` (JAX backend) at many steps, on concrete and
symbolic steps, and their config round trips."""
from __future__ import annotations

import json

import numpy as np
import pytest

import hornet
import hornet.optimizers.schedules as hs
from optimizer_oracle import keras

ks = keras.optimizers.schedules
STEPS = [0, 1, 3, 9, 10, 11, 25, 100, 101, 150, 5000]
CASES = {
    "exponential": lambda m: m.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.9),
    "exponential_staircase": lambda m: m.ExponentialDecay(0.5, decay_steps=7, decay_rate=0.5, staircase=True),
    "piecewise": lambda m: m.PiecewiseConstantDecay([10, 100, 1000], [1.0, 0.5, 0.1, 0.01]),
    "piecewise_one": lambda m: m.PiecewiseConstantDecay([5], [0.3, 0.2]),
    "polynomial": lambda m: m.PolynomialDecay(0.1, decay_steps=100),
    "polynomial_power_end": lambda m: m.PolynomialDecay(0.1, 100, end_learning_rate=0.01, power=0.5),
    "polynomial_cycle": lambda m: m.PolynomialDecay(0.1, 10, end_learning_rate=0.001, power=2.0, cycle=True),
    "inverse_time": lambda m: m.InverseTimeDecay(0.1, decay_steps=5.0, decay_rate=0.5),
    "inverse_time_staircase": lambda m: m.InverseTimeDecay(0.1, 5, 0.5, staircase=True),
    "cosine": lambda m: m.CosineDecay(0.1, decay_steps=100),
    "cosine_alpha": lambda m: m.CosineDecay(0.1, decay_steps=100, alpha=0.1),
    "cosine_warmup": lambda m: m.CosineDecay(0.0, 100, warmup_target=0.2, warmup_steps=10),
    "cosine_warmup_from_nonzero": lambda m: m.CosineDecay(0.01, 50, alpha=0.05, warmup_target=0.1, warmup_steps=25),
    "cosine_restarts": lambda m: m.CosineDecayRestarts(0.1, first_decay_steps=10),
    "cosine_restarts_mul": lambda m: m.CosineDecayRestarts(0.1, 10, t_mul=1.5, m_mul=0.7, alpha=0.05),
    "cosine_restarts_equal": lambda m: m.CosineDecayRestarts(0.1, 20, t_mul=1.0, m_mul=0.5),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_keras(case):
    ours, theirs = CASES[case](hs), CASES[case](ks)
    got = np.array([np.asarray(ours(step)) for step in STEPS])
    want = np.array([np.asarray(theirs(step)) for step in STEPS])
    assert got.dtype == np.float32  # (Keras returns float64 for CosineDecayRestarts on JAX)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("case", ["exponential_staircase", "piecewise", "polynomial_cycle", "cosine_warmup",
                                  "cosine_restarts_mul"])
def test_symbolic_step_matches_eager(case):
    sched = CASES[case](hs)
    fn = hornet.jit(sched.__call__)
    for step in STEPS:
        np.testing.assert_allclose(np.asarray(fn(np.int64(step))), np.asarray(sched(np.int64(step))), rtol=1e-6,
                                   atol=1e-8)
    assert fn.cache_size == 1


def test_step_from_a_variable():
    sched = CASES["cosine"](hs)
    step = hornet.Variable(np.array(30, np.int64), trainable=False)
    np.testing.assert_allclose(np.asarray(sched(step)), np.asarray(sched(30)), rtol=1e-7)


@pytest.mark.parametrize("case", sorted(CASES))
def test_config_round_trip(case):
    sched = CASES[case](hs)
    config = json.loads(json.dumps(hs.serialize(sched)))
    assert config["class_name"] == type(sched).__name__
    again = hs.deserialize(config)
    assert type(again) is type(sched) and again.get_config() == sched.get_config()
    assert type(sched).from_config(sched.get_config()).get_config() == sched.get_config()
    # the same config Keras writes for the same schedule
    assert sched.get_config() == CASES[case](ks).get_config()


def test_deserialize_keras_written_config():
    config = ks.serialize(ks.PolynomialDecay(0.1, 10, power=0.5))
    sched = hs.deserialize(config)
    assert isinstance(sched, hs.PolynomialDecay)
    np.testing.assert_allclose(np.asarray(sched(4)), np.asarray(ks.deserialize(config)(4)), rtol=1e-6)


def test_custom_schedule_subclass():
    class Halving(hs.LearningRateSchedule):
        def __init__(self, start):
            self.start = start

        def __call__(self, step):
            return hornet.ops.multiply(self.start, hornet.ops.power(0.5, hornet.ops.cast(step, "float32")))

        def get_config(self):
            return {"start": self.start}

    sched = hs.deserialize(hs.serialize(Halving(0.8)), custom_objects={"Halving": Halving})
    np.testing.assert_allclose(np.asarray(sched(3)), 0.1, rtol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match="decay_steps"):
        hs.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5)
    with pytest.raises(ValueError, match="first_decay_steps"):
        hs.CosineDecayRestarts(0.1, first_decay_steps=-1)
    with pytest.raises(ValueError, match="boundaries should be 1 less"):
        hs.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="Unknown learning rate schedule: 'Nope'"):
        hs.deserialize({"class_name": "Nope", "config": {}})
    with pytest.raises(NotImplementedError, match="__call__"):
        hs.LearningRateSchedule()(1)
