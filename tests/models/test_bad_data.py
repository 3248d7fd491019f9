"""Bad data gives errors that name what is wrong: the input, the expected and the received shape or length."""
from __future__ import annotations

import numpy as np
import pytest

import hornet
from hornet import layers
from hornet.ir.errors import ShapeError

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 6)).astype("float32")
Y = RNG.normal(size=(64, 1)).astype("float32")


@pytest.fixture(scope="module")
def seq():
    model = hornet.Sequential([hornet.Input((6,), name="features"), layers.Dense(4), layers.Dense(1)], name="reg")
    model.compile(optimizer="sgd", loss="mse")
    return model


@pytest.fixture(scope="module")
def two_inputs():
    a = hornet.Input((4,), name="alpha")
    b = hornet.Input((3,), name="beta")
    model = hornet.Model([a, b], layers.Dense(1)(layers.Concatenate()([a, b])), name="pair")
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_fit_before_compile():
    model = hornet.Sequential([hornet.Input((6,)), layers.Dense(1)], name="raw")
    with pytest.raises(RuntimeError, match=r"compile\(\).*'raw'|'raw'.*compile\(\)"):
        model.fit(X, Y, verbose=0)
    with pytest.raises(RuntimeError, match="compile"):
        model.evaluate(X, Y, verbose=0)


