"""hornet dtypes <-> torch dtypes, NumPy <-> torch arrays (bit-exact, bfloat16 and uint32 included), and the
int64 emulation of uint32 arithmetic.

>>> import numpy as np
>>> to_numpy(from_numpy(np.arange(3, dtype=np.uint32))).dtype
dtype('uint32')
"""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Iterator

import ml_dtypes
import numpy as np
import torch

from hornet.ir.dtypes import DType

TORCH: dict[DType, torch.dtype] = {
    DType.bool: torch.bool, DType.int8: torch.int8, DType.int16: torch.int16, DType.int32: torch.int32,
    DType.int64: torch.int64, DType.uint8: torch.uint8, DType.uint32: torch.uint32, DType.float16: torch.float16,
    DType.bfloat16: torch.bfloat16, DType.float32: torch.float32, DType.float64: torch.float64,
}
HORNET: dict[torch.dtype, DType] = {v: k for k, v in TORCH.items()}
U32_MASK = 0xFFFFFFFF


def torch_dtype(d: Any) -> torch.dtype:
    """The torch dtype of a hornet dtype (or of anything ``hornet.ir.dtypes.dtype`` accepts)."""
    from hornet.ir.dtypes import dtype as to_dtype

    return TORCH[to_dtype(d)]


def from_numpy(a: Any, device: Any = None) -> torch.Tensor:
    """A torch tensor with the same bits as NumPy array ``a`` (bfloat16 through a uint16 view)."""
    a = np.asarray(a)
    if a.dtype == ml_dtypes.bfloat16:
        t = torch.from_numpy(np.ascontiguousarray(a).view(np.int16)).view(torch.bfloat16)
    else:
        t = torch.from_numpy(np.array(a, copy=True) if not a.flags.writeable or not a.flags.c_contiguous else a)
    return t.to(device) if device is not None and str(device) != "cpu" else t


def to_numpy(t: torch.Tensor) -> np.ndarray:
    t = t.detach()
    if t.device.type != "cpu":
        t = t.cpu()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return t.numpy()


def is_u32(t: Any) -> bool:
    return t.dtype == torch.uint32


def widen(t: torch.Tensor) -> torch.Tensor:
    """uint32 values as int64 (exact); other tensors unchanged."""
    return t.to(torch.int64) if t.dtype == torch.uint32 else t


def narrow_u32(t: torch.Tensor) -> torch.Tensor:
    """int64 values reduced modulo 2**32, as uint32."""
    return torch.bitwise_and(t, U32_MASK).to(torch.uint32)


def via_int64(fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """``fn`` on uint32 operands computed in int64; a uint32 result (when the first operand was uint32 and the
    result is an integer) is masked back to 32 bits. Other dtypes pass straight through."""

    def rule(*xs: Any, **attrs: Any) -> Any:
        if not any(isinstance(x, torch.Tensor) and x.dtype == torch.uint32 for x in xs):
            return fn(*xs, **attrs)
        out = fn(*(widen(x) if isinstance(x, torch.Tensor) else x for x in xs), **attrs)
        if xs[0].dtype == torch.uint32 and out.dtype == torch.int64:
            return narrow_u32(out)
        return out

    return rule




HALF = (torch.float16, torch.bfloat16)


def in_float32(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` computed in float32 when the first operand is a 16-bit float; its float32 results (one tensor or a
    tuple) are rounded back to that dtype, other results (indices, pivots) are returned as they are.

    The wrapper keeps its own name (no ``functools.wraps``): FX's generated code calls a target by module and name,
    so a wrapper named like the torch function it wraps would be replaced by that function."""

    def rule(*xs: Any, **attrs: Any) -> Any:
        dtype = xs[0].dtype
        if dtype not in HALF:
            return fn(*xs, **attrs)
        out = fn(*(x.to(torch.float32) for x in xs), **attrs)
        back = lambda o: o.to(dtype) if o.dtype == torch.float32 else o  # noqa: E731
        return tuple(back(o) for o in out) if isinstance(out, tuple) else back(out)

    return rule


_DEVICE = threading.local()


def device() -> Any:
    """The device new tensors are made on (``iota``, constants): the torch backend's, set with ``on_device``."""
    return getattr(_DEVICE, "device", None) or "cpu"


@contextlib.contextmanager
def on_device(dev: Any) -> Iterator[None]:
    previous = getattr(_DEVICE, "device", None)
    _DEVICE.device = dev
    try:
        yield
    finally:
        _DEVICE.device = previous


__all__ = ["TORCH", "HORNET", "HALF", "in_float32", "torch_dtype", "from_numpy", "to_numpy", "widen", "narrow_u32", "via_int64", "is_u32",
           "device", "on_device"]
