"""Activation functions (``hornet.activations``), with Keras 3 names and arguments, written with ``hornet.ops``.

``get`` turns a name ("relu", "swish", ...), None (``linear``) or a callable into a function on tensors;
``serialize`` gives a built-in's name (what Keras stores in layer configs).

>>> from hornet import activations
>>> activations.get("relu")(np.array([-1.0, 2.0], "float32")).tolist()     # doctest: +SKIP
[0.0, 2.0]
>>> activations.serialize(activations.get("swish"))
'silu'
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from hornet.api import ops
from hornet.api.custom_objects import get_registered_name, is_registered, lookup


def relu(x: Any, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0) -> Any:
    """``max(x, 0)``; optionally leaky below ``threshold`` (``negative_slope``) and clipped at ``max_value``."""
    x = ops.convert_to_tensor(x)
    if negative_slope != 0.0 and max_value is None and threshold == 0:
        return ops.leaky_relu(x, negative_slope=negative_slope)
    negative_part = ops.relu(threshold - x) if negative_slope != 0.0 else None
    if threshold != 0:
        y = ops.where(ops.greater(x, ops.cast(threshold, x.dtype)), x, ops.zeros_like(x))
    else:
        y = ops.relu(x)
    if max_value is not None:
        y = ops.clip(y, ops.cast(0.0, x.dtype), ops.cast(max_value, x.dtype))
    if negative_part is not None:
        y = y - negative_slope * negative_part
    return y


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Any:
    """``x`` if positive else ``negative_slope * x``."""
    return ops.leaky_relu(x, negative_slope=negative_slope)


def relu6(x: Any) -> Any:
    """``min(max(x, 0), 6)``."""
    return ops.relu6(x)


def softmax(x: Any, axis: int = -1) -> Any:
    """``exp(x) / sum(exp(x))`` along ``axis``."""
    return ops.softmax(x, axis=axis)


def elu(x: Any, alpha: float = 1.0) -> Any:
    """``x`` if positive else ``alpha * (exp(x) - 1)``."""
    return ops.elu(x, alpha=alpha)


def selu(x: Any) -> Any:
    """Scaled ELU with the self-normalizing constants."""
    return ops.selu(x)


def celu(x: Any, alpha: float = 1.0) -> Any:
    """``max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))``."""
    return ops.celu(x, alpha=alpha)


def softplus(x: Any) -> Any:
    """``log(exp(x) + 1)``."""
    return ops.softplus(x)


def softsign(x: Any) -> Any:
    """``x / (abs(x) + 1)``."""
    return ops.softsign(x)


def squareplus(x: Any, b: float = 4) -> Any:
    """``(x + sqrt(x^2 + b)) / 2``."""
    return ops.squareplus(x, b=b)


def soft_shrink(x: Any, threshold: float = 0.5) -> Any:
    """``x - threshold`` above it, ``x + threshold`` below ``-threshold``, else 0."""
    return ops.soft_shrink(x, threshold=threshold)


def hard_shrink(x: Any, threshold: float = 0.5) -> Any:
    """``x`` where ``|x| > threshold``, else 0."""
    return ops.hard_shrink(x, threshold=threshold)


def sparse_plus(x: Any) -> Any:
    """0 below -1, ``(x + 1)^2 / 4`` in [-1, 1], ``x`` above 1."""
    return ops.sparse_plus(x)


def silu(x: Any) -> Any:
    """``x * sigmoid(x)`` (swish)."""
    return ops.silu(x)


def gelu(x: Any, approximate: bool = False) -> Any:
    """Gaussian error linear unit (``approximate`` uses the tanh form)."""
    return ops.gelu(x, approximate=approximate)


def glu(x: Any, axis: int = -1) -> Any:
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves of ``x`` along ``axis``."""
    return ops.glu(x, axis=axis)


def tanh(x: Any) -> Any:
    """Hyperbolic tangent."""
    return ops.tanh(x)


def tanh_shrink(x: Any) -> Any:
    """``x - tanh(x)``."""
    return ops.tanh_shrink(x)


def hard_tanh(x: Any) -> Any:
    """``clip(x, -1, 1)``."""
    return ops.hard_tanh(x)


def threshold(x: Any, threshold: float, default_value: float) -> Any:
    """``x`` where ``x > threshold``, else ``default_value``."""
    return ops.threshold(x, threshold, default_value)


def sigmoid(x: Any) -> Any:
    """``1 / (1 + exp(-x))``."""
    return ops.sigmoid(x)


