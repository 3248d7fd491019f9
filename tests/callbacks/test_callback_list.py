"""Callback / CallbackList / History: hook dispatch, params, logs conversion, and no device sync when unneeded."""
import numpy as np
import pytest

from cb_fakes import FakeModel, keras_module, run_fit

import hornet.callbacks as hcb
from hornet.api.callbacks.callback import pythonify_logs, to_float


class Recorder(hcb.Callback):
    HOOKS = ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
             "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
             "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end"]

    def __init__(self):
        super().__init__()
        self.calls = []
        for hook in self.HOOKS:
            setattr(self, hook, self._recorder(hook))

    def _recorder(self, hook):
        def record(*args, logs=None):
            if args and isinstance(args[-1], dict):
                args, logs = args[:-1], args[-1]
            self.calls.append((hook, *args, dict(logs or {})))
        return record


class CountingScalar:
    """A 0-d value that counts how often it is converted to a Python float (a device sync for real arrays)."""
    conversions = 0
    ndim = 0

    def __init__(self, value):
        self.value = value

    def __float__(self):
        CountingScalar.conversions += 1
        return float(self.value)

    def __array__(self, dtype=None, copy=None):
        CountingScalar.conversions += 1
        return np.asarray(self.value, dtype=dtype)


def _drive(cbs, epochs=2, steps=3, value=lambda: 0.5):
    cbs.on_train_begin()
    for e in range(epochs):
        cbs.on_epoch_begin(e)
        for b in range(steps):
            cbs.on_train_batch_begin(b)
            cbs.on_train_batch_end(b, {"loss": value()})
        cbs.on_test_begin()
        cbs.on_test_batch_begin(0)
        cbs.on_test_batch_end(0, {"loss": value()})
        cbs.on_test_end({"loss": 0.25})
        cbs.on_epoch_end(e, {"loss": 0.5, "val_loss": 0.25})
    cbs.on_train_end()


def test_hooks_reach_every_callback_in_order():
    a, b = Recorder(), Recorder()
    model = FakeModel()
    cbs = hcb.CallbackList([a, [b]], model=model, epochs=1, steps=1, verbose=0)
    assert a.model is model and b.params == {"epochs": 1, "steps": 1, "verbose": 0}
    _drive(cbs, epochs=1, steps=1)
    cbs.on_predict_begin()
    cbs.on_predict_batch_begin(0)
    cbs.on_predict_batch_end(0, {"outputs": np.zeros(2)})
    cbs.on_predict_end()
    assert a.calls == b.calls
    assert [c[0] for c in a.calls] == [
        "on_train_begin", "on_epoch_begin", "on_train_batch_begin", "on_train_batch_end", "on_test_begin",
        "on_test_batch_begin", "on_test_batch_end", "on_test_end", "on_epoch_end", "on_train_end",
        "on_predict_begin", "on_predict_batch_begin", "on_predict_batch_end", "on_predict_end"]
    assert a.calls[3] == ("on_train_batch_end", 0, {"loss": 0.5})


def test_history_and_default_callbacks():
    history = hcb.History()
    progbar = hcb.ProgbarLogger()
    model = FakeModel()
    cbs = hcb.CallbackList([history, progbar], add_history=True, add_progbar=True, model=model,
                           verbose=0, epochs=2, steps=3)
    assert cbs.callbacks == [history, progbar] and model.history is history
    cbs = hcb.CallbackList(add_history=True, add_progbar=True, model=model, verbose=0, epochs=2, steps=3)
    assert [type(c) for c in cbs.callbacks] == [hcb.History, hcb.ProgbarLogger]
    _drive(cbs)
    assert model.history is cbs.callbacks[0]
    assert model.history.history == {"loss": [0.5, 0.5], "val_loss": [0.25, 0.25]}
    assert model.history.epoch == [0, 1]


