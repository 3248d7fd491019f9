"""Core layers: Dense, EinsumDense, Activation, Embedding, Lambda, Identity, Masking (Keras 3 semantics).

>>> layer = Dense(4, activation="relu")
>>> layer.compute_output_shape((None, 3))
(None, 4)
"""
from __future__ import annotations

import inspect
import re
from typing import Any, Callable, Mapping, Sequence

from hornet.api import activations, constraints, initializers, ops, regularizers
from hornet.api.layers.layer import Layer
from hornet.api.layers.layer_objects import set_objects
from hornet.ir import pytree
from hornet.ir.errors import ShapeError


def _read(layer: Layer, var: Any) -> Any:
    """A weight's value in the layer's compute dtype (mixed precision keeps float32 variables)."""
    value = var.value
    return value if var.dtype.name == layer.compute_dtype else ops.cast(value, layer.compute_dtype)


def _no_lora(layer: Layer, lora_rank: Any, quantization_config: Any) -> None:
    if lora_rank:
        raise NotImplementedError(f"{type(layer).__name__}: LoRA (lora_rank={lora_rank}) is not supported by hornet")
    if quantization_config is not None:
        raise NotImplementedError(f"{type(layer).__name__}: quantization_config is not supported by hornet")


def _dim(layer: Layer, shape: Sequence[Any], axis: int) -> int:
    d = shape[axis]
    if d is None:
        raise ShapeError(f"layer '{layer.name}' ({type(layer).__name__}) needs a known size for axis {axis} of its "
                         f"input, got input shape {tuple(shape)}")
    return int(d)


