"""Losses: the ``Loss`` base class, Keras's built-in loss classes and functions, ``reduce_weighted`` (weighting and
reduction with a batch padding mask), and ``get``/``serialize``/``deserialize``.

>>> from hornet.api import losses
>>> losses.get("sparse_categorical_crossentropy")([1], [[0.2, 0.8]])   # doctest: +SKIP
Array([0.223], dtype=float32)
"""
from hornet.api.losses.classes import *  # noqa: F401,F403
from hornet.api.losses.classes import __all__ as _classes
from hornet.api.losses.circle import Circle, circle
from hornet.api.losses.ctc import CTC, ctc
from hornet.api.losses.crossentropy import (binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
                                            categorical_focal_crossentropy, categorical_generalized_cross_entropy,
                                            sparse_categorical_crossentropy)
from hornet.api.losses.functions import *  # noqa: F401,F403
from hornet.api.losses.functions import __all__ as _functions
from hornet.api.losses.loss import Loss, LossFunctionWrapper
from hornet.api.losses.overlap import dice, tversky
from hornet.api.losses.reduction import reduce_weighted, squeeze_or_expand_to_same_rank, standardize_reduction
from hornet.api.losses.registry import ALL_OBJECTS, deserialize, get, serialize
from hornet.api.losses.resolve import resolve

__all__ = ["Loss", "LossFunctionWrapper", *_classes, *_functions, "binary_crossentropy", "binary_focal_crossentropy",
           "categorical_crossentropy", "categorical_focal_crossentropy", "sparse_categorical_crossentropy",
           "categorical_generalized_cross_entropy", "dice", "tversky", "CTC", "ctc", "Circle", "circle",
           "reduce_weighted", "squeeze_or_expand_to_same_rank", "standardize_reduction", "ALL_OBJECTS", "get",
           "serialize", "deserialize", "resolve"]