@pytest.mark.parametrize("kwargs, pattern", [
    ({"y": Y[:50]}, r"x has 64 samples, y has 50 samples"),
    ({"y": Y, "sample_weight": np.ones(10)}, r"sample_weight has 10 samples"),
])
def test_mismatched_lengths(seq, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        seq.fit(X, verbose=0, **kwargs)


@pytest.mark.parametrize("x, got", [
    (X[:, :5], r"\(32, 5\)"),
    (X[:, :, None], r"\(32, 6, 1\)"),
    (X[:, 0], r"\(32,\)"),
], ids=["feature_size", "rank_3", "rank_1"])
@pytest.mark.parametrize("call", ["fit", "evaluate", "predict"])
def test_wrong_input_shape_names_the_input_and_expected_shape(seq, x, got, call):
    run = {"fit": lambda: seq.fit(x, Y, verbose=0), "evaluate": lambda: seq.evaluate(x, Y, verbose=0),
           "predict": lambda: seq.predict(x, verbose=0)}[call]
    with pytest.raises(ShapeError, match=rf"input 'features' expects shape \(None, 6\), got {got}"):
        run()


def test_sequential_shape_error_names_the_users_model(seq):
    with pytest.raises(ShapeError, match=r"model 'reg':"):
        seq.predict(X[:, :5], verbose=0)


def test_wrong_validation_data_shape(seq):
    with pytest.raises(ShapeError, match=r"input 'features' expects shape \(None, 6\), got \(10, 5\)"):
        seq.fit(X, Y, validation_data=(X[:10, :5], Y[:10]), verbose=0)


@pytest.mark.parametrize("x, error, pattern", [
    (lambda: [X[:, :4], X[:, :4]], ShapeError, r"input 'beta' expects shape \(None, 3\), got \(32, 4\)"),
    (lambda: [X[:, :4]], ValueError, r"expects 2 inputs \(alpha, beta\), but it was called on 1"),
    (lambda: {"alpha": X[:, :4]}, ValueError, r"missing \['beta'\]"),
    (lambda: [X[:, :4], X[:50, :3]], ValueError, r"x\[0\] has 64 samples, x\[1\] has 50 samples"),
], ids=["wrong_shape", "too_few", "missing_key", "lengths"])
def test_multi_input_errors_name_the_input(two_inputs, x, error, pattern):
    with pytest.raises(error, match=pattern):
        two_inputs.fit(x(), Y, verbose=0)


def test_subclassed_model_wrong_feature_size_names_the_layer():
    class Net(hornet.Model):
        def __init__(self):
            super().__init__()
            self.proj = layers.Dense(2, name="proj")

        def call(self, x):
            return self.proj(x)

    model = Net()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, np.ones((64, 2), "float32"), verbose=0)
    with pytest.raises(ShapeError, match=r"'proj'.*last dimension 6, got shape \(32, 4\)"):
        model.predict(X[:, :4], verbose=0)


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"validation_split": 1.5}, ValueError, r"validation_split.*1\.5"),
    ({"batch_size": 0}, ValueError, r"batch_size.*0"),
], ids=["validation_split", "batch_size"])
def test_bad_fit_arguments(seq, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        seq.fit(X, Y, verbose=0, **kwargs)


@pytest.mark.parametrize("x, error, pattern", [
    (None, ValueError, r"`x` is None"),
    (X[:0], ValueError, r"0 samples"),
    (np.array([["a"] * 6] * 64), TypeError, r"dtype <U1"),
], ids=["none", "empty", "strings"])
def test_unusable_x(seq, x, error, pattern):
    with pytest.raises(error, match=pattern):
        seq.fit(x, Y if x is None or len(x) else Y[:0], verbose=0)


def test_a_failed_fit_leaves_the_weights_unchanged(seq):
    before = seq.get_weights()
    with pytest.raises(ShapeError):
        seq.fit(X[:, :5], Y, verbose=0)
    for a, b in zip(seq.get_weights(), before):
        np.testing.assert_array_equal(a, b)


# --- values: labels out of range, NaN, errors that name the user's arrays ------------------------------------------

@pytest.fixture(scope="module")
def classifier():
    model = hornet.Sequential([hornet.Input((6,)), layers.Dense(3)], name="clf")
    model.compile(optimizer="sgd", loss=hornet.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


@pytest.mark.parametrize("labels, pattern", [
    (np.r_[np.zeros(40, int), [5], np.zeros(23, int)], r"y has label 5 at row 40"),
    (np.r_[np.zeros(3, int), [-1], np.zeros(60, int)], r"y has label -1 at row 3"),
    (np.r_[np.zeros(63), [1.5]], r"y has label 1.5 at row 63"),
], ids=["too_large", "negative", "not_an_integer"])
@pytest.mark.parametrize("call", ["fit", "evaluate"])
def test_sparse_labels_out_of_range_are_an_error_naming_the_row(classifier, labels, pattern, call):
    from hornet.ir.errors import DataError

    before = classifier.get_weights()
    run = classifier.fit if call == "fit" else classifier.evaluate
    with pytest.raises(DataError, match=rf"{call}: {pattern}.*over 3 classes.*\[0, 3\)"):
        run(X, labels, verbose=0)
    for a, b in zip(classifier.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_sparse_labels_from_a_generator_are_checked_per_batch(classifier):
    from hornet.ir.errors import DataError

    def batches():
        yield X[:32], np.zeros(32, int)
        yield X[32:], np.full(32, 3)

    with pytest.raises(DataError, match=r"y of batch 1 has label 3 at row 0"):
        classifier.fit(batches(), verbose=0)


def test_ignore_class_labels_are_allowed():
    model = hornet.Sequential([hornet.Input((6,)), layers.Dense(3)])
    model.compile(optimizer="sgd", loss=hornet.losses.SparseCategoricalCrossentropy(from_logits=True,
                                                                                    ignore_class=-1))
    history = model.fit(X, np.r_[np.full(10, -1), np.zeros(54, int)], verbose=0).history
    assert np.isfinite(history["loss"][0]) and history["loss"][0] > 0


def test_nan_in_the_data_warns_once_naming_the_array_and_row(seq):
    x = X.copy()
    x[17, 2] = np.nan
    x[30, 0] = np.inf
    with pytest.warns(hornet.config.InputDataWarning, match=r"fit: x holds nan at row 17 \(2 rows"):
        seq.fit(x, Y, epochs=2, verbose=0)
    y = Y.copy()
    y[5] = np.nan
    with pytest.warns(hornet.config.InputDataWarning, match=r"evaluate: y holds nan at row 5"):
        seq.evaluate(X, y, verbose=0)


def test_the_value_checks_can_be_turned_off(seq):
    import warnings

    x = X.copy()
    x[0, 0] = np.nan
    hornet.config.set_input_data_checks(False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", hornet.config.InputDataWarning)
            seq.evaluate(x, Y, verbose=0)
    finally:
        hornet.config.set_input_data_checks(True)
    assert hornet.config.input_data_checks()


def test_fit_shape_errors_name_the_users_arrays_not_the_padded_batch(seq):
    with pytest.raises(ShapeError, match=r"fit: on data x: float32 array of shape \(64, 5\), y: float32 array of "
                                         r"shape \(64, 1\) \(fed in batches of 32 rows\)"):
        seq.fit(X[:, :5], Y, batch_size=32, verbose=0)


@pytest.mark.parametrize("make", [
    lambda: layers.LSTM(4), lambda: layers.GRU(4), lambda: layers.SimpleRNN(4),
    lambda: layers.Bidirectional(layers.LSTM(4)), lambda: layers.Conv2D(2, 3), lambda: layers.Conv1D(2, 3),
    lambda: layers.MaxPooling2D(), lambda: layers.GlobalAveragePooling1D(), lambda: layers.MultiHeadAttention(2, 4),
], ids=["lstm", "gru", "simple_rnn", "bidirectional", "conv2d", "conv1d", "maxpool2d", "gap1d", "mha"])
@pytest.mark.parametrize("mode", ["functional", "eager"])
def test_rank_errors_name_the_layer_and_the_shape(make, mode):
    layer = make()
    with pytest.raises(ShapeError) as info:
        if mode == "functional":
            inputs = hornet.Input((7,))
            layer(inputs) if not isinstance(layer, layers.MultiHeadAttention) else layer(inputs, inputs)
        else:
            x = np.ones((2, 7), "float32")
            layer(x) if not isinstance(layer, layers.MultiHeadAttention) else layer(x, x)
    message = str(info.value)
    assert f"'{layer.name}'" in message
    assert ("(None, 7)" if mode == "functional" else "(2, 7)") in message
