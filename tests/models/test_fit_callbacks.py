"""Callbacks inside a real fit: EarlyStopping(restore_best_weights), ModelCheckpoint(save_best_only) writing .hornet
files, ReduceLROnPlateau without a retrace, History, TerminateOnNaN, a custom Callback, and the progress bar."""
from __future__ import annotations

import math
import os

import numpy as np
import pytest

from keras_oracle import HORNET, KERAS, Kit, assert_history_close, assert_weights_close, regression_data, twins

import hornet

X, Y = regression_data(64, outputs=1)
XV, YV = X[:32], -Y[:32]  # fitting Y makes the loss on -Y grow: val_loss gets worse after the first epochs
XT, YT = regression_data(50, outputs=1, seed=5)  # an improving validation set


def _regressor(kit: Kit, lr: float = 0.1):
    L = kit.layers
    model = kit.Sequential([kit.Input((6,)), L.Dense(16, activation="tanh"), L.Dense(1)])
    model.compile(optimizer=kit.optimizers.SGD(lr), loss="mse")
    return model


def test_early_stopping_restores_the_best_weights_like_keras():
    h, k = twins(_regressor)
    hh = h.fit(X, Y, batch_size=16, epochs=20, shuffle=False, verbose=0, validation_data=(XV, YV),
               callbacks=[HORNET.callbacks.EarlyStopping(patience=2, restore_best_weights=True)])
    kh = k.fit(X, Y, batch_size=16, epochs=20, shuffle=False, verbose=0, validation_data=(XV, YV),
               callbacks=[KERAS.callbacks.EarlyStopping(patience=2, restore_best_weights=True)])
    assert hh.epoch == kh.epoch and len(hh.epoch) < 20
    assert_history_close(hh.history, kh.history)
    assert_weights_close(h, k)
    best = min(hh.history["val_loss"])
    assert h.evaluate(XV, YV, verbose=0) == pytest.approx(best, rel=1e-6)
    assert h.evaluate(XV, YV, verbose=0) < hh.history["val_loss"][-1]


def test_model_checkpoint_save_best_only_writes_hornet_files(tmp_path):
    model = _regressor(HORNET, lr=0.6)
    pattern = str(tmp_path / "ckpt-{epoch:02d}.hornet")
    best_path = str(tmp_path / "best.hornet")
    history = model.fit(X, Y, batch_size=16, epochs=6, shuffle=False, verbose=0, validation_data=(XV, YV),
                        callbacks=[hornet.callbacks.ModelCheckpoint(pattern, save_best_only=True),
                                   hornet.callbacks.ModelCheckpoint(best_path, save_best_only=True)])
    val = history.history["val_loss"]
    improved = [e + 1 for e, v in enumerate(val) if v < min(val[:e], default=math.inf)]
    assert sorted(os.listdir(tmp_path)) == sorted([f"ckpt-{e:02d}.hornet" for e in improved] + ["best.hornet"])
    assert len(improved) < len(val)  # val_loss got worse at some point, so some epochs were not saved
    restored = hornet.models.load_model(best_path)
    assert type(restored) is type(model)
    assert restored.evaluate(XV, YV, verbose=0) == pytest.approx(min(val), rel=1e-6)
    last_saved = hornet.models.load_model(str(tmp_path / f"ckpt-{improved[-1]:02d}.hornet"))
    np.testing.assert_array_equal(last_saved.predict(XV, verbose=0), restored.predict(XV, verbose=0))


def test_reduce_lr_on_plateau_changes_the_rate_without_a_retrace():
    import keras  # (the oracle module has set KERAS_BACKEND)

    keras.utils.set_random_seed(0)  # the initial weights (and so when val_loss plateaus) don't depend on test order
    h, k = twins(_regressor)
    hh = h.fit(X, Y, batch_size=16, epochs=6, shuffle=False, verbose=0, validation_data=(XV, YV),
               callbacks=[HORNET.callbacks.ReduceLROnPlateau(factor=0.5, patience=1)])
    kh = k.fit(X, Y, batch_size=16, epochs=6, shuffle=False, verbose=0, validation_data=(XV, YV),
               callbacks=[KERAS.callbacks.ReduceLROnPlateau(factor=0.5, patience=1)])
    assert_history_close(hh.history, kh.history)
    rates = hh.history["learning_rate"]
    assert rates[0] == pytest.approx(0.1) and rates[-1] < 0.1  # reduced at least once, exactly as Keras (above)
    assert float(np.asarray(h.optimizer.learning_rate)) == pytest.approx(
        float(np.asarray(k.optimizer.learning_rate)), rel=1e-6)
    assert_weights_close(h, k)
    assert h.compile_stats["train"] == 1 and h.compile_stats["test"] == 1


