"""Tiered execution for the torch backend, opt-in (``HORNET_TORCH_TIER_UP_CALLS=N``): run the FX module
directly at once and, after N calls of a program, compile it with Inductor in a background thread and switch to
the compiled code when it is ready.

Off by default, because on the CPU it loses (2 cores, the bench's MLP train step, 4000 steps from a fresh model):
the FX module alone takes 22.2 s, Inductor from the first step 16.4 s, and tiering up after 2000 steps 32 s.
While Inductor compiles, its thread holds the GIL most of the time and the training thread, which needs the GIL
between its ~100 ATen calls a step, crawls. ``jit_compile=True`` (compile before the first step) is the choice for
long jobs, the default FX module for short ones.

Inductor specializes on sizes and strides. Arguments are made contiguous before the compiled program sees them, so
the outputs of the direct module (which may be views) and of the compiled one (contiguous) give the same guards
and the switch never recompiles on the training thread.
"""
from __future__ import annotations

import os
import threading
import warnings
from typing import Any, Callable, Sequence

import torch

from hornet.lowering.torch import dtypes

DEFAULT_TIER_UP_CALLS = 0


def tier_up_calls() -> int:
    """How many calls of a program start its background compile (``HORNET_TORCH_TIER_UP_CALLS``; 0, the
    default, = never)."""
    raw = os.environ.get("HORNET_TORCH_TIER_UP_CALLS", "").strip()
    if not raw:
        return DEFAULT_TIER_UP_CALLS
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"HORNET_TORCH_TIER_UP_CALLS must be a whole number of calls (0 = never), got {raw!r}")
    if value < 0:
        raise ValueError(f"HORNET_TORCH_TIER_UP_CALLS must be >= 0, got {value}")
    return value


class TieredProgram:
    """``direct`` now; ``compile(direct)`` (Inductor) from the first call after its background compile finished.

    ``state`` is "direct", "compiling", "compiled" or "failed" (a compile error is warned once, and the program
    stays on the direct module)."""

    def __init__(self, direct: Callable[..., Sequence[Any]], compile: Callable[[Callable[..., Any]], Callable[..., Any]],
                 device: torch.device, after: int | None = None):
        self._direct = direct
        self._compile = compile
        self._device = device
        self._after = tier_up_calls() if after is None else after
        self._calls = 0
        self._compiled: Callable[..., Any] | None = None
        self._thread: threading.Thread | None = None
        self.state = "direct"

    def __call__(self, *tensors: torch.Tensor) -> Sequence[Any]:
        compiled = self._compiled
        if compiled is not None:
            return compiled(*[t.contiguous() for t in tensors])
        self._calls += 1
        if self._after and self._calls == self._after and self._thread is None:
            example = [t.detach().clone(memory_format=torch.contiguous_format) for t in tensors]
            self.state = "compiling"
            self._thread = threading.Thread(target=self._build, args=(example,), name="hornet-inductor", daemon=True)
            self._thread.start()
        return self._direct(*tensors)

    def _build(self, example: list[torch.Tensor]) -> None:
        try:
            compiled = self._compile(self._direct)
            with torch.no_grad(), dtypes.on_device(self._device):
                compiled(*example)  # compiles for these sizes and strides; the result is dropped
        except Exception as e:  # noqa: BLE001 - any compiler failure leaves the correct direct program running
            self.state = "failed"
            warnings.warn(f"hornet: the background Inductor compile failed, the program keeps running its FX "
                          f"module directly: {type(e).__name__}: {e}", RuntimeWarning, stacklevel=1)
            return
        self._compiled = compiled
        self.state = "compiled"

    def wait(self, timeout: float | None = None) -> str:
        """Block until a started background compile ends (for tests and benchmarks); returns ``state``."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.state
