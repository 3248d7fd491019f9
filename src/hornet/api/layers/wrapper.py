"""``Wrapper``: the base class of layers that wrap another layer (Keras 3 ``keras.layers.Wrapper``).

The wrapped layer is tracked (its weights are the wrapper's), built with the wrapper's input shape by default,
and saved in the config as a serialized layer entry, so ``from_config`` rebuilds both.

>>> class Twice(Wrapper):                                        # doctest: +SKIP
...     def call(self, x):
...         return self.layer(self.layer(x))
>>> Twice(Dense(4)).get_config()["layer"]["class_name"]  # doctest: +SKIP
'Dense'
"""
from __future__ import annotations

import copy
import inspect
from typing import Any

from hornet.api.layers.layer import Layer
from hornet.api.saving.serialize import deserialize_layer, serialize_layer


class Wrapper(Layer):
    """Abstract wrapper: holds ``self.layer``; subclasses implement ``call`` (and may override ``build``).

    >>> w = Wrapper(Dense(3))                                        # doctest: +SKIP
    >>> w.build((None, 5)); [v.short_name for v in w.weights]  # doctest: +SKIP
    ['kernel', 'bias']
    """

    def __init__(self, layer: Layer, **kwargs: Any):
        if not isinstance(layer, Layer):
            raise ValueError(f"{type(self).__name__}: `layer` must be a hornet Layer instance, got layer={layer!r} "
                             f"of type {type(layer).__name__}")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape: Any = None) -> None:
        if not self.layer.built:
            params = [p for p in inspect.signature(type(self.layer).build).parameters.values()
                      if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
            if params:
                self.layer.build(input_shape)
            else:
                self.layer.build()
            self.layer.built = True
        self.built = True

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> "Wrapper":
        config = copy.deepcopy(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects)
        return cls(layer, **config)


__all__ = ["Wrapper"]
