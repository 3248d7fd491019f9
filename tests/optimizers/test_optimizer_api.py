"""The optimizer API around the update rules: ``get``/``serialize``/``deserialize``, configs, state Variables,
learning-rate handling, custom subclasses and the errors on bad input."""
from __future__ import annotations

import json

import numpy as np
import pytest

import hornet
import hornet.optimizers as hopt
from hornet import ops
from optimizer_oracle import assert_close, gradients, hornet_variables, keras, run_hornet

NAMES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion"]


@pytest.mark.parametrize("name", NAMES)
def test_get_by_keras_string_names(name):
    for identifier in (name, name.lower()):
        opt = hopt.get(identifier)
        assert type(opt) is getattr(hopt, name)
        assert type(opt).__name__ == type(keras.optimizers.get(identifier)).__name__


@pytest.mark.parametrize("name", NAMES)
def test_serialize_round_trip(name):
    opt = getattr(hopt, name)(learning_rate=0.25, clipnorm=2.0, name=f"my_{name}")
    config = json.loads(json.dumps(hopt.serialize(opt)))
    assert config["class_name"] == name and config["module"] == "hornet.optimizers"
    again = hopt.get(config)
    assert type(again) is type(opt) and again.get_config() == opt.get_config()
    assert again.name == f"my_{name}" and again.clipnorm == 2.0
    np.testing.assert_allclose(again.learning_rate.numpy(), 0.25)
    assert type(opt).from_config(opt.get_config()).get_config() == opt.get_config()


def test_get_passes_instances_and_none_through():
    opt = hopt.SGD()
    assert hopt.get(opt) is opt
    assert hopt.get(None) is None


def test_serialize_with_schedule_round_trip():
    sched = hopt.schedules.CosineDecay(0.0, 100, warmup_target=0.1, warmup_steps=10)
    opt = hopt.Adam(learning_rate=sched, amsgrad=True)
    config = json.loads(json.dumps(hopt.serialize(opt)))
    assert config["config"]["learning_rate"]["class_name"] == "CosineDecay"
    again = hopt.deserialize(config)
    assert isinstance(again._learning_rate, hopt.schedules.CosineDecay)
    assert again.get_config() == opt.get_config() and again.amsgrad


@pytest.mark.parametrize("name", ["Adam", "SGD", "RMSprop"])
def test_deserialize_keras_written_config(name):
    k_opt = getattr(keras.optimizers, name)(learning_rate=0.125, clipvalue=1.5)
    opt = hopt.deserialize(keras.optimizers.serialize(k_opt))
    assert type(opt) is getattr(hopt, name)
    assert opt.get_config() == k_opt.get_config()


def test_deserialize_keras_config_with_schedule():
    k_opt = keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5))
    opt = hopt.deserialize(keras.optimizers.serialize(k_opt))
    assert isinstance(opt._learning_rate, hopt.schedules.ExponentialDecay)
    assert opt.get_config()["learning_rate"]["config"] == k_opt.get_config()["learning_rate"]["config"]


def test_bad_identifiers():
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 'adamz'"):
        hopt.get("adamz")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        hopt.get(42)
    with pytest.raises(ValueError, match="Unknown optimizer: 'Foo'"):
        hopt.deserialize({"class_name": "Foo", "config": {}})
    with pytest.raises(ValueError, match="'class_name'"):
        hopt.deserialize({"config": {}})


def test_state_variables():
    variables = hornet_variables()
    opt = hopt.Adam(learning_rate=0.01, amsgrad=True)
    assert [v.name for v in opt.variables] == ["iteration", "learning_rate"]
    opt.build(variables)
    names = [v.name for v in opt.variables]
    assert names == ["iteration", "learning_rate", "kernel_momentum", "kernel_velocity", "bias_momentum",
                     "bias_velocity", "kernel_velocity_hat", "bias_velocity_hat"]
    assert opt.iterations.dtype.name == "int64" and opt.iterations.shape == ()
    assert opt.learning_rate.dtype.name == "float32" and not opt.learning_rate.trainable
    assert all(not v.trainable for v in opt.variables)
    opt.build(variables)  # a second build is a no-op
    assert [v.name for v in opt.variables] == names


def test_apply_without_build_builds_and_counts():
    opt, variables = run_hornet(lambda m: m.RMSprop(momentum=0.5))
    assert opt.built and int(opt.iterations.numpy()) == 5
    assert len(opt.variables) == 2 + 2 * len(variables)


def test_learning_rate_setter_and_schedule():
    opt = hopt.SGD(learning_rate=0.1)
    opt.learning_rate = 0.5
    np.testing.assert_allclose(opt.learning_rate.numpy(), 0.5)
    sched = hopt.schedules.ExponentialDecay(0.1, 1, 0.5)
    opt.learning_rate = sched  # replaces the Variable, which leaves the state
    assert [v.name for v in opt.variables] == ["iteration"]
    opt.iterations.assign(np.int64(2))
    np.testing.assert_allclose(np.asarray(opt.learning_rate), 0.025, rtol=1e-6)
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1


