"""``DeviceMesh`` (devices arranged in named axes) and ``TensorLayout`` (which mesh axis splits each dim).

>>> mesh = DeviceMesh((2, 4), ("batch", "model"), devices=[f"cpu:{i}" for i in range(8)])
>>> TensorLayout((None, "model"), mesh).axes
(None, 'model')
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from hornet.runtime.placement import MeshSpec


def _device_name(device: Any) -> str:
    """``"cpu:3"`` for a device name or a framework device object (anything with ``platform`` and ``id``)."""
    if isinstance(device, str):
        return device if ":" in device else f"{device}:0"
    if hasattr(device, "platform") and hasattr(device, "id"):
        return f"{device.platform}:{device.id}"
    raise ValueError(f"DeviceMesh: a device must be a name such as 'cpu:0' or a device object, got {device!r}")


class DeviceMesh:
    """Devices arranged as an n-d array whose axes have names (Keras's ``DeviceMesh``; a ``jax.sharding.Mesh``
    on the JAX backend). ``devices`` defaults to ``list_devices()``.

    >>> mesh = DeviceMesh((8,), ["batch"], devices=[f"cpu:{i}" for i in range(8)])
    >>> mesh.devices.shape
    (8,)
    """

    def __init__(self, shape: Sequence[int], axis_names: Sequence[str], devices: Any = None):
        if not shape or not axis_names:
            raise ValueError(f"DeviceMesh: shape and axis_names cannot be empty. Received: shape={shape}, "
                             f"axis_names={axis_names}")
        if len(shape) != len(axis_names):
            raise ValueError(f"DeviceMesh: shape and axis_names should have the same size. Received: "
                             f"shape={shape}, axis_names={axis_names}")
        if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d > 0 for d in shape):
            raise ValueError(f"DeviceMesh: every dim of shape must be a positive integer. Received: shape={shape}")
        if len(set(axis_names)) != len(axis_names) or not all(isinstance(a, str) for a in axis_names):
            raise ValueError(f"DeviceMesh: axis_names must be distinct strings. Received: axis_names={axis_names}")
        if devices is None:
            from hornet.api.distribution.devices import list_devices

            devices = list_devices()
        devices = np.array(devices, dtype=object)
        if math.prod(shape) != devices.size:
            raise ValueError(f"DeviceMesh: shape {tuple(shape)} needs {math.prod(shape)} devices, but "
                             f"{devices.size} were given (devices.shape={devices.shape})")
        self._shape = shape
        self._axis_names = axis_names
        self._devices = np.reshape(devices, tuple(shape))

    @property
    def shape(self) -> Sequence[int]:
        return self._shape

    @property
    def axis_names(self) -> Sequence[str]:
        return self._axis_names

    @property
    def devices(self) -> np.ndarray:
        return self._devices

    @property
    def spec(self) -> MeshSpec:
        """This mesh as runtime data (what backends map to their own mesh)."""
        return MeshSpec(tuple(int(d) for d in self._shape), tuple(self._axis_names),
                        tuple(_device_name(d) for d in self._devices.flat))

    @property
    def backend_mesh(self) -> Any:
        """The current backend's mesh object (``jax.sharding.Mesh`` on JAX)."""
        from hornet.runtime.backend import current_backend

        return current_backend().sharding().mesh(self.spec)

    def __repr__(self) -> str:
        return f"<DeviceMesh shape={self.shape}, axis_names={self.axis_names}>"


class TensorLayout:
    """How a tensor is split over a mesh: one entry per dim, a mesh-axis name or ``None`` (not split). The mesh
    may be given later (a ``LayoutMap`` fills in its own).

    >>> TensorLayout(("batch", None)).device_mesh is None
    True
    """

    def __init__(self, axes: Sequence[Any], device_mesh: DeviceMesh | None = None):
        self._axes = tuple(axes)
        for entry in self._axes:
            names = entry if isinstance(entry, tuple) else (entry,)
            if not (entry is None or all(isinstance(n, str) for n in names)):
                raise ValueError(f"TensorLayout: each axis must be None, a mesh-axis name or a tuple of names. "
                                 f"Received: axes={self._axes}")
        self._device_mesh = device_mesh
        self._validate_axes()

    @property
    def axes(self) -> tuple[Any, ...]:
        return self._axes

    @property
    def device_mesh(self) -> DeviceMesh | None:
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh: DeviceMesh) -> None:
        if self._device_mesh is not None:
            raise ValueError(f"TensorLayout: cannot override device mesh value. Existing value is "
                             f"{self._device_mesh}")
        self._device_mesh = device_mesh
        self._validate_axes()

    @property
    def backend_layout(self) -> Any:
        """The current backend's sharding object (``jax.sharding.NamedSharding`` on JAX)."""
        from hornet.runtime.backend import current_backend

        if self._device_mesh is None:
            raise ValueError("TensorLayout: cannot create a sharding while the device mesh is not set")
        return current_backend().sharding().layout(self._axes, self._device_mesh.spec)

    def _mesh_axes(self) -> set[str]:
        return {n for entry in self._axes if entry is not None
                for n in (entry if isinstance(entry, tuple) else (entry,))}

    def _validate_axes(self) -> None:
        if self._device_mesh is not None:
            unknown = self._mesh_axes() - set(self._device_mesh.axis_names)
            if unknown:
                raise ValueError(f"TensorLayout: invalid axis names {sorted(unknown)} in axes={self._axes}; the "
                                 f"mesh's axis names are {list(self._device_mesh.axis_names)}")

    def __repr__(self) -> str:
        return f"<TensorLayout axes={self.axes}, device_mesh={self.device_mesh}>"


__all__ = ["DeviceMesh", "TensorLayout"]
