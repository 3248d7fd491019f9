"""The ``Callback`` base class and the helpers that turn logs into Python numbers.

>>> class PrintLoss(Callback):
...     def on_epoch_end(self, epoch, logs=None):
...         print(epoch, logs["loss"])
>>> PrintLoss().on_epoch_end(0, {"loss": 0.5})
0 0.5
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np

from hornet.runtime.backend import to_numpy

BATCH_HOOKS = {
    "train": ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end"),
    "test": ("on_test_batch_begin", "on_test_batch_end"),
    "predict": ("on_predict_batch_begin", "on_predict_batch_end"),
}


def _default(method: Callable) -> Callable:
    """Marks a base-class hook as a no-op default, so a CallbackList can skip callbacks that don't override it."""
    method._hornet_default_hook = True
    return method


def is_default_hook(callback: Any, name: str) -> bool:
    """True when ``callback.name`` is the base class's do-nothing hook (not overridden, not set on the instance)."""
    method = getattr(callback, name, None)
    return method is None or getattr(getattr(method, "__func__", method), "_hornet_default_hook", False)


def to_float(value: Any) -> float:
    """``value`` (a Python number, a 0-d or one-element NumPy/JAX array, a ``Variable``) as a Python float.

    >>> to_float(np.float32(0.5))
    0.5
    """
    if isinstance(value, (int, float)):
        return float(value)
    array = np.asarray(to_numpy(value))
    if array.size != 1:
        raise TypeError(f"expected a scalar, received a value of shape {array.shape}: {value!r}")
    return float(array.reshape(()))


def _scalar_or_same(value: Any) -> Any:
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, (int, float, np.number, np.bool_)):
        return float(value)
    if getattr(value, "ndim", None) == 0:
        try:
            return float(to_numpy(value))
        except (TypeError, ValueError):
            return value
    return value


def flatten_logs(logs: Mapping[str, Any] | None) -> dict[str, Any]:
    """Logs with nested dicts merged into the top level and keys sorted; values untouched (no device sync)."""
    out: dict[str, Any] = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, Mapping):
            out.update(flatten_logs(value))
        else:
            out[key] = value
    return out


def pythonify_logs(logs: Mapping[str, Any] | None) -> dict[str, Any]:
    """Logs as Keras callbacks see them: flat, keys sorted, scalars (0-d arrays included) as Python floats.

    Non-scalar values (arrays with more than one element, strings) are kept as they are.

    >>> pythonify_logs({"loss": np.float32(0.25), "extra": {"acc": 1}})
    {'acc': 1.0, 'loss': 0.25}
    """
    return {key: _scalar_or_same(value) for key, value in flatten_logs(logs).items()}


class Callback:
    """Base class of the objects that ``fit``/``evaluate``/``predict`` notify of their progress.

    Subclasses override any of the hooks. ``self.model`` is the model being trained and ``self.params``
    holds the loop's settings (``verbose``, ``epochs``, ``steps``). Epoch-level ``logs`` hold Python floats
    (``loss``, metrics, ``val_*``). Batch-level logs hold floats too, unless every callback in the list
    declares that it accepts raw backend scalars (``needs_batch_logs`` is False); converting forces the
    training loop to wait for the device, so built-in callbacks convert only the values they use.

    >>> class Stop(Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         if logs.get("loss", 1.0) < 0.1:
    ...             self.model.stop_training = True
    """

    # Built-in callbacks set this: they take raw (unconverted) batch logs and convert what they use.
    _accepts_raw_batch_logs = False

    def __init__(self) -> None:
        self.params: dict[str, Any] | None = None
        self._model: Any = None

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self._model = model

    @property
    def model(self) -> Any:
        return self._model

    @property
    def needs_batch_logs(self) -> bool:
        """Whether this callback wants batch-level logs converted to Python floats (a device sync per batch)."""
        if self._accepts_raw_batch_logs:
            return False
        return any(not is_default_hook(self, name) for names in BATCH_HOOKS.values() for name in names)

    @_default
    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Alias of ``on_train_batch_begin`` (kept for older code)."""

    @_default
    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Alias of ``on_train_batch_end`` (kept for older code)."""

    @_default
    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """At the start of an epoch (``epoch`` counts from 0)."""

    @_default
    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """At the end of an epoch; ``logs`` holds the epoch's training and validation results."""

    @_default
    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Before a training batch; calls ``on_batch_begin`` unless overridden."""
        self.on_batch_begin(batch, logs=logs)

    @_default
    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """After a training batch, with the running loss/metrics; calls ``on_batch_end`` unless overridden."""
        self.on_batch_end(batch, logs=logs)

    @_default
    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Before an evaluation batch (in ``evaluate`` and in ``fit``'s validation)."""

    @_default
    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """After an evaluation batch."""

    @_default
    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Before a prediction batch."""

    @_default
    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """After a prediction batch."""

    @_default
    def on_train_begin(self, logs: dict | None = None) -> None:
        """At the start of ``fit``."""

    @_default
    def on_train_end(self, logs: dict | None = None) -> None:
        """At the end of ``fit``."""

    @_default
    def on_test_begin(self, logs: dict | None = None) -> None:
        """At the start of ``evaluate`` (and of each validation run in ``fit``)."""

    @_default
    def on_test_end(self, logs: dict | None = None) -> None:
        """At the end of ``evaluate``, with the results."""

    @_default
    def on_predict_begin(self, logs: dict | None = None) -> None:
        """At the start of ``predict``."""

    @_default
    def on_predict_end(self, logs: dict | None = None) -> None:
        """At the end of ``predict``."""
