"""``CallbackList``: one object that forwards every hook to a list of callbacks.

>>> from hornet.api.callbacks import CallbackList, History
>>> cbs = CallbackList([], add_history=True, verbose=0, epochs=1, steps=2)
>>> cbs.on_train_begin(); cbs.on_epoch_end(0, {"loss": 0.5}); cbs.on_train_end()   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from hornet.api.callbacks.callback import BATCH_HOOKS, Callback, flatten_logs, is_default_hook, pythonify_logs
from hornet.api.callbacks.history import History
from hornet.api.callbacks.progbar_logger import ProgbarLogger

_BEGIN_HOOKS = {"train": ("on_train_batch_begin", "on_batch_begin"), "test": ("on_test_batch_begin",),
                "predict": ("on_predict_batch_begin",)}
_END_HOOKS = {"train": ("on_train_batch_end", "on_batch_end"), "test": ("on_test_batch_end",),
              "predict": ("on_predict_batch_end",)}


def _flatten_callbacks(callbacks: Any) -> list[Callback]:
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        return [callbacks]
    out: list[Callback] = []
    for item in callbacks:
        out.extend(_flatten_callbacks(item) if isinstance(item, (list, tuple)) else [item])
    for cb in out:
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks must be hornet.callbacks.Callback instances, received {cb!r} "
                            f"of type {type(cb).__name__}")
    return out


class _BatchPlan:
    """Which callbacks listen to one kind of batch hook, and whether they need float logs."""

    def __init__(self, callbacks: list[Callback], kind: str):
        def listening(names: tuple[str, ...]) -> list[Callback]:
            return [cb for cb in callbacks if any(not is_default_hook(cb, n) for n in names)]

        self.begin = listening(_BEGIN_HOOKS[kind])
        self.end = listening(_END_HOOKS[kind])
        self.convert = any(cb.needs_batch_logs for cb in {id(c): c for c in self.begin + self.end}.values())

    def logs(self, logs: Any) -> dict[str, Any]:
        return pythonify_logs(logs) if self.convert else flatten_logs(logs)


class CallbackList(Callback):
    """Calls each hook on every callback in order, with Keras's conventions for logs.

    Args:
        callbacks: ``Callback`` instances (nested lists are flattened).
        add_history: append a ``History`` unless the list already holds one (``model.history`` is set to it).
        add_progbar: append a ``ProgbarLogger`` unless the list already holds one.
        model: the model, passed to every callback's ``set_model``.
        **params: loop settings (``verbose``, ``epochs``, ``steps``) passed to every callback's ``set_params``.

    Batch hooks are cheap when nobody listens: callbacks that don't override a batch hook are skipped, and
    batch logs are converted to Python floats (a device sync) only when a listening callback needs it
    (``needs_batch_logs``). ``listens_to_batches(kind)`` tells a training loop whether to call batch hooks.

    >>> cbs = CallbackList(add_history=True, add_progbar=False, verbose=0, epochs=2, steps=10)
    >>> cbs.listens_to_batches("train")
    False
    """

    def __init__(self, callbacks: Iterable[Callback] | Callback | None = None, add_history: bool = False,
                 add_progbar: bool = False, model: Any = None, **params: Any):
        super().__init__()
        self.callbacks = _flatten_callbacks(callbacks)
        self._history: History | None = None
        self._progbar: ProgbarLogger | None = None
        self._add_default_callbacks(add_history, add_progbar)
        self._plans: dict[str, _BatchPlan] = {}
        self.set_model(model)
        self.set_params(params)

    def _add_default_callbacks(self, add_history: bool, add_progbar: bool) -> None:
        for cb in self.callbacks:
            if isinstance(cb, ProgbarLogger):
                self._progbar = cb
            elif isinstance(cb, History):
                self._history = cb
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)

    def append(self, callback: Callback) -> None:
        """Adds one callback (it gets the list's model and params)."""
        for cb in _flatten_callbacks(callback):
            self.callbacks.append(cb)
            if self._model is not None:
                cb.set_model(self._model)
            if self.params:
                cb.set_params(self.params)
        self._plans.clear()

    def __iter__(self) -> Iterator[Callback]:
        return iter(self.callbacks)

    def __len__(self) -> int:
        return len(self.callbacks)

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params
        if params:
            for cb in self.callbacks:
                cb.set_params(params)

    def set_model(self, model: Any) -> None:
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for cb in self.callbacks:
            cb.set_model(model)

    def _plan(self, kind: str) -> _BatchPlan:
        plan = self._plans.get(kind)
        if plan is None:
            plan = self._plans[kind] = _BatchPlan(self.callbacks, kind)
        return plan

    def listens_to_batches(self, kind: str = "train") -> bool:
        """Whether any callback overrides a batch hook of ``kind`` ("train", "test" or "predict")."""
        if kind not in BATCH_HOOKS:
            raise ValueError(f"kind must be one of {sorted(BATCH_HOOKS)}, received {kind!r}")
        plan = self._plan(kind)
        return bool(plan.begin or plan.end)

    @property
    def needs_batch_logs(self) -> bool:
        return any(cb.needs_batch_logs for cb in self.callbacks)

    # -- batch hooks: skip non-listeners, convert logs only when someone needs floats --------------------------
    def _batch(self, kind: str, end: bool, hook: str, batch: int, logs: Any) -> None:
        plan = self._plan(kind)
        listeners = plan.end if end else plan.begin
        if not listeners:
            return
        logs = plan.logs(logs)
        for cb in listeners:
            getattr(cb, hook)(batch, logs=logs)

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._batch("train", False, "on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._batch("train", True, "on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._batch("test", False, "on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._batch("test", True, "on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._batch("predict", False, "on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._batch("predict", True, "on_predict_batch_end", batch, logs)

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        logs = self._plan("train").logs(logs)
        for cb in self.callbacks:
            cb.on_batch_begin(batch, logs=logs)

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        logs = self._plan("train").logs(logs)
        for cb in self.callbacks:
            cb.on_batch_end(batch, logs=logs)

    # -- epoch and loop hooks: logs are always plain floats --------------------------------------------------
    def _each(self, hook: str, *args: Any, logs: Any = None) -> None:
        logs = pythonify_logs(logs)
        for cb in self.callbacks:
            getattr(cb, hook)(*args, logs)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._each("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._each("on_epoch_end", epoch, logs=logs)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._plans.clear()
        self._each("on_train_begin", logs=logs)

    def on_train_end(self, logs: dict | None = None) -> None:
        self._each("on_train_end", logs=logs)

    def on_test_begin(self, logs: dict | None = None) -> None:
        self._plans.pop("test", None)
        self._each("on_test_begin", logs=logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        self._each("on_test_end", logs=logs)

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._plans.pop("predict", None)
        self._each("on_predict_begin", logs=logs)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._each("on_predict_end", logs=logs)
