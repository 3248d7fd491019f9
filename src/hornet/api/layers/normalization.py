"""Normalization layers (Keras 3 arguments and semantics): ``BatchNormalization``, ``LayerNormalization``,
``GroupNormalization``, ``UnitNormalization`` and ``RMSNormalization``.

>>> bn = BatchNormalization()                                   # doctest: +SKIP
>>> y = bn(x, training=True)      # batch statistics; moving_mean/moving_variance updated with var.assign
>>> y = bn(x)                     # inference: the moving statistics
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers.layer_objects import get_all, serialize_all
from hornet.api.layers.call_context import batch_mask
from hornet.api.layers.layer import Layer
from hornet.ir.dtypes import DType, result_type
from hornet.ir.errors import ShapeError


def _compute_dtype(x: Any) -> str:
    """At least float32: what the statistics of half-float inputs are computed in."""
    return result_type(ops.dtype(x), DType.float32).name


def _norm_axis(layer: Layer, axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise ShapeError(f"layer '{layer.name}' ({type(layer).__name__}): axis {axis} is out of bounds for inputs of "
                         f"rank {ndim}")
    return axis % ndim


def _check_axes(layer: Layer, axes: Any, input_shape: Sequence[Any]) -> tuple[Any, ...]:
    for a in (axes if isinstance(axes, (list, tuple)) else [axes]):
        _norm_axis(layer, a, len(input_shape))
    return tuple(input_shape)


def _check_built(layer: Layer, x: Any, ndim: int, axis: int, channels: int | None) -> None:
    """Inputs after build must keep the rank and the size of the normalized axis."""
    shape = tuple(x.shape)
    if len(shape) != ndim or (channels is not None and shape[axis] != channels):
        raise ShapeError(f"layer '{layer.name}' ({type(layer).__name__}) was built for rank-{ndim} inputs with "
                         f"{channels} channels on axis {axis}, got shape {shape}")


def _param_weights(layer: Layer, shape: tuple[int, ...], scale: bool, center: bool) -> None:
    """``gamma`` (if ``scale``) then ``beta`` (if ``center``), as every Keras normalization layer creates them."""
    layer.gamma = layer.add_weight(name="gamma", shape=shape, initializer=layer.gamma_initializer,
                                   regularizer=layer.gamma_regularizer, constraint=layer.gamma_constraint,
                                   trainable=True, autocast=False) if scale else None
    layer.beta = layer.add_weight(name="beta", shape=shape, initializer=layer.beta_initializer,
                                  regularizer=layer.beta_regularizer, constraint=layer.beta_constraint,
                                  trainable=True, autocast=False) if center else None


def _param_config(layer: Layer) -> dict[str, Any]:
    return serialize_all(beta_initializer=layer.beta_initializer, gamma_initializer=layer.gamma_initializer,
                         beta_regularizer=layer.beta_regularizer, gamma_regularizer=layer.gamma_regularizer,
                         beta_constraint=layer.beta_constraint, gamma_constraint=layer.gamma_constraint)


def _set_params(layer: Layer, center: Any, scale: Any, **identifiers: Any) -> None:
    """``center``/``scale`` as bools and each initializer/regularizer/constraint as got from its module."""
    layer.center = bool(center)
    layer.scale = bool(scale)
    for key, obj in get_all(**identifiers).items():
        setattr(layer, key, obj)


def _init_affine(layer: Layer, epsilon: float, center: Any, scale: Any, **identifiers: Any) -> None:
    """What Layer- and GroupNormalization set alike: ``epsilon``, the gamma/beta arguments, mask support, and no
    autocast (their statistics are computed in at least float32)."""
    layer.epsilon = epsilon
    _set_params(layer, center, scale, **identifiers)
    layer.supports_masking = True
    layer.autocast = False


def _axis_arg(layer: Layer, axis: Any) -> Any:
    """An int axis, or a list of int axes from a list/tuple."""
    if isinstance(axis, (list, tuple)):
        return [int(a) for a in axis]
    if isinstance(axis, int) and not isinstance(axis, bool):
        return axis
    raise TypeError(f"{type(layer).__name__}: `axis` must be an int or a list/tuple of ints, received {axis!r}")


def _build_axes(layer: Layer, input_shape: Sequence[Any]) -> list[int]:
    """``layer.axis`` as a sorted list, each axis checked against the input rank."""
    axes = sorted(layer.axis) if isinstance(layer.axis, list) else [layer.axis]
    for a in axes:
        _norm_axis(layer, a, len(input_shape))
    return axes


def _ema(moving: Any, batch: Any, momentum: float) -> Any:
    """``moving * momentum + batch * (1 - momentum)``: the moving-statistics update."""
    return ops.add(ops.multiply(moving, momentum), ops.multiply(batch, 1.0 - momentum))


def _sqrt_of(initializer: Any) -> Any:
    """An initializer giving the square root of another one's values (moving_stddev from moving_variance)."""
    def init(shape: Any, dtype: Any = None) -> np.ndarray:
        return np.sqrt(np.asarray(initializer(shape, dtype)))
    return init