def test_history_matches_keras_logs_convention():
    keras = keras_module()
    logs = [{"b": np.float32(1.5), "a": np.int64(2), "nested": {"c": np.array(0.25)}, "vec": np.array([1, 2])}]
    ours = run_fit(hcb.CallbackList, [], FakeModel(), logs)["history"]
    theirs = run_fit(keras.callbacks.CallbackList, [], FakeModel(), logs)["history"]
    assert list(ours) == list(theirs) == ["a", "b", "c", "vec"]
    for key in theirs:
        if key == "vec":
            np.testing.assert_array_equal(ours[key][0], theirs[key][0])
        else:
            assert ours[key] == theirs[key] and type(ours[key][0]) is type(theirs[key][0]) is float


def test_pythonify_and_to_float():
    import jax.numpy as jnp

    logs = pythonify_logs({"z": jnp.float32(0.5), "a": {"b": np.float64(2)}, "s": "text", "v": np.ones(3)})
    assert list(logs) == ["b", "s", "v", "z"]
    assert logs["z"] == 0.5 and type(logs["z"]) is float and logs["s"] == "text"
    assert to_float(jnp.array([3.0])) == 3.0
    with pytest.raises(TypeError, match=r"expected a scalar, received a value of shape \(3,\)"):
        to_float(np.ones(3))


def test_batch_logs_not_converted_when_nobody_needs_floats(tmp_path, capsys):
    CountingScalar.conversions = 0
    model = FakeModel()
    builtins = [hcb.EarlyStopping(monitor="val_loss"), hcb.ReduceLROnPlateau(),
                hcb.ModelCheckpoint(str(tmp_path / "m.keras")), hcb.TensorBoard(str(tmp_path / "tb")),
                hcb.CSVLogger(str(tmp_path / "log.csv"))]
    cbs = hcb.CallbackList(builtins, add_history=True, add_progbar=True, model=model, verbose=2, epochs=2, steps=3)
    assert cbs.listens_to_batches("train")  # ProgbarLogger, ModelCheckpoint and TensorBoard do
    assert not cbs.needs_batch_logs
    _drive(cbs, value=lambda: CountingScalar(0.5))
    assert CountingScalar.conversions == 0


def test_batch_logs_converted_once_for_a_user_callback():
    seen = []

    class UsesBatches(hcb.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(logs["loss"])

    CountingScalar.conversions = 0
    cbs = hcb.CallbackList([UsesBatches(), UsesBatches()], model=FakeModel(), verbose=0, epochs=1, steps=3)
    assert cbs.needs_batch_logs and cbs.listens_to_batches("train") and not cbs.listens_to_batches("test")
    _drive(cbs, epochs=1, steps=3, value=lambda: CountingScalar(0.5))
    assert seen == [0.5] * 6 and all(type(v) is float for v in seen)
    assert CountingScalar.conversions == 3  # once per batch, shared by both callbacks; test batches skipped


def test_on_batch_alias_and_listening():
    calls = []

    class Legacy(hcb.Callback):
        def on_batch_end(self, batch, logs=None):
            calls.append((batch, logs))

    cbs = hcb.CallbackList([Legacy()], model=FakeModel())
    assert cbs.listens_to_batches("train")
    cbs.on_train_batch_end(4, {"loss": np.float32(2.0)})
    assert calls == [(4, {"loss": 2.0})]
    assert not hcb.CallbackList([hcb.History()]).listens_to_batches("train")
    assert hcb.CallbackList([hcb.TerminateOnNaN()]).listens_to_batches("train")
    with pytest.raises(ValueError, match="kind must be one of"):
        cbs.listens_to_batches("eval")


def test_append_and_errors():
    model = FakeModel()
    cbs = hcb.CallbackList(model=model, epochs=3)
    rec = Recorder()
    cbs.append(rec)
    assert rec.model is model and rec.params == {"epochs": 3} and len(cbs) == 1 and list(cbs) == [rec]
    with pytest.raises(TypeError, match="Callback instances, received 'early' of type str"):
        hcb.CallbackList(["early"])


def test_stop_training_from_custom_callback():
    class StopAt(hcb.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if logs["loss"] < 0.3:
                self.model.stop_training = True

    out = run_fit(hcb.CallbackList, [StopAt()], FakeModel(), [{"loss": 1.0 / (e + 1)} for e in range(10)])
    assert out["epochs"] == 4


def test_model_property_is_the_model_set():
    cb = hcb.Callback()
    model = FakeModel()
    cb.set_model(model)
    assert cb.model is model
