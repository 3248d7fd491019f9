"""Metrics: the ``Metric`` base class (state in non-trainable Variables, so updates work eagerly and inside
``hornet.jit``), Keras's built-in metrics, ``get``/``serialize``/``deserialize`` and ``resolve`` (compile's
string-to-metric rules).

>>> from hornet.api import metrics
>>> m = metrics.SparseCategoricalAccuracy()
>>> m.update_state([1, 0], [[0.2, 0.8], [0.3, 0.7]]); float(m.result())   # doctest: +SKIP
0.5
"""
from hornet.api.metrics import accuracy as _accuracy
from hornet.api.metrics import at_constraint as _at_constraint
from hornet.api.metrics import auc as _auc
from hornet.api.metrics import confusion_metrics as _confusion
from hornet.api.metrics import correlation as _correlation
from hornet.api.metrics import fscore as _fscore
from hornet.api.metrics import iou as _iou
from hornet.api.metrics import probabilistic as _probabilistic
from hornet.api.metrics import regression as _regression
from hornet.api.losses.crossentropy import (binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
                                            categorical_focal_crossentropy, sparse_categorical_crossentropy)
from hornet.api.losses.functions import (categorical_hinge, hinge, huber, kl_divergence, log_cosh,
                                         mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                                         mean_squared_logarithmic_error, poisson, squared_hinge)
from hornet.api.metrics.metric import Metric
from hornet.api.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from hornet.api.metrics.registry import ALL_OBJECTS, deserialize, get, serialize
from hornet.api.metrics.resolve import resolve

_MODULES = (_accuracy, _auc, _confusion, _fscore, _probabilistic, _regression, _at_constraint, _correlation, _iou)
globals().update({n: getattr(m, n) for m in _MODULES for n in m.__all__ if n != "cosine_similarity"})

__all__ = ["Metric", "Mean", "Sum", "MeanMetricWrapper",
           *(n for m in _MODULES for n in m.__all__ if n != "cosine_similarity"),
           "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
           "categorical_focal_crossentropy", "sparse_categorical_crossentropy", "categorical_hinge", "hinge", "huber",
           "kl_divergence", "log_cosh", "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
           "mean_squared_logarithmic_error", "poisson", "squared_hinge", "ALL_OBJECTS", "get", "serialize",
           "deserialize", "resolve"]
