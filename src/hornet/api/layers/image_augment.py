"""``AugmentationLayer``: the base of random image augmentations that, as Keras 3's image preprocessing layers,
take either images or a dict ``{"images": ..., "labels": ..., "segmentation_masks": ...}`` (other keys pass
through unchanged), or, as a convenience, an ``(images, labels)`` pair, and return the same structure.

A call draws one transformation for the batch (``random_transformation``, in training only) and applies it to
the images and, through their own hooks, to the labels and segmentation masks, so they stay consistent.
Bounding boxes are not supported: a ``"bounding_boxes"`` entry raises.

>>> out = MixUp(seed=0)({"images": images, "labels": one_hot})             # doctest: +SKIP
>>> sorted(out)                                                             # doctest: +SKIP
['images', 'labels']
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from hornet.api import ops
from hornet.api.layers.image_preprocessing import RandomImageLayer


def batch_range(batch: Any) -> Any:
    """``arange(batch)`` as int32, also for a symbolic batch size."""
    if isinstance(batch, int):
        return np.arange(batch, dtype=np.int32)
    return ops.cumsum(ops.ones((batch,), "int32")) - 1


def per_sample(weights: Any, rank: int) -> Any:
    """``(batch,)`` values reshaped to broadcast over the trailing axes of a rank-``rank`` batch."""
    return ops.reshape(weights, (-1,) + (1,) * (rank - 1))


class AugmentationLayer(RandomImageLayer):
    """Random augmentation of images, labels and segmentation masks. Subclasses implement
    ``random_transformation(images, single)`` (channels-last batch; ``None`` leaves the data unchanged) and
    ``augment_images``; ``augment_labels`` and ``augment_masks`` default to the identity.

    >>> class Negate(AugmentationLayer):                                    # doctest: +SKIP
    ...     def random_transformation(self, images, single): return {}
    ...     def augment_images(self, images, transformation): return -images
    """

    def random_transformation(self, images: Any, single: bool) -> Any:
        raise NotImplementedError

    def augment_images(self, images: Any, transformation: Any) -> Any:
        raise NotImplementedError

    def augment_labels(self, labels: Any, transformation: Any) -> Any:
        return labels

    def augment_masks(self, masks: Any, transformation: Any) -> Any:
        return masks

    def transform_images(self, images: Any, transformation: Any) -> Any:
        """The images of a channels-last batch, in the compute dtype, augmented when ``transformation`` is set."""
        images = ops.cast(images, self.compute_dtype)
        return images if transformation is None else self.augment_images(images, transformation)

    def _unpack(self, data: Any) -> tuple[dict[str, Any], Callable[[dict[str, Any]], Any]]:
        name = f"layer '{self.name}' ({type(self).__name__})"
        if isinstance(data, dict):
            if "images" not in data:
                raise ValueError(f"{name}: a dict input needs an 'images' entry, got keys {sorted(data)}")
            if "bounding_boxes" in data:
                raise ValueError(f"{name}: 'bounding_boxes' inputs are not supported by this layer")
            return dict(data), lambda out: {**data, **out}
        if isinstance(data, (tuple, list)):
            if len(data) != 2:
                raise ValueError(f"{name}: a tuple input must be (images, labels), got {len(data)} items")
            return {"images": data[0], "labels": data[1]}, lambda out: type(data)((out["images"], out["labels"]))
        return {"images": data}, lambda out: out["images"]

    def call(self, data: Any, training: bool = True) -> Any:
        parts, pack = self._unpack(data)
        images, single = self._to_batch(parts["images"])
        transformation = self.random_transformation(images, single) if training else None
        out = {"images": self._from_batch(self.transform_images(images, transformation), single)}
        if parts.get("labels") is not None:
            labels = ops.convert_to_tensor(parts["labels"])
            if transformation is not None:
                labels = ops.expand_dims(labels, 0) if single else labels
                labels = self.augment_labels(labels, transformation)
                labels = ops.squeeze(labels, 0) if single else labels
            out["labels"] = labels
        if parts.get("segmentation_masks") is not None:
            masks, _ = self._to_batch(ops.convert_to_tensor(parts["segmentation_masks"]))
            if transformation is not None:
                masks = self.augment_masks(masks, transformation)
            out["segmentation_masks"] = self._from_batch(masks, single)
        return pack(out)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return dict(input_shape) if isinstance(input_shape, dict) else tuple(input_shape)


__all__ = ["AugmentationLayer", "batch_range", "per_sample"]
