"""SwapEMAWeights on real fits of a linear model: evaluation and prediction see the optimizer's moving averages,
the trained weights come back afterwards, training itself is unchanged, and ``swap_on_epoch`` leaves the
averages in the model for later callbacks and at the end of ``fit``."""
import numpy as np
import pytest

import hornet
import hornet.callbacks as hcb
from hornet import layers

RNG = np.random.default_rng(3)
X = RNG.normal(size=(32, 3)).astype("float32")
Y = (X @ RNG.normal(size=(3, 1))).astype("float32")
VX, VY = X[:8] + 0.5, Y[:8]


def _model(use_ema=True, weights=None):
    model = hornet.Sequential([hornet.Input((3,)), layers.Dense(1, name="d")])
    if weights is not None:
        model.set_weights(weights)
    model.compile(optimizer=hornet.optimizers.SGD(learning_rate=0.1, use_ema=use_ema, ema_momentum=0.5),
                  loss="mse")
    return model


def _state(model):
    opt = model.optimizer
    return ([v.numpy() for v in model.trainable_variables],
            [a.numpy() for a in getattr(opt, "_model_variables_moving_average", [])])


class Record(hornet.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = {}

    def _keep(self, hook):
        self.seen.setdefault(hook, []).append(_state(self.model))

    def on_test_begin(self, logs=None):
        self._keep("test_begin")

    def on_epoch_end(self, epoch, logs=None):
        self._keep("epoch_end")

    def on_predict_begin(self, logs=None):
        self._keep("predict_begin")


def _fit(callbacks, weights, epochs=2):
    model = _model(weights=weights)
    history = model.fit(X, Y, batch_size=8, epochs=epochs, shuffle=False, verbose=0, validation_data=(VX, VY),
                        callbacks=callbacks)
    return model, history.history


def _mse(weights, x, y):
    kernel, bias = weights
    return float(np.mean((x @ kernel + bias - y) ** 2))


def test_validation_uses_the_averages_and_training_is_unchanged():
    weights = _model().get_weights()
    before, after = Record(), Record()
    model, logs = _fit([before, hcb.SwapEMAWeights(), after], weights)
    plain, plain_logs = _fit([], weights)
    for (w, avg), (w_in, avg_in) in zip(before.seen["test_begin"], after.seen["test_begin"]):
        assert not np.allclose(w[0], avg[0])  # something to swap
        for a, b in zip(w_in + avg_in, avg + w):
            np.testing.assert_array_equal(a, b)
    for (w, _), (w_end, _) in zip(before.seen["test_begin"], after.seen["epoch_end"]):
        for a, b in zip(w, w_end):  # swapped back before the epoch ends
            np.testing.assert_array_equal(a, b)
    ema_weights = [w_in for w_in, _ in after.seen["test_begin"]]
    np.testing.assert_allclose(logs["val_loss"], [_mse(w, VX, VY) for w in ema_weights], rtol=1e-5)
    assert logs["loss"] == pytest.approx(plain_logs["loss"], rel=1e-6)
    assert logs["val_loss"] != pytest.approx(plain_logs["val_loss"], rel=1e-3)  # plain validates the raw weights
    for a, b in zip(model.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_swap_on_epoch_shows_later_callbacks_the_averages():
    weights = _model().get_weights()
    before, after = Record(), Record()
    model, logs = _fit([before, hcb.SwapEMAWeights(swap_on_epoch=True), after], weights, epochs=3)
    plain, plain_logs = _fit([], weights, epochs=3)
    assert logs["loss"] == pytest.approx(plain_logs["loss"], rel=1e-6)  # swapped back before each epoch trains
    for (w, avg), (w_end, avg_end) in zip(before.seen["epoch_end"][:-1], after.seen["epoch_end"][:-1]):
        for a, b in zip(w_end + avg_end, avg + w):
            np.testing.assert_array_equal(a, b)
    w_last, avg_last = after.seen["epoch_end"][-1]
    for a, b in zip(w_last, avg_last):  # last epoch: the averages are kept on both sides
        np.testing.assert_array_equal(a, b)
    for a, b, c in zip(model.get_weights(), w_last, plain.get_weights()):  # fit's use_ema overwrite agrees
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, c, rtol=1e-6)


def test_predict_and_evaluate_swap_and_restore():
    model, _ = _fit([], None, epochs=1)
    weights, averages = _state(model)
    # after fit, use_ema wrote the averages into the weights: give the model other weights to tell them apart
    model.set_weights([w + 1.0 for w in weights])
    raw = model.get_weights()
    seen = Record()
    out = model.predict(VX, verbose=0, callbacks=[hcb.SwapEMAWeights(), seen])
    np.testing.assert_allclose(out, VX @ averages[0] + averages[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(seen.seen["predict_begin"][0][0][0], averages[0])
    loss = model.evaluate(VX, VY, verbose=0, callbacks=[hcb.SwapEMAWeights()], return_dict=True)["loss"]
    assert loss == pytest.approx(_mse(averages, VX, VY), rel=1e-5)
    for a, b in zip(model.get_weights(), raw):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(_state(model)[1], averages):
        np.testing.assert_array_equal(a, b)


def test_needs_an_ema_optimizer():
    model = _model(use_ema=False)
    model.fit(X, Y, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="SwapEMAWeights must be used when `use_ema=True`.*use_ema=False"):
        model.evaluate(VX, VY, verbose=0, callbacks=[hcb.SwapEMAWeights()])
