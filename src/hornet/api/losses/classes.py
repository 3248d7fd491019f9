"""The built-in loss classes: each wraps one loss function with Keras's constructor arguments and defaults.

>>> BinaryCrossentropy(from_logits=True, label_smoothing=0.1)([[1.0]], [[2.0]])   # doctest: +SKIP
Array(0.17..., dtype=float32)
"""
from __future__ import annotations

from typing import Any, Callable

from hornet.api.losses import crossentropy as ce
from hornet.api.losses import functions as fn
from hornet.api.losses import overlap
from hornet.api.losses.loss import Loss, LossFunctionWrapper

__all__ = ["MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
           "Huber", "LogCosh", "KLDivergence", "Poisson", "CosineSimilarity", "Hinge", "SquaredHinge",
           "CategoricalHinge", "BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy",
           "CategoricalFocalCrossentropy", "SparseCategoricalCrossentropy", "CategoricalGeneralizedCrossEntropy",
           "Dice", "Tversky"]

SOBS = "sum_over_batch_size"


class _BuiltinLoss(LossFunctionWrapper):
    """A built-in loss: its config is its constructor arguments (no ``fn``)."""

    _fn: Callable[..., Any]
    _args: tuple[str, ...] = ()

    def __init__(self, reduction: str | None, name: str, dtype: Any, **kwargs: Any):
        super().__init__(type(self)._fn, reduction=reduction, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict[str, Any]:
        return {**Loss.get_config(self), **{k: getattr(self, k) for k in self._args}}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        return cls(**config)

    __repr__ = Loss.__repr__


class MeanSquaredError(_BuiltinLoss):
    """Mean of squared errors over the last axis.

    >>> MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]])   # doctest: +SKIP
    0.5
    """

    _fn = staticmethod(fn.mean_squared_error)

    def __init__(self, reduction: str | None = SOBS, name: str = "mean_squared_error", dtype: Any = None):
        super().__init__(reduction, name, dtype)


class MeanAbsoluteError(_BuiltinLoss):
    """Mean of absolute errors over the last axis.

    >>> MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 1.0]])   # doctest: +SKIP
    0.5
    """

    _fn = staticmethod(fn.mean_absolute_error)

    def __init__(self, reduction: str | None = SOBS, name: str = "mean_absolute_error", dtype: Any = None):
        super().__init__(reduction, name, dtype)


class MeanAbsolutePercentageError(_BuiltinLoss):
    """``100 * mean(|(y_true - y_pred) / y_true|)`` over the last axis.

    >>> MeanAbsolutePercentageError()([[2.0]], [[1.0]])   # doctest: +SKIP
    50.0
    """

    _fn = staticmethod(fn.mean_absolute_percentage_error)

    def __init__(self, reduction: str | None = SOBS, name: str = "mean_absolute_percentage_error",
                 dtype: Any = None):
        super().__init__(reduction, name, dtype)


class MeanSquaredLogarithmicError(_BuiltinLoss):
    """Mean squared error of ``log(1 + y)``.

    >>> MeanSquaredLogarithmicError()([[0.0]], [[1.0]])   # doctest: +SKIP
    0.480
    """

    _fn = staticmethod(fn.mean_squared_logarithmic_error)

    def __init__(self, reduction: str | None = SOBS, name: str = "mean_squared_logarithmic_error",
                 dtype: Any = None):
        super().__init__(reduction, name, dtype)


class Huber(_BuiltinLoss):
    """Huber loss: quadratic below ``delta``, linear above.

    >>> Huber(delta=1.0)([[0.0]], [[3.0]])   # doctest: +SKIP
    2.5
    """

    _fn = staticmethod(fn.huber)
    _args = ("delta",)

    def __init__(self, delta: float = 1.0, reduction: str | None = SOBS, name: str = "huber_loss", dtype: Any = None):
        super().__init__(reduction, name, dtype, delta=delta)


class LogCosh(_BuiltinLoss):
    """Mean of ``log(cosh(error))`` over the last axis.

    >>> LogCosh()([[0.0]], [[1.0]])   # doctest: +SKIP
    0.4338
    """

    _fn = staticmethod(fn.log_cosh)

    def __init__(self, reduction: str | None = SOBS, name: str = "log_cosh", dtype: Any = None):
        super().__init__(reduction, name, dtype)


class KLDivergence(_BuiltinLoss):
    """Kullback-Leibler divergence ``sum(t * log(t / p))``.

    >>> KLDivergence()([[0.5, 0.5]], [[0.9, 0.1]])   # doctest: +SKIP
    0.5108
    """

    _fn = staticmethod(fn.kl_divergence)

    def __init__(self, reduction: str | None = SOBS, name: str = "kl_divergence", dtype: Any = None):
        super().__init__(reduction, name, dtype)


class Poisson(_BuiltinLoss):
    """Poisson loss ``mean(p - t * log(p))``.

    >>> Poisson()([[1.0]], [[1.0]])   # doctest: +SKIP
    1.0
    """

    _fn = staticmethod(fn.poisson)

    def __init__(self, reduction: str | None = SOBS, name: str = "poisson", dtype: Any = None):
        super().__init__(reduction, name, dtype)


class CosineSimilarity(_BuiltinLoss):
    """Negative cosine similarity along ``axis`` (-1 for aligned vectors).

    >>> CosineSimilarity()([[1.0, 0.0]], [[2.0, 0.0]])   # doctest: +SKIP
    -1.0
    """

    _fn = staticmethod(fn.cosine_similarity)
    _args = ("axis",)

    def __init__(self, axis: int = -1, reduction: str | None = SOBS, name: str = "cosine_similarity",
                 dtype: Any = None):
        super().__init__(reduction, name, dtype, axis=axis)


class Hinge(_BuiltinLoss):
    """Hinge loss ``mean(max(1 - t * p, 0))`` (0/1 labels become -1/1).

    >>> Hinge()([[1.0]], [[0.3]])   # doctest: +SKIP
    0.7
    """

    _fn = staticmethod(fn.hinge)

    def __init__(self, reduction: str | None = SOBS, name: str = "hinge", dtype: Any = None):
        super().__init__(reduction, name, dtype)


class SquaredHinge(_BuiltinLoss):
    """Squared hinge loss ``mean(max(1 - t * p, 0) ** 2)``.

    >>> SquaredHinge()([[1.0]], [[0.3]])   # doctest: +SKIP
    0.49
    """

    _fn = staticmethod(fn.squared_hinge)

    def __init__(self, reduction: str | None = SOBS, name: str = "squared_hinge", dtype: Any = None):
        super().__init__(reduction, name, dtype)


class CategoricalHinge(_BuiltinLoss):
    """Categorical hinge ``max(max((1 - t) * p) - sum(t * p) + 1, 0)``.

    >>> CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.6]])   # doctest: +SKIP
    0.7
    """

    _fn = staticmethod(fn.categorical_hinge)

    def __init__(self, reduction: str | None = SOBS, name: str = "categorical_hinge", dtype: Any = None):
        super().__init__(reduction, name, dtype)


class BinaryCrossentropy(_BuiltinLoss):
    """Binary cross-entropy of probabilities (or logits with ``from_logits=True``), averaged over ``axis``.

    >>> BinaryCrossentropy()([[1.0, 0.0]], [[0.9, 0.2]])   # doctest: +SKIP
    0.164
    """

    _fn = staticmethod(ce.binary_crossentropy)
    _args = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = SOBS, name: str = "binary_crossentropy", dtype: Any = None):
        super().__init__(reduction, name, dtype, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class BinaryFocalCrossentropy(_BuiltinLoss):
    """Binary cross-entropy down-weighting easy examples by ``(1 - p_t) ** gamma``.

    >>> BinaryFocalCrossentropy(gamma=2.0)([[1.0]], [[0.9]])   # doctest: +SKIP
    0.00105
    """

    _fn = staticmethod(ce.binary_focal_crossentropy)
    _args = ("from_logits", "label_smoothing", "axis", "apply_class_balancing", "alpha", "gamma")

    def __init__(self, apply_class_balancing: bool = False, alpha: float = 0.25, gamma: float = 2.0,
                 from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = SOBS, name: str = "binary_focal_crossentropy", dtype: Any = None):
        super().__init__(reduction, name, dtype, apply_class_balancing=apply_class_balancing, alpha=alpha,
                         gamma=gamma, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(_BuiltinLoss):
    """Cross-entropy of one-hot (or soft) labels against class probabilities or logits.

    >>> CategoricalCrossentropy()([[0.0, 1.0]], [[0.2, 0.8]])   # doctest: +SKIP
    0.223
    """

    _fn = staticmethod(ce.categorical_crossentropy)
    _args = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = SOBS, name: str = "categorical_crossentropy", dtype: Any = None):
        super().__init__(reduction, name, dtype, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalFocalCrossentropy(_BuiltinLoss):
    """Categorical cross-entropy with focal factor ``alpha * (1 - p) ** gamma`` per class.

    >>> CategoricalFocalCrossentropy()([[0.0, 1.0]], [[0.2, 0.8]])   # doctest: +SKIP
    0.00223
    """

    _fn = staticmethod(ce.categorical_focal_crossentropy)
    _args = ("from_logits", "label_smoothing", "axis", "alpha", "gamma")

    def __init__(self, alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False,
                 label_smoothing: float = 0.0, axis: int = -1, reduction: str | None = SOBS,
                 name: str = "categorical_focal_crossentropy", dtype: Any = None):
        super().__init__(reduction, name, dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(_BuiltinLoss):
    """Cross-entropy of integer class ids against class probabilities or logits; entries labelled
    ``ignore_class`` are left out of the average.

    >>> SparseCategoricalCrossentropy(from_logits=True)([1], [[0.0, 2.0]])   # doctest: +SKIP
    0.127
    """

    _fn = staticmethod(ce.sparse_categorical_crossentropy)
    _args = ("from_logits", "ignore_class", "axis")

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None, reduction: str | None = SOBS,
                 axis: int = -1, name: str = "sparse_categorical_crossentropy", dtype: Any = None):
        super().__init__(reduction, name, dtype, from_logits=from_logits, ignore_class=ignore_class, axis=axis)


class CategoricalGeneralizedCrossEntropy(_BuiltinLoss):
    """Generalized cross-entropy ``(1 - p[label] ** q) / q`` of integer labels, ``0 < q < 1``.

    >>> CategoricalGeneralizedCrossEntropy(q=0.5)([1], [[0.2, 0.8]])   # doctest: +SKIP
    0.211
    """

    _fn = staticmethod(ce.categorical_generalized_cross_entropy)
    _args = ("q",)

    def __init__(self, q: float = 0.5, reduction: str | None = SOBS,
                 name: str = "categorical_generalized_cross_entropy", dtype: Any = None):
        if not 0 < q < 1:
            raise ValueError(f"q must be in the interval (0, 1), got q={q}")
        super().__init__(reduction, name, dtype, q=q)


class Dice(_BuiltinLoss):
    """Dice loss ``1 - 2|T n P| / (|T| + |P|)``; ``axis=None`` reduces over everything (one value per call).

    >>> Dice(axis=(1,))([[1.0, 1.0]], [[1.0, 0.0]])   # doctest: +SKIP
    0.333
    """

    _fn = staticmethod(overlap.dice)
    _args = ("axis",)

    def __init__(self, reduction: str | None = SOBS, name: str = "dice", axis: Any = None, dtype: Any = None):
        super().__init__(reduction, name, dtype, axis=axis)


class Tversky(_BuiltinLoss):
    """Tversky loss: Dice with false positives / negatives weighted by ``alpha`` / ``beta``.

    >>> Tversky(alpha=0.7, beta=0.3)([[1.0, 1.0]], [[1.0, 0.0]])   # doctest: +SKIP
    """

    _fn = staticmethod(overlap.tversky)
    _args = ("alpha", "beta", "axis")

    def __init__(self, alpha: float = 0.5, beta: float = 0.5, reduction: str | None = SOBS, name: str = "tversky",
                 axis: Any = None, dtype: Any = None):
        super().__init__(reduction, name, dtype, alpha=alpha, beta=beta, axis=axis)
