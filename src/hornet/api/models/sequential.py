"""``hornet.Sequential``: a stack of layers, each taking the previous one's output.

>>> model = hornet.Sequential([hornet.Input((784,)), layers.Dense(64, activation="relu"), layers.Dense(10)])
>>> model.output_shape                                                                # doctest: +SKIP
(None, 10)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api.layers.input_layer import InputLayer
from hornet.api.layers.keras_tensor import KerasTensor
from hornet.api.layers.layer import Layer, _params
from hornet.api.models.model import Model
from hornet.ir import pytree


class Sequential(Model):
    def __init__(self, layers: Sequence[Any] | None = None, trainable: bool = True, name: str | None = None,
                 **kwargs: Any):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._input_layer: InputLayer | None = None
        self._functional: Any = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Append a layer (or an ``hornet.Input`` tensor, which sets the input shape)."""
        if isinstance(layer, KerasTensor):
            layer = layer._keras_history[0]
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._layers:
                raise ValueError(f"Sequential '{self.name}': an Input must come first (and only once)")
            object.__setattr__(self, "_input_layer", layer)
        elif not isinstance(layer, Layer):
            raise ValueError(f"Sequential.add: expected a layer, got {layer!r} of type {type(layer).__name__}")
        else:
            if any(layer is existing for existing in self._layers):
                raise ValueError(f"Sequential '{self.name}': layer '{layer.name}' was already added")
            self._layers.append(layer)
            if self._input_layer is None and len(self._layers) == 1 and layer._input_shape_arg is not None:
                object.__setattr__(self, "_input_layer", InputLayer(shape=layer._input_shape_arg))
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild: bool = True) -> Layer:
        if not self._layers:
            raise TypeError(f"Sequential '{self.name}' has no layers to pop")
        layer = self._layers.pop()
        if rebuild:
            self._maybe_rebuild()
        return layer

    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    def _maybe_rebuild(self) -> None:
        object.__setattr__(self, "_functional", None)
        self.built = False
        if self._input_layer is not None and self._layers:
            self.build(self._input_layer.batch_shape)

    def build(self, input_shape: Any = None) -> None:
        """Build every layer by calling the stack on an input of ``input_shape`` (batch dim included)."""
        from hornet.api.models.functional import Functional

        if input_shape is None:
            if self._input_layer is None:
                raise ValueError(f"Sequential '{self.name}': build() needs an input shape")
            input_shape = self._input_layer.batch_shape
        if self._input_layer is None or tuple(self._input_layer.batch_shape) != tuple(input_shape):
            dtype = self._input_layer._input_dtype if self._input_layer is not None else None
            object.__setattr__(self, "_input_layer", InputLayer(batch_shape=tuple(input_shape), dtype=dtype))
        x = self._input_layer.output
        out = x
        for layer in self._layers:
            out = layer(out)
        # the inner graph carries the Sequential's name, so its errors name the user's model
        object.__setattr__(self, "_functional", Functional(x, out, name=self.name))
        self.built = True

    @property
    def inputs(self) -> list[KerasTensor]:
        return self._functional.inputs if self._functional is not None else []

    @property
    def outputs(self) -> list[KerasTensor]:
        return self._functional.outputs if self._functional is not None else []

    @property
    def input(self) -> Any:
        return self._built_graph("input").input

    @property
    def output(self) -> Any:
        return self._built_graph("output").output

    def _built_graph(self, what: str) -> Any:
        if self._functional is None:
            raise AttributeError(f"Sequential '{self.name}' is not built yet, so it has no {what}; give it an "
                                 "Input or call build(input_shape) first")
        return self._functional

    @property
    def input_shape(self) -> Any:
        return self._input_layer.batch_shape if self._input_layer is not None else None

    @property
    def output_shape(self) -> Any:
        return self._built_graph("output shape").output_shape

    @property
    def output_names(self) -> list[str]:
        return [self._layers[-1].name] if self._layers else []

    def _maybe_build(self, inputs: Any) -> None:
        if not self.built:
            leaves = pytree.flatten(inputs)[0]
            shape = tuple(d if isinstance(d, int) else None for d in leaves[0].shape)
            self.build((None,) + shape[1:])

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        if self._functional is not None:
            return self._functional.call(inputs, training=training, mask=mask)
        x = inputs
        for layer in self._layers:
            kwargs: dict[str, Any] = {}
            if mask is not None and "mask" in _params(type(layer).call):
                kwargs["mask"] = mask
            if training is not None:
                kwargs["training"] = training
            y = layer(x, **kwargs)
            mask = layer.compute_mask(x, mask)
            x = y
        return x

    def get_config(self) -> dict[str, Any]:
        from hornet.api.saving.serialize import serialize_layer

        layers = []
        if self._input_layer is not None:
            layers.append(serialize_layer(self._input_layer))
        layers += [serialize_layer(layer) for layer in self._layers]
        return {"name": self.name, "trainable": self.trainable, "layers": layers}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> "Sequential":
        from hornet.api.saving.serialize import deserialize_layer

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for entry in config["layers"]:
            model.add(deserialize_layer(entry, custom_objects), rebuild=False)
        model._maybe_rebuild()
        return model


__all__ = ["Sequential"]