def test_callable_learning_rate():
    opt, variables = run_hornet(lambda m: m.SGD(learning_rate=lambda: 0.05))
    ref, ref_vars = run_hornet(lambda m: m.SGD(learning_rate=0.05))
    assert_close([v.numpy() for v in variables], [v.numpy() for v in ref_vars])


def test_mismatched_lengths_and_unknown_variables():
    variables = hornet_variables()
    grads = gradients(1)[0]
    opt = hopt.Adam()
    with pytest.raises(ValueError, match="Received 1 gradients for 2 variables"):
        opt.apply(grads[:1], variables)
    with pytest.raises(ValueError, match="must already be built"):
        opt.apply(grads)
    opt.apply(grads, variables)
    with pytest.raises(ValueError, match="Received 3 gradients for 2 variables"):
        opt.apply(grads + grads[:1])
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply(grads[:1], [hornet.Variable(np.zeros((3, 4), "float32"))])
    with pytest.raises(ValueError, match="Gradient for variable 'kernel' has shape \\(4,\\)"):
        opt.apply([grads[1], grads[1]], variables)
    with pytest.raises(ValueError, match="No gradients provided"):
        opt.apply([None, None], variables)
    opt.apply([], variables)  # nothing to do
    assert int(opt.iterations.numpy()) == 1


def test_bad_arguments():
    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue` and `global_clipnorm`"):
        hopt.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        hopt.SGD(learning_rate="fast")
    with pytest.raises(ValueError, match="momentum"):
        hopt.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="weight_decay"):
        hopt.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="beta_1"):
        hopt.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        hopt.Adam(gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match="ema_momentum"):
        hopt.Adam(use_ema=True, ema_momentum=2.0)
    with pytest.raises(ValueError, match="not recognized"):
        hopt.Adam(betas=(0.9, 0.99))


def test_save_and_load_own_variables():
    opt, variables = run_hornet(lambda m: m.Adam(learning_rate=0.05))
    store: dict = {}
    opt.save_own_variables(store)
    fresh = hopt.Adam(learning_rate=0.05)
    fresh.build(hornet_variables())
    fresh.load_own_variables(store)
    assert_close([v.numpy() for v in fresh.variables], [v.numpy() for v in opt.variables], "optimizer variables")
    fresh.set_weights([np.zeros(v.shape, v.dtype.np) for v in fresh.variables])
    assert int(fresh.iterations.numpy()) == 0
    with pytest.raises(ValueError, match="not compatible"):
        fresh.set_weights([np.zeros((7,))])


def test_keras_style_custom_optimizer():
    class MomentumSGD(hopt.Optimizer):
        def __init__(self, learning_rate=0.01, momentum=0.9, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)
            self.momentum = momentum

        def build(self, variables):
            if self.built:
                return
            super().build(variables)
            self.velocities = [self.add_variable_from_reference(v, "velocity") for v in variables]

        def update_step(self, gradient, variable, learning_rate):
            v = self.velocities[self._get_variable_index(variable)]
            self.assign(v, ops.subtract(ops.multiply(v.value, self.momentum),
                                        ops.multiply(gradient, ops.cast(learning_rate, variable.dtype))))
            self.assign_add(variable, v.value)

    custom, c_vars = run_hornet(lambda m: MomentumSGD(learning_rate=0.05))
    ref, r_vars = run_hornet(lambda m: m.SGD(learning_rate=0.05, momentum=0.9))
    assert_close([v.numpy() for v in c_vars], [v.numpy() for v in r_vars])
    assert [v.name for v in custom.variables] == ["iteration", "learning_rate", "kernel_velocity", "bias_velocity"]
    again = hopt.deserialize(hopt.serialize(custom), custom_objects={"MomentumSGD": MomentumSGD})
    assert isinstance(again, MomentumSGD)


def test_base_optimizer_requires_update_step():
    with pytest.raises(NotImplementedError, match="update_step"):
        hopt.Optimizer(learning_rate=0.1).apply(gradients(1)[0], hornet_variables())


def test_scale_loss():
    assert hopt.Adam().scale_loss(3.0) == 3.0
    np.testing.assert_allclose(np.asarray(hopt.Adam(loss_scale_factor=4.0).scale_loss(np.float32(3.0))), 12.0)


def test_auto_names_are_unique():
    a, b = hopt.RMSprop(), hopt.RMSprop()
    assert a.name != b.name and a.name.startswith("rm_sprop") and b.name.startswith("rm_sprop_")


def test_add_variable_initializers():
    opt = hopt.SGD()
    assert (opt.add_variable((2,), "ones", name="a").numpy() == 1).all()
    assert (opt.add_variable((2,), 0.5, name="b").numpy() == 0.5).all()
    assert opt.add_variable((2, 3), lambda shape, dtype: np.full(shape, 2, dtype.np), name="c").shape == (2, 3)
    assert opt.add_variable((), dtype="int32", name="d").dtype.name == "int32"
    assert [v.name for v in opt.variables][-4:] == ["a", "b", "c", "d"]
