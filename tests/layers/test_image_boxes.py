"""MaxNumBoundingBoxes against Keras 3 (JAX backend): boxes and labels cut or padded to ``max_number`` (batched
and single images), output shapes, configs, pass-through of other inputs and clear errors."""
import json

import numpy as np
import pytest

import hornet
from hornet.api.layers.image_boxes import MaxNumBoundingBoxes

IMAGES = np.zeros((2, 8, 8, 3), "float32")
BOXES = {"boxes": np.arange(24, dtype="float32").reshape(2, 3, 4), "labels": np.array([[1, 2, 3], [4, 5, 6]])}


def data(single=False):
    if single:
        return {"images": IMAGES[0], "bounding_boxes": {k: v[0] for k, v in BOXES.items()}}
    return {"images": IMAGES, "bounding_boxes": dict(BOXES)}


@pytest.mark.parametrize("max_number,single", [(2, False), (5, False), (5, True)])
def test_matches_keras(keras, max_number, single):
    h = MaxNumBoundingBoxes(max_number, fill_value=-1, bounding_box_format="xyxy")
    k = keras.layers.MaxNumBoundingBoxes(max_number, fill_value=-1, bounding_box_format="xyxy")
    got, want = h(data(single)), k(data(single))
    for key in ("boxes", "labels"):
        np.testing.assert_array_equal(np.asarray(got["bounding_boxes"][key]), np.asarray(want["bounding_boxes"][key]))
    np.testing.assert_array_equal(np.asarray(got["images"]), np.asarray(want["images"]))
    shapes = {"images": (None, 8, 8, 3), "bounding_boxes": {"boxes": (None, 3, 4), "labels": (None, 3)}}
    assert h.compute_output_shape(shapes) == {"images": (None, 8, 8, 3), "bounding_boxes": {
        "boxes": (None, max_number, 4), "labels": (None, max_number)}}


def test_config_passthrough_and_trace(keras):
    layer = MaxNumBoundingBoxes(4, fill_value=0, bounding_box_format="yxyx")
    config = layer.get_config()
    json.dumps(config)
    assert set(keras.layers.MaxNumBoundingBoxes(4, bounding_box_format="yxyx").get_config()) <= set(config)
    clone = MaxNumBoundingBoxes.from_config(config)
    assert clone.get_config() == {**config, "name": clone.name} and clone.fill_value == 0
    np.testing.assert_array_equal(np.asarray(layer(IMAGES)), IMAGES)  # images alone pass through
    def fit(boxes, labels):
        out = layer({"images": IMAGES, "bounding_boxes": {"boxes": boxes, "labels": labels}})["bounding_boxes"]
        return out["boxes"], out["labels"]

    graph = hornet.trace(fit, hornet.TensorSpec((None, 3, 4)), hornet.TensorSpec((None, 3), "int32"))
    assert [str(t) for t in graph.output_types] == ["float32[batch,4,4]", "int32[batch,4]"]


def test_errors():
    with pytest.raises(ValueError, match="bounding_box_format"):
        MaxNumBoundingBoxes(2)(data())
    with pytest.raises(ValueError, match="max_number=0"):
        MaxNumBoundingBoxes(0)
    with pytest.raises(KeyError, match="scores"):
        MaxNumBoundingBoxes(2, bounding_box_format="xyxy")(
            {"images": IMAGES, "bounding_boxes": {**BOXES, "scores": np.zeros((2, 3))}})
    with pytest.raises(ValueError, match=r"boxes \(2, 3\)"):
        MaxNumBoundingBoxes(2, bounding_box_format="xyxy")(
            {"images": IMAGES, "bounding_boxes": {"boxes": np.zeros((2, 3)), "labels": np.zeros((2, 3))}})
