"""Running means of loss functions: cross-entropies, KL divergence, Poisson and the hinge losses.

>>> BinaryCrossentropy()([[1.0], [0.0]], [[0.9], [0.2]])   # doctest: +SKIP
Array(0.164, dtype=float32)
"""
from __future__ import annotations

from typing import Any

from hornet.api.losses import crossentropy as ce
from hornet.api.losses import functions as fn
from hornet.api.metrics.reduction_metrics import BuiltinMeanMetric

__all__ = ["BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "KLDivergence",
           "Poisson", "Hinge", "SquaredHinge", "CategoricalHinge"]


class BinaryCrossentropy(BuiltinMeanMetric):
    """Running mean of the binary cross-entropy.

    >>> BinaryCrossentropy(from_logits=True)([[1.0]], [[2.0]])   # doctest: +SKIP
    0.127
    """

    _fn_impl = staticmethod(ce.binary_crossentropy)
    _args = ("from_logits", "label_smoothing")
    _direction = "down"

    def __init__(self, name: str = "binary_crossentropy", dtype: Any = None, from_logits: bool = False,
                 label_smoothing: float = 0):
        super().__init__(name, dtype, from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(BuiltinMeanMetric):
    """Running mean of the categorical cross-entropy of one-hot labels.

    >>> CategoricalCrossentropy()([[0.0, 1.0]], [[0.2, 0.8]])   # doctest: +SKIP
    0.223
    """

    _fn_impl = staticmethod(ce.categorical_crossentropy)
    _args = ("from_logits", "label_smoothing", "axis")
    _direction = "down"

    def __init__(self, name: str = "categorical_crossentropy", dtype: Any = None, from_logits: bool = False,
                 label_smoothing: float = 0, axis: int = -1):
        super().__init__(name, dtype, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(BuiltinMeanMetric):
    """Running mean of the sparse categorical cross-entropy (entries labelled ``ignore_class`` are skipped).

    >>> SparseCategoricalCrossentropy()([1], [[0.2, 0.8]])   # doctest: +SKIP
    0.223
    """

    _fn_impl = staticmethod(ce.sparse_categorical_crossentropy)
    _args = ("from_logits", "ignore_class", "axis")
    _direction = "down"

    def __init__(self, name: str = "sparse_categorical_crossentropy", dtype: Any = None, from_logits: bool = False,
                 ignore_class: int | None = None, axis: int = -1):
        super().__init__(name, dtype, from_logits=from_logits, ignore_class=ignore_class, axis=axis)


class KLDivergence(BuiltinMeanMetric):
    """Running mean of the Kullback-Leibler divergence.

    >>> KLDivergence()([[0.5, 0.5]], [[0.9, 0.1]])   # doctest: +SKIP
    0.5108
    """

    _fn_impl = staticmethod(fn.kl_divergence)
    _direction = "down"

    def __init__(self, name: str = "kl_divergence", dtype: Any = None):
        super().__init__(name, dtype)


class Poisson(BuiltinMeanMetric):
    """Running mean of the Poisson loss.

    >>> Poisson()([[1.0]], [[1.0]])   # doctest: +SKIP
    1.0
    """

    _fn_impl = staticmethod(fn.poisson)
    _direction = "down"

    def __init__(self, name: str = "poisson", dtype: Any = None):
        super().__init__(name, dtype)


class Hinge(BuiltinMeanMetric):
    """Running mean of the hinge loss.

    >>> Hinge()([[1.0]], [[0.3]])   # doctest: +SKIP
    0.7
    """

    _fn_impl = staticmethod(fn.hinge)
    _direction = "down"

    def __init__(self, name: str = "hinge", dtype: Any = None):
        super().__init__(name, dtype)


class SquaredHinge(BuiltinMeanMetric):
    """Running mean of the squared hinge loss.

    >>> SquaredHinge()([[1.0]], [[0.3]])   # doctest: +SKIP
    0.49
    """

    _fn_impl = staticmethod(fn.squared_hinge)
    _direction = "down"

    def __init__(self, name: str = "squared_hinge", dtype: Any = None):
        super().__init__(name, dtype)


class CategoricalHinge(BuiltinMeanMetric):
    """Running mean of the categorical hinge loss.

    >>> CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.6]])   # doctest: +SKIP
    0.7
    """

    _fn_impl = staticmethod(fn.categorical_hinge)
    _direction = "down"

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None):
        super().__init__(name, dtype)
