"""hornet.applications against Keras 3: parameter counts, predictions with copied weights (Keras on JAX as the
oracle, BatchNorm in inference), preprocess_input, decode_predictions and the ``weights`` argument."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

import hornet
from hornet import applications

from app_oracle import cheap_keras_init, images, random_weights

# Keras 3.15's count_params() with weights=None and default arguments, recorded once by building each model
# with keras.applications here (building them all in the test would take minutes). MobileNetV3 was built with
# input_shape=(224, 224, 3): its default input is (None, None, 3) and the count does not depend on the size.
KERAS_PARAMS = {
    "VGG16": 138357544, "VGG19": 143667240,
    "ResNet50": 25636712, "ResNet101": 44707176, "ResNet152": 60419944,
    "ResNet50V2": 25613800, "ResNet101V2": 44675560, "ResNet152V2": 60380648,
    "MobileNet": 4253864, "MobileNetV2": 3538984, "MobileNetV3Small": 2554968, "MobileNetV3Large": 5507432,
    "EfficientNetB0": 5330571, "EfficientNetB1": 7856239, "EfficientNetB2": 9177569, "EfficientNetB3": 12320535,
    "EfficientNetB4": 19466823, "EfficientNetB5": 30562527, "EfficientNetB6": 43265143,
    "EfficientNetB7": 66658687,
    "EfficientNetV2B0": 7200312, "EfficientNetV2B1": 8212124, "EfficientNetV2B2": 10178374,
    "EfficientNetV2B3": 14467622,
    "DenseNet121": 8062504, "DenseNet169": 14307880, "DenseNet201": 20242984,
    "InceptionV3": 23851784, "Xception": 22910480, "ConvNeXtTiny": 28589128, "ConvNeXtSmall": 50223688,
    "NASNetMobile": 5326716,
}
# include_top=False, pooling="avg", recorded the same way with no input_shape. hornet builds them on a static
# (224, 224, 3): its strided convolutions and poolings need static spatial sizes; the count does not depend on it.
KERAS_PARAMS_NOTOP_AVG = {"VGG19": 20024384, "ResNet50V2": 23564800, "MobileNetV2": 2257984,
                          "DenseNet121": 7037504, "EfficientNetB1": 6575239, "EfficientNetV2B0": 5919312,
                          "Xception": 20861480, "ConvNeXtTiny": 27820128, "NASNetMobile": 4269716}


@pytest.mark.parametrize("backend", ["jax"])  # shapes only: one backend is enough
@pytest.mark.parametrize("name", sorted(KERAS_PARAMS))
def test_param_count_matches_keras(name):
    kwargs = {"input_shape": (224, 224, 3)} if name.startswith("MobileNetV3") else {}
    model = getattr(applications, name)(weights=None, **kwargs)
    assert model.count_params() == KERAS_PARAMS[name]


@pytest.mark.parametrize("backend", ["jax"])
@pytest.mark.parametrize("name", sorted(KERAS_PARAMS_NOTOP_AVG))
def test_param_count_without_top_matches_keras(name):
    model = getattr(applications, name)(weights=None, include_top=False, pooling="avg", input_shape=(224, 224, 3))
    assert model.count_params() == KERAS_PARAMS_NOTOP_AVG[name]
    assert model.output.shape[-1] is not None and model.output.shape[0] is None


# one small model per family: (name, kwargs)
FAMILIES = {
    "vgg16": ("VGG16", dict(include_top=False, input_shape=(32, 32, 3))),
    "resnet": ("ResNet50", dict(include_top=False, input_shape=(32, 32, 3), pooling="avg")),
    "resnet_v2": ("ResNet50V2", dict(include_top=False, input_shape=(32, 32, 3), pooling="max")),
    "mobilenet": ("MobileNet", dict(input_shape=(32, 32, 3), alpha=0.25, classes=10)),
    "mobilenet_v2": ("MobileNetV2", dict(input_shape=(32, 32, 3), alpha=0.35, classes=7)),
    "mobilenet_v3": ("MobileNetV3Small", dict(input_shape=(32, 32, 3), classes=10)),
    "densenet": ("DenseNet121", dict(include_top=False, input_shape=(32, 32, 3), pooling="avg")),
    "inception_v3": ("InceptionV3", dict(include_top=False, input_shape=(75, 75, 3))),
    "xception": ("Xception", dict(include_top=False, input_shape=(71, 71, 3), pooling="avg")),
    "efficientnet": ("EfficientNetB0", dict(include_top=False, input_shape=(32, 32, 3), pooling="avg")),
    "efficientnet_v2": ("EfficientNetV2B0", dict(include_top=False, input_shape=(32, 32, 3), pooling="avg")),
    "convnext": ("ConvNeXtTiny", dict(include_top=False, input_shape=(32, 32, 3), pooling="avg")),
    # NASNet itself (Keras does not export it) at a small width: NASNetMobile's cells, and NASNetLarge's
    # skip_reduction wiring, with few weights
    "nasnet": ("nasnet.NASNet", dict(include_top=False, input_shape=(32, 32, 3), pooling="avg",
                                     penultimate_filters=192, num_blocks=1, stem_block_filters=8,
                                     skip_reduction=False)),
    "nasnet_skip": ("nasnet.NASNet", dict(input_shape=(32, 32, 3), penultimate_filters=96, num_blocks=2,
                                          stem_block_filters=8, skip_reduction=True, classes=5)),
}


def constructor(root, name):
    """``root.name``, or for a dotted name (a function Keras does not export) the module's function."""
    if "." not in name:
        return getattr(root, name)
    module, fn = name.split(".")
    if root.__name__.startswith("keras"):
        import importlib

        return getattr(importlib.import_module(f"keras.src.applications.{module}"), fn)
    return getattr(getattr(root, module), fn)