class _AxisNormalization(Layer):
    """A normalization over ``self.axis``: the output shape is the input shape, once the axes are checked."""

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        return _check_axes(self, self.axis, input_shape)


class BatchNormalization(_AxisNormalization):
    """Normalize with batch statistics in training (``training=True``) and moving statistics otherwise.

    Training updates ``moving_mean``/``moving_variance`` as ``moving * momentum + batch * (1 - momentum)`` (the
    batch variance is the biased one). A layer with ``trainable = False`` always runs in inference mode and
    updates nothing. ``renorm=True`` is batch renormalization (``renorm_clipping`` keys ``rmax``, ``rmin``,
    ``dmax``). ``synchronized`` has no effect on one device.

    >>> bn = BatchNormalization(momentum=0.9)                    # doctest: +SKIP
    >>> bn(np.random.normal(size=(32, 4)).astype("float32"), training=True).shape
    (32, 4)
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 moving_mean_initializer: Any = "zeros", moving_variance_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, renorm: bool = False, renorm_clipping: dict[str, float] | None = None,
                 renorm_momentum: float = 0.99, synchronized: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.synchronized = bool(synchronized)
        _set_params(self, center, scale, beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                    moving_mean_initializer=moving_mean_initializer,
                    moving_variance_initializer=moving_variance_initializer, beta_regularizer=beta_regularizer,
                    gamma_regularizer=gamma_regularizer, beta_constraint=beta_constraint,
                    gamma_constraint=gamma_constraint)
        self.renorm = bool(renorm)
        if renorm:
            renorm_clipping = dict(renorm_clipping or {})
            unknown = set(renorm_clipping) - {"rmax", "rmin", "dmax"}
            if unknown:
                raise ValueError(f"BatchNormalization: unknown `renorm_clipping` keys {sorted(unknown)}; the "
                                 f"supported keys are 'rmax', 'rmin', 'dmax'. Received: {renorm_clipping}")
            rmax, rmin, dmax = (renorm_clipping.get(k) for k in ("rmax", "rmin", "dmax"))
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(f"BatchNormalization: renorm_clipping rmax ({rmax}) must be >= rmin ({rmin})")
            if dmax is not None and dmax < 0:
                raise ValueError(f"BatchNormalization: renorm_clipping dmax must be >= 0, received {dmax}")
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = float(renorm_momentum)
        self.supports_masking = True
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def build(self, input_shape: Sequence[Any]) -> None:
        ndim = len(input_shape)
        axis = _norm_axis(self, self.axis, ndim)
        if input_shape[axis] is None:
            raise ShapeError(f"layer '{self.name}' (BatchNormalization): the normalized axis {self.axis} of input "
                             f"shape {tuple(input_shape)} must be known")
        shape = (int(input_shape[axis]),)
        _param_weights(self, shape, self.scale, self.center)
        self.moving_mean = self.add_weight(name="moving_mean", shape=shape, initializer=self.moving_mean_initializer,
                                           trainable=False, autocast=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=shape,
                                               initializer=self.moving_variance_initializer, trainable=False,
                                               autocast=False)
        if self.renorm:
            stddev_init = _sqrt_of(self.moving_variance_initializer)
            self.moving_stddev = self.add_weight(name="moving_stddev", shape=shape, initializer=stddev_init,
                                                 trainable=False, autocast=False)
            self.renorm_mean = self.add_weight(name="renorm_mean", shape=shape,
                                               initializer=self.moving_mean_initializer, trainable=False,
                                               autocast=False)
            self.renorm_stddev = self.add_weight(name="renorm_stddev", shape=shape, initializer=stddev_init,
                                                 trainable=False, autocast=False)
        self._ndim, self._axis = ndim, axis
        self._reduction_axes = [i for i in range(ndim) if i != axis]
        self.built = True

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        _check_built(self, inputs, self._ndim, self._axis, self.moving_mean.shape[0])
        if mask is not None and len(mask.shape) != len(inputs.shape) - 1:
            raise ShapeError(f"layer '{self.name}' (BatchNormalization): the mask must have one dim less than the "
                             f"inputs, got mask shape {tuple(mask.shape)} for inputs of shape {tuple(inputs.shape)}")
        dtype = _compute_dtype(inputs)
        x = ops.cast(inputs, dtype)
        moving_mean = ops.cast(self.moving_mean.value, dtype)
        moving_variance = ops.cast(self.moving_variance.value, dtype)
        gamma = ops.cast(self.gamma.value, dtype) if self.scale else None
        beta = ops.cast(self.beta.value, dtype) if self.center else None
        if training and self.trainable:
            mean, variance = self._moments(x, mask)
            if self.renorm:
                gamma, beta = self._renorm_transform(mean, variance, gamma, beta, dtype)
                self._update_renorm_statistics(mean, variance)
            else:
                self.moving_mean.assign(_ema(moving_mean, mean, self.momentum))
                self.moving_variance.assign(_ema(moving_variance, variance, self.momentum))
        else:
            mean, variance = moving_mean, moving_variance
        outputs = ops.batch_normalization(x, mean, variance, axis=self.axis, offset=beta, scale=gamma,
                                          epsilon=self.epsilon)
        return ops.cast(outputs, self.compute_dtype)

    def _moments(self, x: Any, mask: Any) -> tuple[Any, Any]:
        padded = batch_mask()
        if mask is None and padded is None:
            return ops.moments(x, axes=self._reduction_axes, synchronized=self.synchronized)
        if mask is not None:
            keep = ops.broadcast_to(ops.expand_dims(ops.cast(mask, "bool"), -1), ops.shape(x))
        else:  # the padding rows of a short last batch stay out of the batch statistics
            keep = ops.broadcast_to(ops.reshape(ops.cast(padded, "bool"), (-1,) + (1,) * (len(x.shape) - 1)),
                                    ops.shape(x))
        zeros = ops.zeros_like(x)
        axes = self._reduction_axes
        weight = ops.add(ops.sum(ops.cast(keep, ops.dtype(x)), axes, keepdims=True), 1e-7)
        mean = ops.divide(ops.sum(ops.where(keep, x, zeros), axes, keepdims=True), weight)
        variance = ops.divide(ops.sum(ops.square(ops.where(keep, ops.subtract(x, mean), zeros)), axes,
                                      keepdims=True), weight)
        channels = (x.shape[self.axis],)
        return ops.reshape(mean, channels), ops.reshape(variance, channels)

    def _renorm_transform(self, mean: Any, variance: Any, gamma: Any, beta: Any, dtype: str) -> tuple[Any, Any]:
        """Fold the batch-renormalization correction ``(x_hat * r + d)`` into the scale and offset."""
        stddev = ops.sqrt(ops.add(variance, self.epsilon))
        renorm_mean = ops.cast(self.renorm_mean.value, dtype)
        renorm_stddev = ops.maximum(ops.cast(self.renorm_stddev.value, dtype), float(np.sqrt(self.epsilon)))
        r = ops.divide(stddev, renorm_stddev)
        d = ops.divide(ops.subtract(mean, renorm_mean), renorm_stddev)
        clip = self.renorm_clipping
        if clip.get("rmin") is not None:
            r = ops.maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = ops.minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = ops.clip(d, -clip["dmax"], clip["dmax"])
        r, d = ops.stop_gradient(r), ops.stop_gradient(d)
        new_gamma = r if gamma is None else ops.multiply(r, gamma)
        new_beta = d if gamma is None else ops.multiply(d, gamma)
        return new_gamma, new_beta if beta is None else ops.add(new_beta, beta)

    def _update_renorm_statistics(self, mean: Any, variance: Any) -> None:
        stddev = ops.sqrt(ops.add(variance, self.epsilon))
        dtype = ops.dtype(mean)
        self.renorm_mean.assign(_ema(ops.cast(self.renorm_mean.value, dtype), mean, self.renorm_momentum))
        self.renorm_stddev.assign(_ema(ops.cast(self.renorm_stddev.value, dtype), stddev, self.renorm_momentum))
        self.moving_mean.assign(_ema(ops.cast(self.moving_mean.value, dtype), mean, self.momentum))
        new_stddev = _ema(ops.cast(self.moving_stddev.value, dtype), stddev, self.momentum)
        self.moving_stddev.assign(new_stddev)
        self.moving_variance.assign(ops.relu(ops.subtract(ops.square(new_stddev), self.epsilon)))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, **_param_config(self),
                **serialize_all(moving_mean_initializer=self.moving_mean_initializer,
                                moving_variance_initializer=self.moving_variance_initializer),
                "synchronized": self.synchronized, "renorm": self.renorm, "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum}


class LayerNormalization(_AxisNormalization):
    """Normalize each example over ``axis`` (an int or a list), then ``* gamma + beta``; statistics in at least
    float32. ``rms_scaling=True`` is Keras's deprecated variance-only scaling (use RMSNormalization instead).

    >>> LayerNormalization()(np.arange(6, dtype="float32").reshape(2, 3))   # doctest: +SKIP
    [[-1.2238, 0., 1.2238], [-1.2238, 0., 1.2238]]
    """

    def __init__(self, axis: int | Sequence[int] = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, **kwargs: Any):
        rms_scaling = bool(kwargs.pop("rms_scaling", False))
        if rms_scaling:
            warnings.warn("LayerNormalization(rms_scaling=True) is deprecated (as in Keras): it scales by the "
                          "variance, not the root mean square; use RMSNormalization for RMS normalization")
        super().__init__(**kwargs)
        self.axis: Any = _axis_arg(self, axis)
        self.rms_scaling = rms_scaling
        _init_affine(self, epsilon, center, scale, beta_initializer=beta_initializer,
                     gamma_initializer=gamma_initializer, beta_regularizer=beta_regularizer,
                     gamma_regularizer=gamma_regularizer, beta_constraint=beta_constraint,
                     gamma_constraint=gamma_constraint)

    def build(self, input_shape: Sequence[Any]) -> None:
        axes = self.axis = _build_axes(self, input_shape)
        shape = tuple(int(input_shape[a]) for a in axes)
        _param_weights(self, shape, self.scale or self.rms_scaling, self.center and not self.rms_scaling)
        self.built = True

    def call(self, inputs: Any) -> Any:
        outputs = ops.layer_normalization(inputs, None if self.gamma is None else self.gamma.value,
                                          None if self.beta is None else self.beta.value, self.axis, self.epsilon,
                                          rms_scaling=self.rms_scaling)
        return ops.cast(outputs, self.compute_dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "rms_scaling": self.rms_scaling, **_param_config(self)}


class GroupNormalization(_AxisNormalization):
    """Split the channels on ``axis`` into ``groups`` and normalize each group of each example (``groups=-1``:
    one group per channel, instance normalization; ``groups=1``: layer normalization over all dims).

    >>> GroupNormalization(groups=2)(np.random.normal(size=(2, 5, 4)).astype("float32")).shape   # doctest: +SKIP
    (2, 5, 4)
    """

    def __init__(self, groups: int = 32, axis: int = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, **kwargs: Any):
        if not isinstance(groups, int) or isinstance(groups, bool) or (groups <= 0 and groups != -1):
            raise ValueError(f"GroupNormalization: `groups` must be a positive int (or -1 for instance "
                             f"normalization), received groups={groups!r}")
        super().__init__(**kwargs)
        self.groups = groups
        self.axis = axis
        _init_affine(self, epsilon, center, scale, beta_initializer=beta_initializer,
                     gamma_initializer=gamma_initializer, beta_regularizer=beta_regularizer,
                     gamma_regularizer=gamma_regularizer, beta_constraint=beta_constraint,
                     gamma_constraint=gamma_constraint)

    def build(self, input_shape: Sequence[Any]) -> None:
        ndim = len(input_shape)
        axis = _norm_axis(self, self.axis, ndim)
        if axis == 0:
            raise ShapeError(f"layer '{self.name}' (GroupNormalization): axis {self.axis} is the batch axis")
        dim = input_shape[axis]
        if dim is None:
            raise ShapeError(f"layer '{self.name}' (GroupNormalization): axis {self.axis} of input shape "
                             f"{tuple(input_shape)} must be known")
        if self.groups == -1:
            self.groups = int(dim)
        if dim < self.groups or dim % self.groups:
            raise ValueError(f"layer '{self.name}' (GroupNormalization): the {dim} channels of input shape "
                             f"{tuple(input_shape)} can't be split into groups={self.groups} equal groups")
        _param_weights(self, (int(dim),), self.scale, self.center)
        self._axis, self._ndim = axis, ndim
        self.built = True

    def call(self, inputs: Any) -> Any:
        _check_built(self, inputs, self._ndim, self._axis, self.gamma.shape[0] if self.scale else None)
        a, g = self._axis, self.groups
        shape = list(inputs.shape)
        per_group = shape[a] // g
        # (batch, ..., C, ...) -> (batch, ..., groups, C // groups, ...); the batch dim may be symbolic
        grouped = [-1] + shape[1:a] + [g, per_group] + shape[a + 1:]
        x = ops.cast(ops.reshape(inputs, grouped), _compute_dtype(inputs))
        reduce_axes = [i for i in range(1, len(grouped)) if i != a]
        mean, variance = ops.moments(x, axes=reduce_axes, keepdims=True)
        inv = ops.rsqrt(ops.add(variance, self.epsilon))
        param_shape = [1] * a + [g, per_group] + [1] * (len(shape) - a - 1)
        if self.scale:
            inv = ops.multiply(inv, ops.cast(ops.reshape(self.gamma.value, param_shape), ops.dtype(x)))
        shift = ops.negative(ops.multiply(mean, inv))
        if self.center:
            shift = ops.add(shift, ops.cast(ops.reshape(self.beta.value, param_shape), ops.dtype(x)))
        outputs = ops.cast(ops.add(ops.multiply(x, inv), shift), ops.dtype(inputs))
        return ops.cast(ops.reshape(outputs, [-1] + shape[1:]), self.compute_dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "groups": self.groups, "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, **_param_config(self)}


class UnitNormalization(_AxisNormalization):
    """Scale each example to unit L2 norm over ``axis`` (an int or a list).

    >>> UnitNormalization()(np.array([[3.0, 4.0]], "float32"))   # doctest: +SKIP
    [[0.6, 0.8]]
    """

    def __init__(self, axis: int | Sequence[int] = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis: Any = _axis_arg(self, axis)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        _check_axes(self, self.axis, inputs.shape)
        return ops.normalize(inputs, axis=self.axis, order=2, epsilon=1e-12)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


class RMSNormalization(_AxisNormalization):
    """``x / sqrt(mean(x**2, axis) + epsilon) * scale`` with a learned ``scale`` (initialized to ones).

    >>> RMSNormalization()(np.array([[3.0, 4.0]], "float32"))   # doctest: +SKIP
    [[0.8485, 1.1314]]
    """

    def __init__(self, axis: int | Sequence[int] = -1, epsilon: float = 1e-6, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis: Any = list(axis) if isinstance(axis, (list, tuple)) else axis
        self.epsilon = epsilon

    def build(self, input_shape: Sequence[Any]) -> None:
        axes = self.axis = _build_axes(self, input_shape)
        self.scale = self.add_weight(name="scale", shape=tuple(int(input_shape[a]) for a in axes),
                                     initializer="ones")
        self.built = True

    def call(self, x: Any) -> Any:
        return ops.rms_normalization(x, scale=self.scale.value, axis=self.axis, epsilon=self.epsilon)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}


__all__ = ["BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization",
           "RMSNormalization"]
