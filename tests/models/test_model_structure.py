"""Building Sequential / functional / subclassed models: shapes, layer and weight order, sharing, nesting,
get_layer and summary, checked against Keras 3 twins built by the same recipe."""
from __future__ import annotations

import re

import numpy as np
import pytest

from keras_oracle import HORNET, KERAS, Kit, mlp, twins

import hornet
from hornet import layers

X8 = np.random.default_rng(3).normal(size=(5, 8)).astype("float32")


def _layer_weight_shapes(model):
    return [(layer.name, [tuple(w.shape) for w in layer.weights]) for layer in model.layers]


# --- Sequential --------------------------------------------------------------------------------------------------


def test_sequential_shapes_weights_and_outputs_match_keras():
    h, k = twins(lambda kit: mlp(kit))
    assert h.input_shape == k.input_shape == (None, 8)
    assert h.output_shape == k.output_shape == (None, 3)
    assert [tuple(w.shape) for w in h.weights] == [tuple(w.shape) for w in k.weights] == [(8, 16), (16,), (16, 3),
                                                                                           (3,)]
    assert [w.path.split("/")[-1] for w in h.weights] == ["kernel", "bias", "kernel", "bias"]
    assert h.count_params() == k.count_params() == 8 * 16 + 16 + 16 * 3 + 3
    np.testing.assert_allclose(h.predict(X8, verbose=0), k.predict(X8, verbose=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(h(X8)), np.asarray(k(X8)), rtol=1e-5, atol=1e-6)


def test_sequential_without_input_builds_on_first_call():
    model = hornet.Sequential([layers.Dense(4), layers.Dense(2)])
    assert not model.built
    assert model.weights == []
    y = model(np.ones((3, 7), "float32"))
    assert tuple(y.shape) == (3, 2)
    assert model.built
    assert [tuple(w.shape) for w in model.weights] == [(7, 4), (4,), (4, 2), (2,)]


def test_sequential_input_shape_argument_on_first_layer():
    model = hornet.Sequential([layers.Dense(4, input_shape=(6,)), layers.Dense(1)])
    assert model.built
    assert model.input_shape == (None, 6)
    assert model.output_shape == (None, 1)
    assert model.count_params() == 6 * 4 + 4 + 4 + 1


def test_sequential_add_and_pop_update_output_shape():
    model = hornet.Sequential([hornet.Input((5,))])
    model.add(layers.Dense(4))
    assert model.output_shape == (None, 4)
    model.add(layers.Dense(2, name="head"))
    assert model.output_shape == (None, 2)
    popped = model.pop()
    assert popped.name == "head"
    assert model.output_shape == (None, 4)
    assert len(model.layers) == 1
    with pytest.raises(ValueError, match="already added"):
        model.add(model.layers[0])


# --- functional -------------------------------------------------------------------------------------------------


def _two_in_two_out(kit: Kit):
    L = kit.layers
    a = kit.Input((4,), name="a")
    b = kit.Input((3,), name="b")
    h = L.Concatenate(name="cat")([L.Dense(6, activation="tanh", name="da")(a),
                                   L.Dense(6, activation="tanh", name="db")(b)])
    return kit.Model([a, b], [L.Dense(2, name="o1")(h), L.Dense(1, name="o2")(h)])


def test_functional_multi_input_multi_output_matches_keras():
    h, k = twins(_two_in_two_out)
    assert [tuple(t.shape) for t in h.inputs] == [tuple(t.shape) for t in k.inputs] == [(None, 4), (None, 3)]
    assert [tuple(t.shape) for t in h.outputs] == [tuple(t.shape) for t in k.outputs] == [(None, 2), (None, 1)]
    assert h.output_names == ["o1", "o2"]
    assert [layer.name for layer in h.layers] == [layer.name for layer in k.layers]
    assert _layer_weight_shapes(h) == _layer_weight_shapes(k)
    rng = np.random.default_rng(0)
    xs = [rng.normal(size=(7, 4)).astype("float32"), rng.normal(size=(7, 3)).astype("float32")]
    hp, kp = h.predict(xs, verbose=0), k.predict(xs, verbose=0)
    assert isinstance(hp, list) and len(hp) == 2
    for a, b in zip(hp, kp):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # a dict keyed by input names is accepted for list-input models
    hd = h.predict({"a": xs[0], "b": xs[1]}, verbose=0)
    np.testing.assert_array_equal(hd[0], hp[0])


def _dict_io(kit: Kit):
    L = kit.layers
    z = kit.Input((4,), name="z")
    b = kit.Input((3,), name="b")
    return kit.Model({"z": z, "b": b}, {"y": L.Dense(2, name="y")(L.Concatenate(name="cat")([z, b])),
                                        "a": L.Dense(1, name="a")(z)})


def test_functional_dict_inputs_and_outputs_match_keras():
    h, k = twins(_dict_io)
    assert [tuple(t.shape) for t in h.inputs] == [tuple(t.shape) for t in k.inputs]
    assert [tuple(t.shape) for t in h.outputs] == [tuple(t.shape) for t in k.outputs]
    rng = np.random.default_rng(1)
    x = {"z": rng.normal(size=(6, 4)).astype("float32"), "b": rng.normal(size=(6, 3)).astype("float32")}
    hp, kp = h.predict(x, verbose=0), k.predict(x, verbose=0)
    assert set(hp) == set(kp) == {"a", "y"}
    for key in kp:
        np.testing.assert_allclose(hp[key], kp[key], rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="missing"):
        h({"z": x["z"]})


def _branching(kit: Kit):
    """A shared layer called on two branches of different depth: layer order is by depth in Keras."""
    L = kit.layers
    a = kit.Input((4,), name="a")
    b = kit.Input((3,), name="b")
    shared = L.Dense(5, name="shared")
    h = L.Concatenate(name="cat")([shared(L.Dense(4, name="pa")(a)), shared(L.Dense(4, name="pb")(b))])
    return kit.Model([a, b], L.Dense(2, name="out")(h))


def test_branching_functional_layer_and_weight_order_match_keras():
    k = _branching(KERAS)
    h = _branching(HORNET)
    assert [layer.name for layer in h.layers] == [layer.name for layer in k.layers]
    assert [tuple(w.shape) for w in h.weights] == [tuple(w.shape) for w in k.weights]


def test_shared_layer_weights_are_counted_once_and_reused():
    x = hornet.Input((4,))
    shared = layers.Dense(4, use_bias=False, name="shared")
    y = layers.Add()([shared(x), shared(shared(x))])
    model = hornet.Model(x, y)
    assert [w.path for w in model.weights] == ["shared/kernel"]
    assert model.count_params() == 16
    kernel = np.arange(16, dtype="float32").reshape(4, 4) / 16.0
    model.set_weights([kernel])
    xs = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(model.predict(xs, verbose=0), xs @ kernel + xs @ kernel @ kernel, rtol=1e-5,
                               atol=1e-6)


def _nested(kit: Kit):
    L = kit.layers
    inner = kit.Sequential([kit.Input((8,)), L.Dense(6, activation="relu", name="inner_dense")], name="inner")
    x = kit.Input((8,))
    return kit.Model(x, L.Dense(2, name="head")(inner(x))), inner


def test_nested_model_weights_and_predictions_match_keras():
    k, k_inner = _nested(KERAS)
    h, h_inner = _nested(HORNET)
    h.set_weights(k.get_weights())
    assert [layer.name for layer in h.layers][1:] == ["inner", "head"]
    assert [tuple(w.shape) for w in h.weights] == [tuple(w.shape) for w in k.weights]
    assert h.count_params() == k.count_params()
    np.testing.assert_allclose(h.predict(X8, verbose=0), k.predict(X8, verbose=0), rtol=1e-5, atol=1e-6)
    # the inner model is the same object and its weights are shared with the outer one
    assert h.get_layer("inner") is h_inner
    np.testing.assert_array_equal(h_inner.get_weights()[0], h.get_weights()[0])
    # a functional model used as a layer of a Sequential
    outer = hornet.Sequential([hornet.Input((8,)), h, layers.Dense(1)])
    assert outer.output_shape == (None, 1)
    assert outer.count_params() == h.count_params() + 3


def test_get_layer_by_name_and_index():
    model = hornet.Sequential([hornet.Input((3,)), layers.Dense(2, name="first"), layers.Dense(1, name="last")])
    assert model.get_layer("last") is model.layers[1]
    assert model.get_layer(index=0).name == "first"
    assert model.get_layer(index=-1).name == "last"
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="out of range"):
        model.get_layer(index=5)


