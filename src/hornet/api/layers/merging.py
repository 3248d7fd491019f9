"""Merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot, and their functional
forms (``add([a, b])``...), with Keras 3 semantics. Each is called on a list of tensors; inputs of lower rank get
axes inserted after the batch axis, and the rest broadcast.

>>> Add()([np.ones((2, 3), "float32"), np.ones((2, 3), "float32")]).shape      # doctest: +SKIP
(2, 3)
>>> Concatenate(axis=1).compute_output_shape([(None, 3), (None, 4)])
(None, 7)
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from hornet.api import ops
from hornet.api.layers.layer import Layer


def _is_shape_list(input_shape: Any) -> bool:
    return isinstance(input_shape, (list, tuple)) and len(input_shape) > 0 and \
        all(isinstance(s, (list, tuple)) for s in input_shape)


def _broadcast_shape(layer: Layer, a: Sequence[Any], b: Sequence[Any]) -> tuple[Any, ...]:
    """Output shape of an elementwise op on two (non-batch) shapes, right-aligned, None-aware."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return tuple(a)
    out = list(a[:len(a) - len(b)])
    for i, j in zip(a[len(a) - len(b):], b):
        if i is None or j is None:
            out.append(None)
        elif i == 1 or j == 1:
            out.append(j if i == 1 else i)
        elif i != j:
            raise ValueError(f"layer '{layer.name}' ({type(layer).__name__}): inputs have incompatible shapes. "
                             f"Received shapes {tuple(a)} and {tuple(b)}")
        else:
            out.append(i)
    return tuple(out)


class Merge(Layer):
    """Base of the elementwise merge layers; subclasses define ``_merge_function(inputs, masks)``."""

    min_inputs = 1

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check_shapes(self, input_shape: Any) -> None:
        if not _is_shape_list(input_shape):
            raise ValueError(f"A merge layer ('{self.name}', {type(self).__name__}) should be called on a list of "
                             f"inputs. Received: input_shape={input_shape} (not a list of shapes)")
        if len(input_shape) < self.min_inputs:
            raise ValueError(f"layer '{self.name}' ({type(self).__name__}) should be called on a list of at least "
                             f"{self.min_inputs} inputs. Received {len(input_shape)} inputs: {input_shape}")
        batch = {s[0] for s in input_shape if len(s)} - {None}
        if len(batch) > 1:
            raise ValueError(f"layer '{self.name}' ({type(self).__name__}): cannot merge tensors with different "
                             f"batch sizes. Received tensors with shapes {input_shape}")

    def build(self, input_shape: Any) -> None:
        self._check_shapes(input_shape)
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A merge layer ('{self.name}', {type(self).__name__}) should be called on a list of "
                             f"inputs. Received: inputs of shape {getattr(inputs, 'shape', inputs)} (not a list)")
        inputs = list(inputs)
        top = max(len(x.shape) for x in inputs)
        for i, x in enumerate(inputs):
            for _ in range(top - len(x.shape)):
                x = ops.expand_dims(x, 1)
            inputs[i] = x
        masks = list(mask) if isinstance(mask, (list, tuple)) else [None] * len(inputs)
        return self._merge_function(inputs, masks)

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        raise NotImplementedError

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        self._check_shapes(input_shape)
        out: tuple[Any, ...] = tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            out = _broadcast_shape(self, out, tuple(shape[1:]))
        batch = {s[0] for s in input_shape if len(s)} - {None}
        return (batch.pop() if len(batch) == 1 else None, *out)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if previous_mask is None:
            return None
        if not isinstance(previous_mask, (list, tuple)) or len(previous_mask) != len(inputs):
            raise ValueError(f"layer '{self.name}': `mask` should be a list with one entry per input. "
                             f"Received: mask={previous_mask}")
        if any(m is None for m in previous_mask):
            return None
        out = previous_mask[0]
        for m in previous_mask[1:]:
            out = ops.logical_or(out, m)
        return out


