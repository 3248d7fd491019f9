"""What the outermost layer call knows and nested calls inherit: the ``training`` flag, the batch mask of a
padded training batch (1 real row, 0 padding; layers with batch statistics such as BatchNormalization leave
padding out), and the losses that layers add (``add_loss``) during this forward pass.

>>> with call_context(training=True) as ctx:      # doctest: +SKIP
...     y = model(x)
>>> ctx.losses                                  # what layers added in that call
"""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Iterator

_LOCAL = threading.local()


class CallContext:
    def __init__(self, training: bool | None, batch_mask: Any = None):
        self.training = training
        self.batch_mask = batch_mask
        self.losses: list[Any] = []


def _stack() -> list[CallContext]:
    stack = getattr(_LOCAL, "stack", None)
    if stack is None:
        stack = _LOCAL.stack = []
    return stack


def current() -> CallContext | None:
    stack = _stack()
    return stack[-1] if stack else None


def batch_mask() -> Any:
    """The mask of the padded batch being trained on (None outside a training step)."""
    ctx = current()
    return ctx.batch_mask if ctx is not None else None


@contextlib.contextmanager
def call_context(training: bool | None = None, batch_mask: Any = None, isolated: bool = False
                 ) -> Iterator[CallContext]:
    """Open a context (nested contexts inherit ``training`` and ``batch_mask`` when given None). The losses of an
    ``isolated`` one stay in it: a trace of its own (shape inference) must not hand them to the enclosing call."""
    outer = current()
    if training is None and outer is not None:
        training = outer.training
    if batch_mask is None and outer is not None:
        batch_mask = outer.batch_mask
    ctx = CallContext(training, batch_mask)
    _stack().append(ctx)
    try:
        yield ctx
    finally:
        _stack().pop()
        if outer is not None and not isolated:  # losses of a nested call belong to the enclosing call too
            outer.losses.extend(ctx.losses)