class Dense(Layer):
    """``activation(inputs @ kernel + bias)``, the kernel applied to the last axis of inputs of rank >= 2.

    >>> Dense(3).compute_output_shape((None, 5, 4))
    (None, 5, 3)
    """

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, lora_rank: int | None = None,
                 lora_alpha: float | None = None, quantization_config: Any = None, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"Received an invalid value for `units`, expected a positive integer. "
                             f"Received: units={units!r}")
        _no_lora(self, lora_rank, quantization_config)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        set_objects(self, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                    kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                    kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
        self.supports_masking = True

    def build(self, input_shape: Sequence[Any]) -> None:
        if len(input_shape) < 2:
            raise ShapeError(f"layer '{self.name}' (Dense) expects an input of rank >= 2, got shape "
                             f"{tuple(input_shape)} (rank {len(input_shape)})")
        self.input_dim = _dim(self, input_shape, -1)
        self.kernel = self.add_weight(shape=(self.input_dim, self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")
        self.built = True

    def call(self, inputs: Any) -> Any:
        if len(inputs.shape) < 2 or inputs.shape[-1] != self.input_dim:
            raise ShapeError(f"layer '{self.name}' (Dense) expects inputs of rank >= 2 with last dimension "
                             f"{self.input_dim}, got shape {tuple(inputs.shape)}")
        x = ops.matmul(inputs, _read(self, self.kernel))
        if self.bias is not None:
            x = ops.add(x, _read(self, self.bias))
        return self.activation(x)

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint), "quantization_config": None}


def _analyze_einsum(equation: str, bias_axes: str | None, input_shape: Sequence[Any],
                    output_shape: Sequence[Any]) -> tuple[list[Any], list[Any] | None, list[Any], list[int], list[int]]:
    """Kernel shape, bias shape, full output shape, and the kernel's input/output axes for an EinsumDense."""
    eq = equation.replace("...", "0")
    left = False
    m = re.fullmatch(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", eq)
    if m is None:
        m = re.fullmatch(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", eq)
        left = m is not None
    if m is None:
        m = re.fullmatch(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", eq)
    if m is None:
        raise ValueError(f"Invalid einsum equation '{equation}'. Equations must be in the form [X],[Y]->[Z], "
                         "...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....")
    in_spec, w_spec, out_spec = m.groups()
    elided = len(input_shape) - len(in_spec)
    out = [input_shape[0], *output_shape]
    if elided > 0 and left:
        for i in range(1, elided):
            out.insert(1, input_shape[i])
    elif elided > 0:
        out.extend(input_shape[len(input_shape) - elided:])
    if left:
        in_map = {d: i + elided - len(input_shape) for i, d in enumerate(in_spec)}
        out_map = {d: i + elided for i, d in enumerate(out_spec)}
    else:
        in_map = {d: i for i, d in enumerate(in_spec)}
        out_map = {d: i for i, d in enumerate(out_spec)}
    for d in in_spec:
        if d in out_map and out[out_map[d]] is not None and out[out_map[d]] != input_shape[in_map[d]]:
            raise ValueError(f"Input shape and output shape do not match at shared dimension '{d}'. Input shape is "
                             f"{input_shape[in_map[d]]}, and output shape is {out[out_map[d]]}.")
    for d in out_spec:
        if d not in in_spec and d not in w_spec:
            raise ValueError(f"Dimension '{d}' was specified in the output '{out_spec}' but has no corresponding dim "
                             f"in the input spec '{in_spec}' or weight spec '{w_spec}'")
    kernel, in_axes, out_axes = [], [], []
    for i, d in enumerate(w_spec):
        if d in out_map:
            kernel.append(out[out_map[d]])
            out_axes.append(i)
        elif d in in_map:
            kernel.append(input_shape[in_map[d]])
            in_axes.append(i)
        else:
            raise ValueError(f"Weight dimension '{d}' did not have a match in either the input spec '{in_spec}' or "
                             f"the output spec '{out_spec}'. For this layer, the weight must be fully specified.")
    bias = None
    if bias_axes is not None:
        for c in bias_axes:
            if c not in out_spec:
                raise ValueError(f"Bias dimension '{c}' was requested, but is not part of the output spec "
                                 f"'{out_spec}'")
        offset = elided if left else 0
        sizes = {c: out[i + offset] for i, c in enumerate(out_spec)}
        first = min(out_spec.find(c) for c in bias_axes)
        bias = [sizes[c] if c in bias_axes else 1 for c in out_spec[first:]]
        if not left:
            bias.extend([1] * max(elided, 0))
    return kernel, bias, out, in_axes, out_axes


class EinsumDense(Layer):
    """A dense layer given by an einsum ``equation`` between inputs and a kernel, e.g. ``"abc,cd->abd"``;
    ``output_shape`` excludes the batch dim (None for dims inferred from the input).

    >>> EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c").compute_output_shape((None, 3))
    (None, 4)
    """

    def __init__(self, equation: str, output_shape: Any, activation: Any = None, bias_axes: str | None = None,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, lora_rank: int | None = None, lora_alpha: float | None = None,
                 gptq_unpacked_column_size: Any = None, quantization_config: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        _no_lora(self, lora_rank, quantization_config)
        self.equation = equation
        self.partial_output_shape = tuple(output_shape) if isinstance(output_shape, (list, tuple)) \
            else (output_shape,)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        set_objects(self, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                    kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                    kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    def build(self, input_shape: Sequence[Any]) -> None:
        kernel_shape, bias_shape, _, in_axes, out_axes = _analyze_einsum(
            self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape)
        if any(d is None for d in kernel_shape):
            raise ShapeError(f"layer '{self.name}' (EinsumDense): the kernel shape {tuple(kernel_shape)} has unknown "
                             f"dims for input shape {tuple(input_shape)}; give them in output_shape or the input")
        init = self.kernel_initializer
        if isinstance(init, initializers.VarianceScaling) and (init.input_axes is None or init.output_axes is None):
            # fans come from the kernel axes that meet the input and the output, as Keras computes them
            init = type(init).from_config({**init.get_config(), "input_axes": in_axes, "output_axes": out_axes})
        self.kernel = self.add_weight(shape=tuple(kernel_shape), initializer=init,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.bias = None
        if bias_shape is not None:
            self.bias = self.add_weight(shape=tuple(bias_shape), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")
        self.built = True

    def call(self, inputs: Any) -> Any:
        x = ops.einsum(self.equation, inputs, _read(self, self.kernel))
        if self.bias is not None:
            x = ops.add(x, _read(self, self.bias))
        return self.activation(x)

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(_analyze_einsum(self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape)[2])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "output_shape": list(self.partial_output_shape), "equation": self.equation,
                "activation": activations.serialize(self.activation), "bias_axes": self.bias_axes,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint), "quantization_config": None}


class Activation(Layer):
    """Applies an activation function (a name or a callable).

    >>> Activation("relu")(np.array([-1.0, 2.0], "float32")).tolist()       # doctest: +SKIP
    [0.0, 2.0]
    """

    def __init__(self, activation: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)
        self.built = True

    def call(self, inputs: Any) -> Any:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Embedding(Layer):
    """Maps integer ids in ``[0, input_dim)`` to rows of an ``(input_dim, output_dim)`` table; ``mask_zero``
    makes id 0 padding (``compute_mask`` gives ``ids != 0``).

    >>> Embedding(10, 4).compute_output_shape((None, 7))
    (None, 7, 4)
    """

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Any = None, embeddings_constraint: Any = None, mask_zero: bool = False,
                 weights: Any = None, lora_rank: int | None = None, lora_alpha: float | None = None,
                 activity_regularizer: Any = None, quantization_config: Any = None, **kwargs: Any):
        kwargs.pop("input_length", None)  # Keras 2 argument, ignored by Keras 3 too
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        _no_lora(self, lora_rank, quantization_config)
        for arg, v in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                raise ValueError(f"Embedding: `{arg}` must be a positive integer, received {arg}={v!r}")
        self.input_dim, self.output_dim = input_dim, output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self._initial_weights = weights
        if weights is not None:
            self.build()
            self.set_weights(weights if isinstance(weights, (list, tuple)) else [weights])

    def build(self, input_shape: Any = None) -> None:
        if getattr(self, "embeddings", None) is not None:
            return
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint, name="embeddings")
        self.built = True

    def call(self, inputs: Any) -> Any:
        if ops.dtype(inputs) not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        return ops.take(_read(self, self.embeddings), inputs, axis=0)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero, "quantization_config": None}


def _function_name(fn: Any) -> str:
    """What a Lambda config keeps of a function: its name (never its code)."""
    return getattr(fn, "__name__", None) or "<lambda>"


def _resolve_function(ref: Any, what: str, custom_objects: Mapping[str, Any] | None) -> Callable[..., Any]:
    if callable(ref):
        return ref
    if isinstance(ref, Mapping):  # a Keras-written {"class_name": "function", "config": name} entry
        ref = ref.get("config") if isinstance(ref.get("config"), str) else ref.get("class_name")
    if isinstance(ref, str) and custom_objects and ref in custom_objects:
        return custom_objects[ref]
    raise ValueError(f"Lambda.from_config: the {what} {ref!r} can't be rebuilt from a config (hornet saves only its "
                     f"name, never code). Pass it in `custom_objects={{{ref!r}: your_function}}`.")


class Lambda(Layer):
    """Wraps a function of tensors written with ``hornet.ops``; it is traced into the graph like any layer.
    ``get_config`` keeps the function's name only: reloading needs it in ``custom_objects``.

    >>> Lambda(lambda x: x * 2)(np.ones(2, "float32")).tolist()           # doctest: +SKIP
    [2.0, 2.0]
    """

    def __init__(self, function: Callable[..., Any], output_shape: Any = None, mask: Any = None,
                 arguments: dict[str, Any] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Lambda: `function` must be callable, received {function!r}")
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = output_shape
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._fn_training = "training" in params
        self._fn_mask = "mask" in params
        self.built = True

    def call(self, inputs: Any, mask: Any = None, training: Any = None) -> Any:
        kwargs = dict(self.arguments)
        if self._fn_mask:
            kwargs["mask"] = mask
        if self._fn_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return self.mask(inputs, previous_mask) if callable(self.mask) else self.mask

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = pytree.flatten(input_shape)[0][0] if isinstance(input_shape, list) else input_shape[0]
        shape = self._output_shape
        if isinstance(shape, (tuple, list)) and all(d is None or isinstance(d, int) for d in shape):
            return (batch, *shape)
        return [(batch, *s) for s in shape]

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "function": _function_name(self.function),
                  "arguments": self.arguments}
        if self._output_shape is not None:
            config["output_shape"] = _function_name(self._output_shape) \
                if callable(self._output_shape) else self._output_shape
        if self.mask is not None:
            config["mask"] = _function_name(self.mask) if callable(self.mask) else self.mask
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Mapping[str, Any] | None = None) -> "Lambda":
        config = dict(config)
        config["function"] = _resolve_function(config["function"], "function", custom_objects)
        for key in ("output_shape", "mask"):
            if isinstance(config.get(key), (str, Mapping)):
                config[key] = _resolve_function(config[key], key, custom_objects)
        return cls(**config)


class Identity(Layer):
    """Returns its inputs unchanged (masks pass through)."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape


class Masking(Layer):
    """Masks timesteps whose features all equal ``mask_value``: they are zeroed and ``compute_mask`` gives
    ``any(inputs != mask_value, axis=-1)``."""

    def __init__(self, mask_value: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs: Any) -> Any:
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return ops.multiply(inputs, ops.cast(keep, ops.dtype(inputs)))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mask_value": self.mask_value}


__all__ = ["Dense", "EinsumDense", "Activation", "Embedding", "Lambda", "Identity", "Masking"]
