"""resolve() (compile's metric identifiers, as Keras 3's compile utilities) and get/serialize/deserialize."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import json  # noqa: E402
import re  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras.src.trainers.compile_utils import get_metric  # noqa: E402

import hornet.losses as hl  # noqa: E402
import hornet.metrics as hm  # noqa: E402
from hornet.api.metrics.resolve import resolve  # noqa: E402

SHAPES = [((None, 1), (None, 1)), ((None,), (None, 10)), ((None, 1), (None, 10)), ((None, 10), (None, 10)),
          ((None, 5, 1), (None, 5, 7)), ((None, 3), (None, 3)), ((None,), (None, 1))]


@pytest.mark.parametrize("identifier", ["accuracy", "acc", "mse", "mae", "mape", "msle", "MSE", "binary_accuracy",
                                        "categorical_crossentropy", "sparse_top_k_categorical_accuracy", "auc",
                                        "AUC", "precision", "recall", "root_mean_squared_error", "r2_score",
                                        "kl_divergence", "log_cosh_error", "bce"])
@pytest.mark.parametrize("y_true_shape, y_pred_shape", SHAPES)
def test_resolve_matches_keras_compile(identifier, y_true_shape, y_pred_shape):
    ours = resolve(identifier, y_true_shape, y_pred_shape, None)
    theirs = get_metric(identifier, keras.KerasTensor(y_true_shape), keras.KerasTensor(y_pred_shape))
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.name == theirs.name == identifier


@pytest.mark.parametrize("y_true_shape, y_pred_shape, expected", [
    ((None, 1), (None, 10), "SparseCategoricalCrossentropy"), ((None,), (None, 10), "SparseCategoricalCrossentropy"),
    ((None, 10), (None, 10), "CategoricalCrossentropy"), ((None, 1), (None, 1), "BinaryCrossentropy"),
])
@pytest.mark.parametrize("identifier", ["crossentropy", "ce"])
def test_resolve_crossentropy_by_shapes(identifier, y_true_shape, y_pred_shape, expected):
    m = resolve(identifier, y_true_shape, y_pred_shape, hl.SparseCategoricalCrossentropy(from_logits=True))
    assert type(m).__name__ == expected and m.name == identifier
    assert m.from_logits is True  # taken from the cross-entropy loss


@pytest.mark.parametrize("loss, expected", [
    ("sparse_categorical_crossentropy", "SparseCategoricalAccuracy"),
    (hl.SparseCategoricalCrossentropy(), "SparseCategoricalAccuracy"),
    (hl.sparse_categorical_crossentropy, "SparseCategoricalAccuracy"),
    (hl.LossFunctionWrapper(hl.sparse_categorical_crossentropy), "SparseCategoricalAccuracy"),
    ("binary_crossentropy", "BinaryAccuracy"), (hl.BinaryCrossentropy(from_logits=True), "BinaryAccuracy"),
    ("categorical_crossentropy", "CategoricalAccuracy"), ("mse", "CategoricalAccuracy"), (None, "CategoricalAccuracy"),
])
def test_resolve_accuracy_uses_loss_when_label_shape_is_unknown(loss, expected):
    assert type(resolve("accuracy", None, (None, 10), loss)).__name__ == expected
    assert type(resolve("accuracy", None, (None, 1), loss)).__name__ == "BinaryAccuracy"


def test_resolve_accuracy_with_symbolic_and_unknown_dims():
    assert type(resolve("acc", ("batch", 1), ("batch", "classes"), None)).__name__ == "SparseCategoricalAccuracy"
    assert type(resolve("acc", (None, None), (None, None), None)).__name__ == "CategoricalAccuracy"
    assert type(resolve("acc", np.zeros((4, 1)), np.zeros((4, 3)), None)).__name__ == "SparseCategoricalAccuracy"


def test_resolve_objects_and_functions():
    auc = hm.AUC(name="my_auc")
    assert resolve(auc, (None, 1), (None, 1), None) is auc and auc.name == "my_auc"
    m = resolve(hm.Precision, (None, 1), (None, 1), None)
    assert isinstance(m, hm.Precision) and m.name == "precision"
    m = resolve(hl.mean_absolute_error, (None, 3), (None, 3), None)
    assert isinstance(m, hm.MeanMetricWrapper) and m.name == "mean_absolute_error"

    def my_metric(y_true, y_pred):
        return (y_true - y_pred) ** 2

    m = resolve(my_metric, (None,), (None,), None)
    assert isinstance(m, hm.MeanMetricWrapper) and m.name == "my_metric"
    m.update_state(np.array([1.0, 2.0], "float32"), np.array([2.0, 2.0], "float32"))
    assert float(m.result()) == pytest.approx(0.5)
    m = resolve(hm.binary_accuracy, (None, 1), (None, 1), None)
    assert isinstance(m, hm.MeanMetricWrapper) and m.name == "binary_accuracy"


def test_resolve_errors():
    with pytest.raises(ValueError, match="Unknown metric identifier: 'acuracy'"):
        resolve("acuracy", (None, 1), (None, 1), None)
    with pytest.raises(ValueError, match="None"):
        resolve(None, (None, 1), (None, 1), None)
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        hm.get(3.5)


@pytest.mark.parametrize("identifier", ["accuracy", "binary_accuracy", "categorical_accuracy", "auc", "mse", "mae",
                                        "mape", "msle", "bce", "precision", "recall", "f1_score", "r2_score",
                                        "root_mean_squared_error", "cosine_similarity", "log_cosh_error", "hinge",
                                        "sparse_categorical_crossentropy", "true_positives", "poisson", "mean", "sum",
                                        "FBetaScore", "SparseTopKCategoricalAccuracy"])
def test_get_names_give_the_keras_class(identifier):
    ours, theirs = hm.get(identifier), keras.metrics.get(identifier)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.name == re.sub(r"_\d+$", "", theirs.name)  # Keras numbers repeated auto-names: auc_1, ...


def test_serialized_metric_layout_and_keras_dicts_load():
    ours = hm.serialize(hm.BinaryAccuracy(threshold=0.3))
    theirs = keras.metrics.serialize(keras.metrics.BinaryAccuracy(threshold=0.3))
    assert set(ours) == set(theirs) and ours["config"] == theirs["config"]
    restored = hm.deserialize(theirs)
    assert isinstance(restored, hm.BinaryAccuracy) and restored.threshold == 0.3
    wrapper = hm.MeanMetricWrapper(hm.sparse_top_k_categorical_accuracy, name="top2", k=2)
    clone = hm.deserialize(json.loads(json.dumps(hm.serialize(wrapper))))
    assert isinstance(clone, hm.MeanMetricWrapper) and clone.name == "top2" and clone._fn_kwargs == {"k": 2}
    assert clone._fn is hm.sparse_top_k_categorical_accuracy
