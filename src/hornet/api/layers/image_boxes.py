"""``MaxNumBoundingBoxes`` (Keras 3 arguments and semantics): give the bounding boxes of a detection batch a fixed
count, so batches stack. Inputs are dicts ``{"images": ..., "bounding_boxes": {"boxes": (batch, n, 4),
"labels": (batch, n)}}`` (or one image with ``(n, 4)`` boxes and ``(n,)`` labels) of dense arrays; other
entries pass through.

>>> layer = MaxNumBoundingBoxes(max_number=2, bounding_box_format="xyxy")
>>> out = layer({"images": np.zeros((1, 8, 8, 3)), "bounding_boxes": {"boxes": np.zeros((1, 3, 4)),
...                                                                    "labels": np.ones((1, 3))}})
>>> tuple(out["bounding_boxes"]["boxes"].shape)                             # doctest: +SKIP
(1, 2, 4)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.layers.image_preprocessing import BaseImageLayer


def _fit(values: Any, axis: int, count: int, fill: int) -> Any:
    """``values`` cut or padded with ``fill`` along ``axis`` to ``count`` entries (static sizes)."""
    size = values.shape[axis]
    if not isinstance(size, int):
        raise ValueError(f"MaxNumBoundingBoxes: the number of boxes must be known (static), got shape "
                         f"{tuple(values.shape)}")
    if size > count:
        return ops.take(values, list(range(count)), axis=axis)
    if size < count:
        pads = [(0, 0)] * len(values.shape)
        pads[axis] = (0, count - size)
        return ops.pad(values, pads, constant_values=fill)
    return values


class MaxNumBoundingBoxes(BaseImageLayer):
    """Keep the first ``max_number`` bounding boxes (and their labels) of each image, padding with
    ``fill_value`` when there are fewer. Images, labels and segmentation masks are unchanged.
    ``bounding_box_format`` must be given when the input has bounding boxes (as Keras).

    >>> MaxNumBoundingBoxes(10, fill_value=-1, bounding_box_format="xyxy")  # doctest: +SKIP
    """

    def __init__(self, max_number: int, fill_value: int = -1, bounding_box_format: str | None = None,
                 data_format: str | None = None, **kwargs: Any):
        if isinstance(max_number, bool) or int(max_number) != max_number or max_number < 1:
            raise ValueError(f"MaxNumBoundingBoxes: `max_number` must be a positive integer, got "
                             f"max_number={max_number!r}")
        super().__init__(data_format=data_format, **kwargs)
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)
        self.bounding_box_format = bounding_box_format

    def call(self, data: Any, training: bool = True) -> Any:
        if not isinstance(data, dict) or "bounding_boxes" not in data:
            return data
        name = f"layer '{self.name}' (MaxNumBoundingBoxes)"
        if not self.bounding_box_format:
            raise ValueError(f"{name}: the input has 'bounding_boxes' but no `bounding_box_format` was given; pass "
                             "one, e.g. bounding_box_format='xyxy'")
        boxes = data["bounding_boxes"]
        if not isinstance(boxes, dict) or not {"boxes", "labels"} <= set(boxes):
            raise ValueError(f"{name}: `bounding_boxes` must be a dict with 'boxes' and 'labels' entries, got "
                             f"{type(boxes).__name__} {sorted(boxes) if isinstance(boxes, dict) else ''}")
        extra = set(boxes) - {"boxes", "labels"}
        if extra:
            raise KeyError(f"{name}: unsupported keys in `bounding_boxes`: {sorted(extra)}; only 'boxes' and "
                           "'labels' are supported")
        coords, labels = ops.convert_to_tensor(boxes["boxes"]), ops.convert_to_tensor(boxes["labels"])
        if len(coords.shape) not in (2, 3) or coords.shape[-1] != 4 or len(labels.shape) != len(coords.shape) - 1:
            raise ValueError(f"{name}: expected boxes of shape (batch, n, 4) with labels (batch, n), or (n, 4) with "
                             f"(n,), got boxes {tuple(coords.shape)} and labels {tuple(labels.shape)}")
        axis = len(coords.shape) - 2
        fitted = {"boxes": _fit(coords, axis, self.max_number, self.fill_value),
                  "labels": _fit(labels, axis, self.max_number, self.fill_value)}
        return {**data, "bounding_boxes": fitted}

    def compute_output_shape(self, input_shape: Any) -> Any:
        if not isinstance(input_shape, dict) or "bounding_boxes" not in input_shape:
            return input_shape
        shapes = dict(input_shape)
        boxes = {key: list(shape) for key, shape in input_shape["bounding_boxes"].items()}
        for key in ("boxes", "labels"):
            boxes[key][-2 if key == "boxes" else -1] = self.max_number
        shapes["bounding_boxes"] = {key: tuple(shape) for key, shape in boxes.items()}
        return shapes

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "max_number": self.max_number, "fill_value": self.fill_value}
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config


__all__ = ["MaxNumBoundingBoxes"]
