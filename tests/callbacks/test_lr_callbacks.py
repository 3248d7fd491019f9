"""ReduceLROnPlateau and LearningRateScheduler: learning-rate trajectories compared with Keras 3."""
import numpy as np
import pytest

from cb_fakes import FakeModel, keras_module, run_fit

import hornet.callbacks as hcb

VAL = [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.89, 0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97]
ACC = [0.1, 0.2, 0.2, 0.19, 0.3, 0.3, 0.3, 0.3, 0.31, 0.3, 0.3, 0.3, 0.3, 0.29, 0.28]
LOGS = [{"loss": 1.0, "val_loss": v, "val_acc": a} for v, a in zip(VAL, ACC)]

PLATEAU_CASES = [
    dict(patience=1),
    dict(patience=2, factor=0.5),
    dict(patience=1, cooldown=2, factor=0.5),
    dict(patience=1, min_lr=0.004, factor=0.5),
    dict(patience=2, min_delta=0.02, factor=0.2),
    dict(patience=1, monitor="val_acc", mode="max", factor=0.5),
    dict(patience=1, monitor="val_acc", mode="max", min_delta=0.05, cooldown=1),
    dict(patience=0, factor=0.9, min_lr=0.005),
]


def _plateau(module, kwargs):
    model = FakeModel(learning_rate=0.01)
    return run_fit(module.CallbackList, [module.ReduceLROnPlateau(**kwargs)], model, LOGS)


@pytest.mark.parametrize("kwargs", PLATEAU_CASES, ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()))
def test_plateau_matches_keras(kwargs):
    keras = keras_module()
    ours, theirs = _plateau(hcb, kwargs), _plateau(keras.callbacks, kwargs)
    np.testing.assert_allclose(ours["lrs"], theirs["lrs"], rtol=1e-12)
    np.testing.assert_allclose(ours["history"]["learning_rate"], theirs["history"]["learning_rate"], rtol=1e-12)
    assert len(set(ours["lrs"])) > 1  # every case reduces at least once


def test_plateau_patience_cooldown_min_lr():
    cb = hcb.ReduceLROnPlateau(monitor="val_loss", patience=2, cooldown=2, factor=0.5, min_lr=0.003)
    out = run_fit(hcb.CallbackList, [cb], FakeModel(learning_rate=0.01), LOGS)
    # best 0.9 at epoch 1; epochs 2, 3 don't improve -> reduce after epoch 3; cooldown over epochs 4-5
    # (epoch 5 counts again); 0.89 at epoch 6 improves; 7, 8 don't -> 0.0025, clipped at min_lr 0.003.
    expected = [0.01] * 3 + [0.005] * 5 + [0.003] * 7
    np.testing.assert_allclose(out["lrs"], expected, rtol=1e-12)
    # the lr logged at each epoch end is the rate before that epoch's reduction
    np.testing.assert_allclose(out["history"]["learning_rate"], [0.01] + expected[:-1], rtol=1e-12)


def test_plateau_bad_factor_and_missing_monitor():
    with pytest.raises(ValueError, match="factor >= 1.0.*factor=1.5"):
        hcb.ReduceLROnPlateau(factor=1.5)
    with pytest.warns(UserWarning, match="`val_missing`"):
        run_fit(hcb.CallbackList, [hcb.ReduceLROnPlateau(monitor="val_missing", mode="min")], FakeModel(),
                [{"loss": 1.0}])


def test_plateau_schedule_learning_rate_is_a_clear_error():
    model = FakeModel()
    model.optimizer.learning_rate = lambda step: 0.1  # a schedule, not a number
    with pytest.raises(TypeError, match="learning_rate to be a number"):
        run_fit(hcb.CallbackList, [hcb.ReduceLROnPlateau(patience=0)], model, LOGS[:2])


def test_plateau_verbose(capsys):
    run_fit(hcb.CallbackList, [hcb.ReduceLROnPlateau(patience=1, factor=0.5, verbose=1)], FakeModel(), LOGS[:3])
    assert "Epoch 3: ReduceLROnPlateau reducing learning rate to 0.005." in capsys.readouterr().out


SCHEDULES = {
    "two_args": lambda epoch, lr: lr if epoch < 2 else lr * 0.5,
    "one_arg": lambda epoch: 0.1 / (epoch + 1),
    "numpy_float": lambda epoch, lr: np.float32(0.01 * (epoch + 1)),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_scheduler_matches_keras(name):
    keras = keras_module()
    runs = []
    for module in (hcb, keras.callbacks):
        model = FakeModel(learning_rate=0.1)
        seen = []
        out = run_fit(module.CallbackList, [module.LearningRateScheduler(SCHEDULES[name])], model,
                      [{"loss": 1.0}] * 5, on_epoch=lambda e, m=model: seen.append(float(m.optimizer.learning_rate)))
        runs.append((seen, out["history"]["learning_rate"]))
    np.testing.assert_allclose(runs[0][0], runs[1][0], rtol=1e-7)
    np.testing.assert_allclose(runs[0][1], runs[1][1], rtol=1e-7)


def test_scheduler_values_and_errors(capsys):
    model = FakeModel(learning_rate=0.1)
    seen = []
    run_fit(hcb.CallbackList, [hcb.LearningRateScheduler(SCHEDULES["two_args"], verbose=1)], model,
            [{"loss": 1.0}] * 4, on_epoch=lambda e: seen.append(model.optimizer.learning_rate))
    assert seen == [0.1, 0.1, 0.05, 0.025]
    assert "Epoch 3: LearningRateScheduler setting learning rate to 0.05." in capsys.readouterr().out
    with pytest.raises(ValueError, match="should be a float. Got: '0.1'"):
        run_fit(hcb.CallbackList, [hcb.LearningRateScheduler(lambda e, lr: "0.1")], FakeModel(), [{"loss": 1.0}])
    with pytest.raises(TypeError, match="schedule must be callable"):
        hcb.LearningRateScheduler(0.1)


def test_multi_optimizer_logs():
    class Multi:
        def __init__(self):
            self.optimizers = []
            for name, lr in (("a", 0.1), ("b", 0.2)):
                opt = type("Opt", (), {})()
                opt.name, opt.learning_rate = name, lr
                self.optimizers.append(opt)

    model = FakeModel(optimizer=Multi())
    model.optimizer.learning_rate = 0.1  # run_fit records model.optimizer.learning_rate
    out = run_fit(hcb.CallbackList, [hcb.ReduceLROnPlateau(patience=0, factor=0.5)], model,
                  [{"val_loss": 1.0}] * 3)
    assert out["history"]["learning_rate_a"] == [0.1, 0.1, 0.05]  # logged before that epoch's reduction
    assert out["history"]["learning_rate_b"] == [0.2, 0.2, 0.1]