_KERAS_RUNS: dict[str, tuple] = {}


def keras_run(keras, family: str) -> tuple:
    """The Keras model's random weights, weight owners, count and prediction on a batch of 2 (built once per
    family and process, only for the families this process tests)."""
    if family not in _KERAS_RUNS:
        name, kwargs = FAMILIES[family]
        with cheap_keras_init(keras):
            model = constructor(keras.applications, name)(weights=None, **kwargs)
            model.set_weights(random_weights(model))
            x = images((2,) + tuple(kwargs["input_shape"]), seed=1)
            _KERAS_RUNS[family] = (model.get_weights(), [w.path.split("/")[-2] for w in model.weights],
                                   model.count_params(), x, np.asarray(model.predict(x, verbose=0)))
            keras.backend.clear_session()
    return _KERAS_RUNS[family]


# each family on one backend, in turn: the layers' lowerings are checked on every backend by their own tests
FAMILY_BACKENDS = [(family, ("jax", "torch", "tensorflow")[i % 3]) for i, family in enumerate(sorted(FAMILIES))]


def _base(name: str) -> str:
    return re.sub(r"_\d+$", "", name)


@pytest.mark.parametrize("family,backend", FAMILY_BACKENDS, indirect=["backend"])
def test_predictions_match_keras(family, keras):
    name, kwargs = FAMILIES[family]
    weights, layer_names, count, x, want = keras_run(keras, family)
    model = constructor(applications, name)(weights=None, **kwargs)
    assert model.count_params() == count
    # same weight order, owned by layers of the same names (unnamed layers' default-name counters depend on
    # what each process built before, so their "_<n>" suffixes are ignored)
    owners = {id(w): sub.name for sub in model._flatten_layers()  # the innermost layer owning each weight
              for w in sub._trainable_variables + sub._non_trainable_variables}
    assert [_base(owners.get(id(w))) for w in model.weights] == [_base(n) for n in layer_names]
    model.set_weights(weights)
    got = np.asarray(model.predict(x, verbose=0))
    assert got.shape == want.shape
    scale = max(float(np.abs(want).max()), 1e-6)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * scale)