def test_learning_rate_scheduler_applies_each_epochs_rate():
    h, k = twins(_regressor)
    schedule = lambda epoch, lr: 0.1 / (1 + epoch)  # noqa: E731
    hh = h.fit(X, Y, batch_size=16, epochs=3, shuffle=False, verbose=0,
               callbacks=[HORNET.callbacks.LearningRateScheduler(schedule)])
    kh = k.fit(X, Y, batch_size=16, epochs=3, shuffle=False, verbose=0,
               callbacks=[KERAS.callbacks.LearningRateScheduler(schedule)])
    assert_history_close(hh.history, kh.history)
    assert_weights_close(h, k)
    assert h.compile_stats["train"] == 1


def test_history_object_and_custom_callback_hooks():
    seen = {"batches": [], "epochs": [], "begin": 0, "end": 0}

    class Recorder(hornet.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen["begin"] += 1

        def on_train_batch_end(self, batch, logs=None):
            seen["batches"].append(batch)

        def on_epoch_end(self, epoch, logs=None):
            seen["epochs"].append((epoch, sorted(logs), float(logs["loss"])))

        def on_train_end(self, logs=None):
            seen["end"] += 1

    model = _regressor(HORNET)
    history = model.fit(X[:50], Y[:50], batch_size=16, epochs=2, shuffle=False, verbose=0,
                        validation_data=(XT, YT), callbacks=[Recorder()])
    assert isinstance(history, hornet.callbacks.History)
    assert model.history is history
    assert history.epoch == [0, 1]
    assert seen["begin"] == seen["end"] == 1
    assert seen["batches"] == [0, 1, 2, 3] * 2  # 50 = 3 * 16 + 2
    assert [e for e, _, _ in seen["epochs"]] == [0, 1]
    assert all(keys == ["loss", "val_loss"] for _, keys, _ in seen["epochs"])
    assert [loss for _, _, loss in seen["epochs"]] == pytest.approx(history.history["loss"], rel=1e-7)
    assert history.params["epochs"] == 2 and history.params["steps"] == 4


def test_terminate_on_nan_with_nan_labels_stops_like_keras(capsys):
    h, k = twins(_regressor)
    y_nan = Y.copy()
    y_nan[20] = np.nan  # in the second batch
    hh = h.fit(X, y_nan, batch_size=16, epochs=5, shuffle=False, verbose=0,
               callbacks=[HORNET.callbacks.TerminateOnNaN()])
    out = capsys.readouterr().out
    kh = k.fit(X, y_nan, batch_size=16, epochs=5, shuffle=False, verbose=0,
               callbacks=[KERAS.callbacks.TerminateOnNaN()])
    assert hh.epoch == kh.epoch == [0]
    assert np.isnan(hh.history["loss"][0])
    assert h.stop_training
    assert "Batch 1: Invalid loss, terminating training" in out


def test_verbose_1_prints_a_progress_bar(capsys):
    model = _regressor(HORNET)
    history = model.fit(X[:50], Y[:50], batch_size=16, epochs=2, shuffle=False, verbose=1, validation_data=(XT, YT))
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "4/4" in out
    last_epoch_text = out[out.index("Epoch 2/2"):]
    assert f"loss: {history.history['loss'][1]:.4f}" in last_epoch_text
    assert f"val_loss: {history.history['val_loss'][1]:.4f}" in last_epoch_text
    model.fit(X[:50], Y[:50], batch_size=16, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""
    model.predict(X[:50], verbose=0)
    model.evaluate(X[:50], Y[:50], verbose=0)
    assert capsys.readouterr().out == ""