def sparse_sigmoid(x: Any) -> Any:
    """0 below -1, ``(x + 1) / 2`` in [-1, 1], 1 above."""
    return ops.sparse_sigmoid(x)


def exponential(x: Any) -> Any:
    """``exp(x)``."""
    return ops.exp(x)


def hard_sigmoid(x: Any) -> Any:
    """``relu6(x + 3) / 6``."""
    return ops.hard_sigmoid(x)


def log_sigmoid(x: Any) -> Any:
    """``log(sigmoid(x))``, computed stably."""
    return ops.log_sigmoid(x)


def hard_silu(x: Any) -> Any:
    """``x * hard_sigmoid(x)`` (hard swish)."""
    return ops.hard_silu(x)


def linear(x: Any) -> Any:
    """The identity."""
    return x


def mish(x: Any) -> Any:
    """``x * tanh(softplus(x))``."""
    return x * ops.tanh(ops.softplus(x))


def log_softmax(x: Any, axis: int = -1) -> Any:
    """``x - logsumexp(x)`` along ``axis``."""
    return ops.log_softmax(x, axis=axis)


def sparsemax(x: Any, axis: int = -1) -> Any:
    """Euclidean projection of ``x`` onto the probability simplex along ``axis``."""
    return ops.sparsemax(x, axis=axis)


swish = silu
hard_swish = hard_silu

ALL_ACTIVATIONS: dict[str, Callable[..., Any]] = {fn.__name__: fn for fn in (
    relu, leaky_relu, relu6, softmax, celu, elu, selu, softplus, softsign, squareplus, soft_shrink, sparse_plus,
    silu, gelu, glu, tanh, tanh_shrink, threshold, sigmoid, sparse_sigmoid, exponential, hard_sigmoid, hard_silu,
    hard_tanh, hard_shrink, linear, mish, log_softmax, log_sigmoid, sparsemax)}
ALL_ACTIVATIONS["swish"] = silu
ALL_ACTIVATIONS["hard_swish"] = hard_silu


def serialize(activation: Any) -> Any:
    """The name of a built-in activation; an object with ``get_config`` gives a Keras-layout dict.

    >>> serialize(relu)
    'relu'
    """
    if activation is None:
        return "linear"
    name = getattr(activation, "__name__", None)
    if name is not None and ALL_ACTIVATIONS.get(name) is activation:
        return name
    if is_registered(activation):
        return get_registered_name(activation)
    if hasattr(activation, "get_config"):
        cls = type(activation)
        return {"module": "hornet.activations", "class_name": cls.__name__, "config": activation.get_config(),
                "registered_name": get_registered_name(cls) if is_registered(cls) else None}
    if name is not None and name != "<lambda>":
        # a custom function: stored by name; deserializing needs it in custom_objects
        return name
    raise ValueError(f"Unknown activation function {activation!r} cannot be serialized: pass a named function "
                     "(and give it in `custom_objects` when loading) or an object with get_config()")


def deserialize(config: Any, custom_objects: Mapping[str, Any] | None = None) -> Callable[..., Any]:
    """The activation named by ``config`` (a name or a Keras-layout dict), looked up in ``custom_objects`` first."""
    if isinstance(config, Mapping):
        obj = lookup(config.get("registered_name"), custom_objects) or lookup(config.get("class_name"),
                                                                              custom_objects)
        if obj is not None:
            inner = config.get("config")
            if isinstance(obj, type):
                return obj.from_config(inner) if hasattr(obj, "from_config") else obj(**(inner or {}))
            return obj
        inner = config.get("config")
        if isinstance(inner, str):
            return deserialize(inner, custom_objects)
        raise ValueError(f"Unknown activation: {config!r}; pass it in `custom_objects`")
    if isinstance(config, str):
        fn = lookup(config, custom_objects) or ALL_ACTIVATIONS.get(config)
        if fn is None:
            raise ValueError(f"Unknown activation function: '{config}'. Expected one of {sorted(ALL_ACTIVATIONS)}, "
                             "or pass it in `custom_objects`.")
        return fn
    raise ValueError(f"Could not deserialize activation from {config!r}")


def get(identifier: Any) -> Callable[..., Any]:
    """An activation from a name, a config dict, a callable or None (``linear``).

    >>> get(None) is linear
    True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, Mapping)):
        try:
            return deserialize(identifier)
        except ValueError:
            raise ValueError(f"Could not interpret activation function identifier: {identifier!r}. Known names: "
                             f"{sorted(ALL_ACTIVATIONS)}") from None
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


__all__ = sorted(ALL_ACTIVATIONS) + ["serialize", "deserialize", "get"]