def _masked_reduce(op: Callable[[Any, Any], Any], inputs: list[Any], masks: list[Any]) -> Any:
    """Keras's masked Maximum/Minimum: a masked-out entry takes the other operand's value."""
    out, out_mask = None, None
    for x, m in zip(inputs, masks):
        if m is not None:
            m = ops.broadcast_to(ops.expand_dims(m, -1), ops.shape(x))
        if out is None:
            out, out_mask = x, m
            continue
        if m is not None:
            x = ops.where(m, x, out)
        if out_mask is not None:
            out = ops.where(out_mask, out, x)
        out_mask = ops.logical_or(out_mask, m) if m is not None and out_mask is not None else None
        out = op(out, x)
    return out


class Add(Merge):
    """Elementwise sum of the inputs."""

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return out


class Subtract(Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs)."""

    min_inputs = 2

    def _check_shapes(self, input_shape: Any) -> None:
        super()._check_shapes(input_shape)
        if len(input_shape) != 2:
            raise ValueError(f"A `Subtract` layer ('{self.name}') should be called on exactly 2 inputs. Received "
                             f"{len(input_shape)} inputs with shapes {input_shape}")

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        if len(inputs) != 2:
            raise ValueError(f"A `Subtract` layer ('{self.name}') should be called on exactly 2 inputs. "
                             f"Received {len(inputs)}")
        return ops.subtract(inputs[0], inputs[1])


class Multiply(Merge):
    """Elementwise product of the inputs (masked-out entries count as 1, and are 0 in the output)."""

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        all_masked = all(m is not None for m in masks)
        out, out_mask = None, None
        for x, m in zip(inputs, masks):
            if m is not None:
                m = ops.broadcast_to(ops.expand_dims(m, -1), ops.shape(x))
                x = ops.where(m, x, ops.ones_like(x))
                if all_masked:
                    out_mask = m if out_mask is None else ops.logical_or(out_mask, m)
            out = x if out is None else ops.multiply(out, x)
        if all_masked:
            out = ops.where(out_mask, out, ops.zeros_like(out))
        return out


class Average(Merge):
    """Elementwise mean of the inputs."""

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return out / len(inputs)


class Maximum(Merge):
    """Elementwise maximum of the inputs."""

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        return _masked_reduce(ops.maximum, inputs, masks)


class Minimum(Merge):
    """Elementwise minimum of the inputs."""

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        return _masked_reduce(ops.minimum, inputs, masks)


class Concatenate(Merge):
    """Concatenates the inputs along ``axis`` (all other dims must match)."""

    def __init__(self, axis: int = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = axis

    def _check_shapes(self, input_shape: Any) -> None:
        super()._check_shapes(input_shape)
        ranks = {len(s) for s in input_shape}
        bad = len(ranks) != 1
        if not bad:
            rank = ranks.pop()
            axis = self.axis % rank
            for d in range(rank):
                sizes = {s[d] for s in input_shape if s[d] is not None}
                if d != axis and len(sizes) > 1:
                    bad = True
        if bad:
            raise ValueError(f"A `Concatenate` layer ('{self.name}') requires inputs with matching shapes except for "
                             f"the concatenation axis {self.axis}. Received: input_shape={input_shape}")

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A `Concatenate` layer ('{self.name}') should be called on a list of inputs.")
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        self._check_shapes(input_shape)
        out = list(input_shape[0])
        for shape in input_shape[1:]:
            if out[self.axis] is None or shape[self.axis] is None:
                out[self.axis] = None
                break
            out[self.axis] += shape[self.axis]
        return tuple(out)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        if previous_mask is None or all(m is None for m in previous_mask):
            return None
        masks = []
        for x, m in zip(inputs, previous_mask):
            if m is None:
                masks.append(ops.ones_like(x, dtype="bool"))
            elif len(m.shape) < len(x.shape):
                masks.append(ops.logical_or(ops.expand_dims(m, -1), ops.zeros_like(x, dtype="bool")))
            else:
                masks.append(m)
        return ops.any(ops.concatenate(masks, axis=self.axis), axis=-1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


_LETTERS = "abcdefghijklmnopqrstuvwxy"


class Dot(Merge):
    """Per-sample dot product of two tensors along ``axes`` (an int, or one axis per input; never the batch
    axis); ``normalize=True`` L2-normalizes both first (cosine similarity)."""

    min_inputs = 2

    def __init__(self, axes: int | Sequence[int], normalize: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(f"Invalid type for argument `axes`: it should be a list or an int. Received: "
                                f"axes={axes!r}")
            if len(axes) != 2 or not all(isinstance(a, int) for a in axes):
                raise ValueError(f"Invalid format for argument `axes`: it should contain two integers. "
                                 f"Received: axes={axes!r}")
        self.axes = axes
        self.normalize = normalize

    def _axes(self, ranks: Sequence[int]) -> list[int]:
        axes = [self.axes, self.axes] if isinstance(self.axes, int) else list(self.axes)
        axes = [a % r if a < 0 else a for a, r in zip(axes, ranks)]
        if 0 in axes:
            raise ValueError(f"layer '{self.name}' (Dot): cannot take the dot product over axis 0 (the batch axis). "
                             f"Received axes={self.axes} for inputs of ranks {tuple(ranks)}")
        return axes

    def _check_shapes(self, input_shape: Any) -> None:
        super()._check_shapes(input_shape)
        if len(input_shape) != 2:
            raise ValueError(f"A `Dot` layer ('{self.name}') should be called on a list of 2 inputs. "
                             f"Received: input_shape={input_shape}")
        s1, s2 = input_shape
        if len(s1) < 2 or len(s2) < 2:
            raise ValueError(f"layer '{self.name}' (Dot): inputs must have rank >= 2, got shapes {s1} and {s2}")
        a1, a2 = self._axes((len(s1), len(s2)))
        if s1[a1] is not None and s2[a2] is not None and s1[a1] != s2[a2]:
            raise ValueError(f"layer '{self.name}' (Dot): incompatible input shapes: axis values {s1[a1]} (at axis "
                             f"{a1}) != {s2[a2]} (at axis {a2}). Full input shapes: {s1}, {s2}")

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(f"A `Dot` layer ('{self.name}') should be called on exactly 2 inputs.")
        x, y = inputs
        a1, a2 = self._axes((len(x.shape), len(y.shape)))
        if self.normalize:
            x, y = ops.normalize(x, axis=a1), ops.normalize(y, axis=a2)
        nx, ny = len(x.shape), len(y.shape)
        xs = "z" + _LETTERS[:nx - 1]
        ys = "z" + _LETTERS[nx - 1:nx + ny - 2]
        xs = xs[:a1] + "Z" + xs[a1 + 1:]
        ys = ys[:a2] + "Z" + ys[a2 + 1:]
        out = "z" + "".join(c for c in xs[1:] if c != "Z") + "".join(c for c in ys[1:] if c != "Z")
        result = ops.einsum(f"{xs},{ys}->{out}", x, y)
        return ops.expand_dims(result, -1) if len(out) == 1 else result

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        self._check_shapes(input_shape)
        s1, s2 = list(input_shape[0]), list(input_shape[1])
        a1, a2 = self._axes((len(s1), len(s2)))
        s1.pop(a1)
        s2.pop(a2)
        out = s1 + s2[1:]
        return tuple(out + [1] if len(out) == 1 else out)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return None

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def add(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """Functional form of ``Add``."""
    return Add(**kwargs)(inputs)


def subtract(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """Functional form of ``Subtract``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """Functional form of ``Multiply``."""
    return Multiply(**kwargs)(inputs)


def average(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """Functional form of ``Average``."""
    return Average(**kwargs)(inputs)


def maximum(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """Functional form of ``Maximum``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """Functional form of ``Minimum``."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: Sequence[Any], axis: int = -1, **kwargs: Any) -> Any:
    """Functional form of ``Concatenate``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs: Sequence[Any], axes: int | Sequence[int] = -1, **kwargs: Any) -> Any:
    """Functional form of ``Dot``."""
    return Dot(axes=axes, **kwargs)(inputs)


__all__ = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot", "add", "subtract",
           "multiply", "average", "maximum", "minimum", "concatenate", "dot"]
