"""EarlyStopping: the stopping epoch and restored weights, checked against Keras 3 driven by the same logs."""
import math
import warnings

import numpy as np
import pytest

from cb_fakes import FakeModel, keras_module, run_fit

import hornet.callbacks as hcb

LOSSES = [1.0, 0.8, 0.85, 0.9, 0.79, 0.95, 0.96, 0.97, 0.98, 0.99]
ACCS = [0.5, 0.6, 0.55, 0.7, 0.69, 0.68, 0.67, 0.71, 0.6, 0.6]

CASES = [
    dict(monitor="val_loss", patience=0),
    dict(monitor="val_loss", patience=1),
    dict(monitor="val_loss", patience=2),
    dict(monitor="val_loss", patience=2, restore_best_weights=True),
    dict(monitor="val_loss", patience=3, min_delta=0.05, restore_best_weights=True),
    dict(monitor="val_loss", patience=1, baseline=0.5, restore_best_weights=True),
    dict(monitor="val_loss", patience=3, baseline=0.82),
    dict(monitor="val_loss", patience=1, start_from_epoch=4, restore_best_weights=True),
    dict(monitor="val_acc", mode="max", patience=2, restore_best_weights=True),
    dict(monitor="val_acc", mode="max", patience=3, min_delta=0.02),
    dict(monitor="val_acc", mode="min", patience=1),
    dict(monitor="loss", patience=4, restore_best_weights=True),
]


def _logs(n=10):
    return [{"loss": 2.0 - 0.1 * e, "val_loss": LOSSES[e], "val_acc": ACCS[e]} for e in range(n)]


def _run(module, kwargs):
    model = FakeModel()
    cb = module.callbacks.EarlyStopping(**kwargs) if module is not hcb else hcb.EarlyStopping(**kwargs)
    out = run_fit(module.callbacks.CallbackList if module is not hcb else hcb.CallbackList, [cb], model, _logs())
    return out, cb


@pytest.mark.parametrize("kwargs", CASES, ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()))
def test_matches_keras(kwargs):
    keras = keras_module()
    ours, cb = _run(hcb, kwargs)
    theirs, kcb = _run(keras, kwargs)
    assert ours["epochs"] == theirs["epochs"]
    assert ours["weights"] == theirs["weights"]
    assert cb.stopped_epoch == kcb.stopped_epoch
    assert cb.best_epoch == kcb.best_epoch
    assert cb.wait == kcb.wait
    assert (cb.best is None) == (kcb.best is None)
    if cb.best is not None:
        assert math.isclose(float(cb.best), float(kcb.best), rel_tol=1e-7)


def test_stops_at_right_epoch_and_restores_best():
    model = FakeModel()
    cb = hcb.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    out = run_fit(hcb.CallbackList, [cb], model, _logs())
    # best at epoch 1 (0.8); epochs 2 and 3 don't improve -> stop after epoch 3
    assert out["epochs"] == 4 and cb.stopped_epoch == 3
    assert out["weights"] == 1.0  # the weights of epoch index 1
    assert out["history"]["val_loss"] == LOSSES[:4]


def test_restore_even_without_stopping():
    model = FakeModel()
    cb = hcb.EarlyStopping(monitor="val_loss", patience=100, restore_best_weights=True)
    out = run_fit(hcb.CallbackList, [cb], model, _logs())
    assert out["epochs"] == 10 and out["weights"] == 4.0


def test_missing_monitor_warns_and_continues():
    cb = hcb.EarlyStopping(monitor="val_missing", mode="min")
    with pytest.warns(UserWarning, match="val_missing.*Available metrics are: loss"):
        out = run_fit(hcb.CallbackList, [cb], FakeModel(), [{"loss": 1.0}] * 3)
    assert out["epochs"] == 3


def test_auto_mode_directions():
    assert hcb.EarlyStopping(monitor="val_loss").resolve_mode() == "min"
    assert hcb.EarlyStopping(monitor="val_accuracy").resolve_mode() == "max"
    assert hcb.EarlyStopping(monitor="mean_absolute_error").resolve_mode() == "min"

    class Metric:
        name, _direction = "custom", "up"

    cb = hcb.EarlyStopping(monitor="val_custom")
    model = FakeModel()
    model.metrics = [Metric()]
    cb.set_model(model)
    assert cb.resolve_mode() == "max"
    with pytest.raises(ValueError, match="monitor='val_thing'.*mode='max'"):
        hcb.EarlyStopping(monitor="val_thing").resolve_mode()


def test_unknown_mode_warns():
    with pytest.warns(UserWarning, match="mode='bogus' is unknown"):
        cb = hcb.EarlyStopping(mode="bogus")
    assert cb.mode == "auto"


def test_verbose_messages(capsys):
    cb = hcb.EarlyStopping(monitor="val_loss", patience=1, verbose=1, restore_best_weights=True)
    run_fit(hcb.CallbackList, [cb], FakeModel(), _logs())
    out = capsys.readouterr().out
    assert "Epoch 3: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 2." in out


def test_with_jax_scalars_in_logs():
    import jax.numpy as jnp

    logs = [{"val_loss": jnp.float32(v)} for v in LOSSES]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = run_fit(hcb.CallbackList, [hcb.EarlyStopping(patience=1)], FakeModel(), logs)
    assert out["epochs"] == 3  # best 0.8 at epoch 1, no improvement at epoch 2 -> stop
    assert all(isinstance(v, float) for v in out["history"]["val_loss"])
    np.testing.assert_allclose(out["history"]["val_loss"], LOSSES[:3], rtol=1e-6)