@pytest.mark.parametrize("backend", ["jax"])  # NumPy in, NumPy out; tensors on each backend: the imagenet_utils test
@pytest.mark.parametrize("module", ["vgg16", "vgg19", "resnet", "resnet50", "resnet_v2", "mobilenet",
                                    "mobilenet_v2", "mobilenet_v3", "densenet", "inception_v3", "xception",
                                    "efficientnet", "efficientnet_v2", "convnext", "nasnet"])
def test_preprocess_input_matches_keras(module, keras):
    x = images((2, 4, 5, 3), seed=3)
    want = getattr(keras.applications, module).preprocess_input(x.copy())
    got = getattr(applications, module).preprocess_input(x.copy())
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-4)
    tensor = getattr(applications, module).preprocess_input(hornet.ops.convert_to_tensor(x))
    np.testing.assert_allclose(hornet.ops.convert_to_numpy(tensor), want, rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format", ["channels_first", "channels_last"])
@pytest.mark.parametrize("ndim", [3, 4])
def test_imagenet_utils_preprocess_modes_match_keras(mode, data_format, ndim, keras):
    shape = (3, 4, 5) if data_format == "channels_first" else (4, 5, 3)
    x = images(((2,) + shape) if ndim == 4 else shape, seed=4)
    want = keras.applications.imagenet_utils.preprocess_input(x.copy(), data_format=data_format, mode=mode)
    got = applications.imagenet_utils.preprocess_input(x.copy(), data_format=data_format, mode=mode)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-4)
    tensor = applications.imagenet_utils.preprocess_input(hornet.ops.convert_to_tensor(x), data_format, mode)
    np.testing.assert_allclose(hornet.ops.convert_to_numpy(tensor), want, rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("backend", ["jax"])
def test_preprocess_input_bad_arguments():
    x = images((1, 2, 2, 3))
    with pytest.raises(ValueError, match="mode"):
        applications.imagenet_utils.preprocess_input(x, mode="bgr")
    with pytest.raises(ValueError, match="data_format"):
        applications.resnet50.preprocess_input(x, data_format="nhwc")


def test_preprocess_input_int_array_becomes_float():
    x = np.full((1, 1, 1, 3), 255, dtype="uint8")
    out = applications.mobilenet.preprocess_input(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, np.ones((1, 1, 1, 3)))


@pytest.fixture
def class_index(tmp_path):
    path = tmp_path / "imagenet_class_index.json"
    path.write_text(json.dumps({str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}))
    return str(path)


def test_decode_predictions(class_index, monkeypatch):
    monkeypatch.delenv("HORNET_IMAGENET_CLASS_INDEX", raising=False)
    monkeypatch.setattr(applications.imagenet_utils, "_class_index", None)
    with pytest.raises(ValueError, match="imagenet_class_index.json"):
        applications.resnet50.decode_predictions(np.zeros((1, 1000)))
    preds = np.zeros((2, 1000), "float32")
    preds[0, [3, 7, 5]] = [0.5, 0.3, 0.2]
    preds[1, 999] = 1.0
    out = applications.vgg16.decode_predictions(preds, top=3, class_index_path=class_index)
    assert [(c, d) for c, d, _ in out[0]] == [("n00000003", "class_3"), ("n00000007", "class_7"),
                                              ("n00000005", "class_5")]
    np.testing.assert_allclose([s for *_, s in out[0]], [0.5, 0.3, 0.2])
    assert out[1][0][:2] == ("n00000999", "class_999") and len(out[1]) == 3
    monkeypatch.setattr(applications.imagenet_utils, "_class_index", None)
    monkeypatch.setenv("HORNET_IMAGENET_CLASS_INDEX", class_index)
    assert applications.efficientnet.decode_predictions(preds, top=1)[1][0][1] == "class_999"
    with pytest.raises(ValueError, match=r"\(samples, 1000\)"):
        applications.imagenet_utils.decode_predictions(np.zeros((2, 10)))


@pytest.mark.parametrize("backend", ["jax"])
def test_weights_argument(tmp_path):
    with pytest.raises(ValueError, match="weights"):
        applications.MobileNet(weights="no/such/file.weights.h5", input_shape=(32, 32, 3), alpha=0.25)
    with pytest.raises(ValueError, match="mobilenet_2_5_224_tf.h5"):
        applications.MobileNet(weights="imagenet", alpha=0.25)
    with pytest.raises(ValueError, match="classes"):
        applications.ResNet50(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"):
        applications.VGG16(include_top=False, input_shape=(32, 32, 3))  # the default weights is "imagenet"
    source = applications.MobileNet(weights=None, input_shape=(32, 32, 3), alpha=0.25, classes=4)
    path = str(tmp_path / "m.weights.safetensors")
    source.save_weights(path)
    loaded = applications.MobileNet(weights=path, input_shape=(32, 32, 3), alpha=0.25, classes=4)
    for a, b in zip(loaded.get_weights(), source.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("backend", ["jax"])  # argument checks only
def test_input_shape_checks():
    with pytest.raises(ValueError, match="at least 71x71"):
        applications.Xception(weights=None, include_top=False, input_shape=(64, 64, 3))
    with pytest.raises(ValueError, match="three integers"):
        applications.ResNet50(weights=None, include_top=False, input_shape=(32, 32))
    with pytest.raises(ValueError, match="classifier_activation"):
        applications.MobileNet(weights="imagenet", alpha=0.25, classifier_activation="relu")


def test_input_tensor_keeps_its_sources():
    inputs = hornet.Input((32, 32, 3))
    x = hornet.layers.Rescaling(1.0 / 255)(inputs)
    model = applications.MobileNetV2(input_tensor=x, weights=None, alpha=0.35, include_top=False,
                                     pooling="avg")
    assert model.inputs[0] is inputs if isinstance(model.inputs, list) else model.inputs is inputs
    assert model.output.shape == (None, 1280)
    out = model.predict(images((2, 32, 32, 3)), verbose=0)
    assert np.asarray(out).shape == (2, 1280) and np.isfinite(np.asarray(out)).all()


@pytest.mark.parametrize("backend", ["jax"])
def test_namespace_matches_keras(keras):
    names = {n for n in dir(keras.applications) if not n.startswith("_")}
    missing = sorted(names - set(dir(applications)))
    assert missing == ["InceptionResNetV2", "inception_resnet_v2"]
    assert hornet.applications is applications


@pytest.mark.parametrize("backend", ["jax", "torch", "tensorflow"], indirect=True)
def test_keras2_h5_weight_files_load_as_keras_publishes_them(tmp_path, keras, backend):
    """keras.applications' published weights are Keras 2 H5 files (layer_names / weight_names attributes);
    written here by Keras 3's own legacy writer from a random-weight model, they load by position."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    name, kwargs = FAMILIES["mobilenet_v2"]
    weights, _, _, x, want = keras_run(keras, "mobilenet_v2")
    with cheap_keras_init(keras):
        source = getattr(keras.applications, name)(weights=None, **kwargs)
        source.set_weights(weights)
        path = str(tmp_path / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels.h5")
        with h5py.File(path, "w") as f:
            legacy_h5_format.save_weights_to_hdf5_group(f, source)
        keras.backend.clear_session()
    model = getattr(applications, name)(weights=path, **kwargs)
    got = np.asarray(model.predict(x, verbose=0))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * max(float(np.abs(want).max()), 1e-6))
    other = applications.MobileNet(weights=None, input_shape=(32, 32, 3), alpha=0.25, classes=10)
    with pytest.raises(hornet.ir.LoadError, match="layers with weights|holds"):
        other.load_weights(path)
