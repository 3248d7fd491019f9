"""CSVLogger (byte-identical to Keras 3's file), TerminateOnNaN and LambdaCallback."""
import math

import numpy as np
import pytest

from cb_fakes import FakeModel, keras_module, run_fit

import hornet.callbacks as hcb

TRAIN_ONLY = [{"loss": 0.5 / (e + 1), "accuracy": 0.25 * e} for e in range(3)]
WITH_VAL = [{"loss": 0.5 / (e + 1), "val_loss": 0.6 / (e + 1), "accuracy": 0.1 * e, "val_accuracy": 0.2}
            for e in range(3)]
WITH_LIST = [{"loss": 1.0, "per_class": [0.5, 0.25]}, {"loss": 0.5, "per_class": [0.75, 1.0]}]


def _csv(module, path, logs, **kwargs):
    run_fit(module.CallbackList, [module.CSVLogger(str(path), **kwargs)], FakeModel(), logs)
    return path.read_bytes()


@pytest.mark.parametrize("logs", [TRAIN_ONLY, WITH_VAL, WITH_LIST], ids=["train_only", "with_val", "with_list"])
@pytest.mark.parametrize("separator", [",", ";"])
def test_csv_matches_keras(tmp_path, logs, separator):
    keras = keras_module()
    ours = _csv(hcb, tmp_path / "ours.csv", logs, separator=separator)
    theirs = _csv(keras.callbacks, tmp_path / "keras.csv", logs, separator=separator)
    assert ours == theirs


def test_csv_content_and_append(tmp_path):
    path = tmp_path / "log.csv"
    _csv(hcb, path, WITH_VAL)
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch,accuracy,loss,val_accuracy,val_loss"
    assert lines[1] == "0,0.0,0.5,0.2,0.6"
    assert len(lines) == 4
    _csv(hcb, path, WITH_VAL[:2], append=True)
    lines = path.read_text().splitlines()
    assert len(lines) == 6 and lines[4] == "0,0.0,0.5,0.2,0.6"  # no second header
    _csv(hcb, path, WITH_VAL[:1])  # append=False overwrites
    assert len(path.read_text().splitlines()) == 2


def test_csv_missing_val_columns_are_na(tmp_path):
    path = tmp_path / "log.csv"
    _csv(hcb, path, TRAIN_ONLY[:1])
    assert path.read_text().splitlines() == ["epoch,accuracy,loss,val_accuracy,val_loss", "0,0.0,0.5,NA,NA"]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_terminate_on_nan(bad, capsys):
    model = FakeModel()
    out = run_fit(hcb.CallbackList, [hcb.TerminateOnNaN()], model, [{"loss": 1.0}] * 5, steps=3,
                  batch_logs=lambda e, s: {"loss": bad if (e, s) == (1, 2) else 1.0})
    assert out["epochs"] == 2 and model.stop_training
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out


def test_terminate_on_nan_with_jax_scalar_and_raise():
    import jax.numpy as jnp

    model = FakeModel()
    out = run_fit(hcb.CallbackList, [hcb.TerminateOnNaN()], model, [{"loss": 1.0}] * 3,
                  batch_logs=lambda e, s: {"loss": jnp.float32(math.nan) if e == 0 else jnp.float32(1.0)})
    assert out["epochs"] == 1
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 0"):
        run_fit(hcb.CallbackList, [hcb.TerminateOnNaN(raise_error=True)], FakeModel(), [{"loss": 1.0}],
                batch_logs=lambda e, s: {"loss": np.float32(math.nan)})


def test_terminate_on_nan_keeps_going_on_finite():
    out = run_fit(hcb.CallbackList, [hcb.TerminateOnNaN()], FakeModel(), [{"loss": 1.0}] * 3)
    assert out["epochs"] == 3


def test_lambda_callback_hooks():
    calls = []
    cb = hcb.LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(("epoch_begin", epoch)),
        on_train_batch_end=lambda batch, logs: calls.append(("batch_end", batch, logs["loss"])),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs["loss"])),
        on_train_end=lambda logs: calls.append("train_end"),
        on_test_begin=lambda logs: calls.append("test_begin"),
        note="extra attribute")
    run_fit(hcb.CallbackList, [cb], FakeModel(), [{"loss": 0.5}], steps=2)
    assert calls == ["train_begin", ("epoch_begin", 0), ("batch_end", 0, 0.5), ("batch_end", 1, 0.5),
                     ("epoch_end", 0, 0.5), "train_end"]
    assert cb.note == "extra attribute" and callable(cb.on_test_begin)
    with pytest.raises(TypeError, match="on_epoch_end must be callable"):
        hcb.LambdaCallback(on_epoch_end=3)
