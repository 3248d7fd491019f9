"""``hornet.metrics``: Keras's metrics (``Mean``, ``Accuracy``, ``SparseCategoricalAccuracy``, ``AUC``, ``Precision``,
``Recall``, ``F1Score``, ``R2Score``, ...), per-sample metric functions, the ``Metric`` base class, and
``get``/``serialize``/``deserialize``.

>>> import hornet.metrics
>>> m = hornet.metrics.Mean()
>>> m.update_state([1.0, 3.0]); float(m.result())     # doctest: +SKIP
2.0
"""
from hornet.api.metrics import *  # noqa: F401,F403
from hornet.api.metrics import __all__  # noqa: F401