# --- subclassed -------------------------------------------------------------------------------------------------


def _subclassed(kit: Kit):
    L = kit.layers

    class TwoTower(kit.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.left = L.Dense(5, activation="relu")
            self.right = L.Dense(5, activation="tanh")
            self.head = L.Dense(2)

        def call(self, x):
            return self.head(self.left(x) + self.right(x))

    return TwoTower()


def test_subclassed_model_builds_on_call_and_matches_keras():
    k = _subclassed(KERAS)
    h = _subclassed(HORNET)
    k(X8)
    assert not h.built or h.weights == []
    h(X8)
    assert [tuple(w.shape) for w in h.weights] == [tuple(w.shape) for w in k.weights]
    assert [layer.name.rstrip("_0123456789") for layer in h.layers] == ["dense"] * 3
    h.set_weights(k.get_weights())
    np.testing.assert_allclose(np.asarray(h(X8)), np.asarray(k(X8)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h.predict(X8, verbose=0), k.predict(X8, verbose=0), rtol=1e-5, atol=1e-6)


def test_frozen_layer_moves_weights_to_non_trainable():
    def recipe(kit: Kit):
        L = kit.layers
        model = kit.Sequential([kit.Input((8,)), L.Dense(4, name="frozen"), L.BatchNormalization(), L.Dense(2)])
        model.get_layer("frozen").trainable = False
        return model

    h, k = twins(recipe)
    assert len(h.trainable_weights) == len(k.trainable_weights)
    assert len(h.non_trainable_weights) == len(k.non_trainable_weights)
    assert [tuple(w.shape) for w in h.trainable_weights] == [tuple(w.shape) for w in k.trainable_weights]


# --- summary ----------------------------------------------------------------------------------------------------


def _summary_lines(model) -> list[str]:
    lines: list[str] = []
    model.summary(print_fn=lambda line, *a, **kw: lines.append(line))
    return lines


def _count(lines: list[str], label: str) -> int:
    for line in lines:
        m = re.search(rf"{label}: ([\d,]+)", line)
        if m:
            return int(m.group(1).replace(",", ""))
    raise AssertionError(f"no '{label}' line in summary:\n" + "\n".join(lines))


def test_summary_param_counts_match_keras():
    def recipe(kit: Kit):
        L = kit.layers
        return kit.Sequential([kit.Input((8,)), L.Dense(16, activation="relu", name="hidden"),
                               L.BatchNormalization(name="bn"), L.Dense(3, name="logits")], name="clf")

    h, k = twins(recipe)
    lines = _summary_lines(h)
    text = "\n".join(lines)
    trainable = sum(int(np.prod(w.shape)) for w in k.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in k.non_trainable_weights)
    assert _count(lines, "Total params") == k.count_params() == 8 * 16 + 16 + 4 * 16 + 16 * 3 + 3
    assert _count(lines, "Trainable params") == trainable
    assert _count(lines, "Non-trainable params") == non_trainable == 32
    assert '"clf"' in text
    rows = {name: line for line in lines for name in ("hidden", "bn", "logits") if line.startswith(name + " ")}
    assert set(rows) == {"hidden", "bn", "logits"}
    assert "(None, 16)" in rows["hidden"] and rows["hidden"].rstrip().endswith("144")
    assert "(None, 16)" in rows["bn"] and rows["bn"].rstrip().endswith("64")
    assert "(None, 3)" in rows["logits"] and rows["logits"].rstrip().endswith("51")


def test_summary_of_functional_lists_inputs_and_shared_counts():
    h = _two_in_two_out(HORNET)
    lines = _summary_lines(h)
    assert _count(lines, "Total params") == h.count_params() == (4 * 6 + 6) + (3 * 6 + 6) + (12 * 2 + 2) + 13
    text = "\n".join(lines)
    for name in ("a (InputLayer)", "b (InputLayer)", "cat (Concatenate)", "o1 (Dense)", "o2 (Dense)"):
        assert name in text
    assert "(None, 12)" in text


def _functional_subclass(kit):
    class CountingModel(kit.Model):
        pass

    if kit is HORNET:  # Keras 3 on JAX calls train_step(state, data); its twin keeps the default step
        def train_step(self, data):
            logs = super(CountingModel, self).train_step(data)
            return {**logs, "custom": 1.0}

        CountingModel.train_step = train_step

    inputs = kit.Input((8,))
    outputs = kit.layers.Dense(3)(kit.layers.Dense(16, activation="relu")(inputs))
    model = CountingModel(inputs, outputs)
    model.compile(optimizer=kit.optimizers.SGD(0.05),
                  loss=kit.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def test_a_model_subclass_built_from_inputs_and_outputs_is_functional_and_keeps_its_train_step():
    from keras_oracle import assert_history_close, classification_data, twins

    x, y = classification_data(64)
    h, k = twins(_functional_subclass)
    assert isinstance(h, hornet.Functional) and type(h).__name__ == "CountingModel"
    assert [type(layer).__name__ for layer in h.layers] == ["InputLayer", "Dense", "Dense"]
    hh = h.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    kh = k.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    assert hh["custom"] == [1.0, 1.0]
    assert_history_close(hh, kh, keys=["loss"])


def test_a_subclass_passing_inputs_and_outputs_to_super_init_is_functional(tmp_path):
    class Built(hornet.Model):
        def __init__(self, width=3, **kwargs):
            inputs = hornet.Input((4,))
            super().__init__(inputs=inputs, outputs=hornet.layers.Dense(width)(inputs), **kwargs)

    model = Built(5, name="built")
    assert model.name == "built" and model(np.ones((2, 4), "float32")).shape == (2, 5)


def test_model_rejects_positional_arguments_that_are_not_inputs_and_outputs():
    with pytest.raises(TypeError, match=r"Model: unexpected arguments \(3,\)"):
        hornet.Model(3)


def test_layer_input_output_and_shapes_support_feature_extraction_like_keras():
    def recipe(kit):
        return kit.Sequential([kit.Input((6,)), kit.layers.Dense(5, activation="relu", name="a"),
                               kit.layers.Dense(3, name="b")])

    h, k = twins(recipe)
    x = np.random.default_rng(3).normal(size=(4, 6)).astype("float32")
    outputs = {}
    for name, model, kit in (("hornet", h, HORNET), ("keras", k, KERAS)):
        extractor = kit.Model(model.inputs, [layer.output for layer in model.layers])
        outputs[name] = extractor.predict(x, verbose=0)
        assert tuple(model.layers[0].input.shape) == (None, 6)
        assert tuple(model.layers[1].output.shape) == (None, 3)
    for got, want in zip(outputs["hornet"], outputs["keras"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert h.layers[0].input_shape == (None, 6) and h.layers[1].output_shape == (None, 3)
    assert h.input is h.inputs[0] and h.output is h.outputs[0]


def test_layer_output_of_a_layer_never_called_functionally_names_the_layer():
    with pytest.raises(AttributeError, match="layer 'lonely' has never been called"):
        layers.Dense(2, name="lonely").output
