"""``Pipeline`` (Keras 3 ``keras.layers.Pipeline``): a plain layer that applies a list of layers in turn, e.g. an
image augmentation chain. Unlike ``Sequential`` it is not a model; its config lists the layers as nested
config entries.

>>> augment = Pipeline([RandomFlip(seed=1), RandomRotation(0.1, seed=2)])   # doctest: +SKIP
>>> augment(images, training=True).shape                                    # doctest: +SKIP
"""
from __future__ import annotations

import copy
from typing import Any, Sequence

from hornet.api.layers.layer import Layer, _params
from hornet.api.saving.serialize import deserialize_layer, serialize_layer


class Pipeline(Layer):
    """Apply ``layers`` one after the other; ``training`` (True by default, as Keras) and masks are passed on
    to the layers that take them. The whole input structure (a tensor or a dict) flows from layer to layer.

    >>> Pipeline([Rescaling(1 / 255), CenterCrop(4, 4)])(np.ones((1, 8, 8, 3))).shape   # doctest: +SKIP
    (1, 4, 4, 3)
    """

    def __init__(self, layers: Sequence[Layer], name: str | None = None):
        if not isinstance(layers, (list, tuple)) or not all(isinstance(layer, Layer) for layer in layers):
            raise ValueError(f"Pipeline: `layers` must be a list of hornet Layer instances, got layers={layers!r}")
        super().__init__(name=name)
        self._pipeline_layers = list(layers)

    @property
    def layers(self) -> list[Layer]:
        return list(self._pipeline_layers)

    def call(self, inputs: Any, training: bool | None = True, mask: Any = None) -> Any:
        for layer in self._pipeline_layers:
            kwargs: dict[str, Any] = {}
            if mask is not None and "mask" in _params(type(layer).call):
                kwargs["mask"] = mask
            if training is not None:
                kwargs["training"] = training
            outputs = layer(inputs, **kwargs)
            mask = layer.compute_mask(inputs, mask)
            inputs = outputs
        return inputs

    def get_config(self) -> dict[str, Any]:
        return {"layers": [serialize_layer(layer) for layer in self._pipeline_layers], "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> "Pipeline":
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError("Pipeline: the config must have a 'layers' entry listing serialized layers, got "
                             f"layers={layers!r}")
        config = copy.deepcopy(config)
        config["layers"] = [deserialize_layer(entry, custom_objects) for entry in layers]
        return cls(**config)


__all__ = ["Pipeline"]
