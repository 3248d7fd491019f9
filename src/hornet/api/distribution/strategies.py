"""Distributions: ``DataParallel`` (weights replicated, batches split) and ``ModelParallel`` (weights laid out by
a ``LayoutMap``, batches split along ``batch_dim_name``).

>>> dp = DataParallel(devices=[f"cpu:{i}" for i in range(8)])            # doctest: +SKIP
>>> with dp.scope():
...     model = make_model()                  # weights created replicated over the 8 devices
...     model.fit(x, y, batch_size=32)        # each batch split 8 ways; one SPMD train step
"""
from __future__ import annotations

import contextlib
import warnings
from typing import Any, Iterator, Sequence

import numpy as np

from hornet.api.distribution.layout_map import LayoutMap
from hornet.api.distribution.mesh import DeviceMesh, TensorLayout
from hornet.runtime.backend import current_backend

DEFAULT_BATCH_DIM_NAME = "batch"


def variable_path(variable: Any) -> str:
    """What layout rules match: the variable's ``path`` (``dense_a/kernel``), else its name."""
    return str(getattr(variable, "path", None) or variable.name)


class Distribution:
    """Base class: a device mesh, the mesh axis that splits batches, and the layout of each variable.

    >>> with distribution.scope():                       # doctest: +SKIP
    ...     model = make_model()                          # variables created with distribution's layouts
    """

    def __init__(self, device_mesh: DeviceMesh, batch_dim_name: str | None = None, auto_shard_dataset: bool = True):
        support = current_backend().sharding()  # a clear error on backends that cannot shard
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = auto_shard_dataset
        self._num_processes = support.process_count()
        self._process_id = support.process_index()
        self._is_multi_process = self._num_processes > 1

    @property
    def num_processes(self) -> int:
        """Processes in the cluster."""
        return self._num_processes

    @property
    def num_model_replicas(self) -> int:
        """How many copies of the model a batch is split over."""
        raise NotImplementedError

    @property
    def data_shard_id(self) -> int:
        """Which data shard this process feeds."""
        replicas = self.num_model_replicas
        if replicas >= self.num_processes:
            return self._process_id
        return self._process_id // (self.num_processes // replicas)

    def get_data_layout(self, data_shape: Sequence[int]) -> TensorLayout:
        """Input batches: the first dim split along ``batch_dim_name``."""
        axes: list[Any] = [None] * len(data_shape)
        axes[0] = self.batch_dim_name
        return TensorLayout(axes, self.device_mesh)

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        """The layout of a variable (its own ``_layout`` first, as set when it was created)."""
        raise NotImplementedError

    def _layout_for(self, variable: Any) -> TensorLayout:
        """The layout this distribution gives ``variable``, ignoring any ``_layout`` it carries."""
        raise NotImplementedError

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        raise NotImplementedError

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        """Make this the current distribution within the block (the previous one is restored after)."""
        from hornet.api.distribution.state import distribution, set_distribution

        previous = distribution()
        set_distribution(self)
        try:
            yield
        finally:
            set_distribution(previous)

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    @property
    def batch_dim_name(self) -> str | None:
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self) -> bool:
        return self._auto_shard_dataset

    @auto_shard_dataset.setter
    def auto_shard_dataset(self, value: bool) -> None:
        self._auto_shard_dataset = value

    def __repr__(self) -> str:
        return f"<{type(self).__name__} device_mesh={self.device_mesh}>"


class DataParallel(Distribution):
    """Every variable replicated, every batch split along the mesh's first axis. Give a ``device_mesh`` or a
    list of ``devices`` (a 1-d mesh named ``"batch"``), or neither for all of ``list_devices()``.

    >>> DataParallel(devices=["cpu:0"]).batch_dim_name      # doctest: +SKIP
    'batch'
    """

    def __init__(self, device_mesh: DeviceMesh | None = None, devices: Any = None, auto_shard_dataset: bool = True):
        if device_mesh:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(f"DataParallel: expected device_mesh to be a DeviceMesh. Received: "
                                 f"device_mesh={device_mesh!r} (of type {type(device_mesh).__name__})")
            super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)
            if device_mesh.devices.ndim != 1:
                warnings.warn(f"DataParallel expects a 1-d mesh, but received one of shape {device_mesh.shape}; "
                              "its first axis splits the batches", stacklevel=2)
            return
        if devices is None or len(devices) == 0:
            from hornet.api.distribution.devices import list_devices

            devices = list_devices()
        devices = np.array(devices, dtype=object)
        mesh = DeviceMesh(shape=devices.shape, axis_names=[DEFAULT_BATCH_DIM_NAME], devices=devices)
        super().__init__(mesh, DEFAULT_BATCH_DIM_NAME, auto_shard_dataset)

    @property
    def num_model_replicas(self) -> int:
        return int(self.device_mesh.devices.size)

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        """The variable's own ``_layout`` if it has one, else replicated."""
        if getattr(variable, "_layout", None) is not None:
            return variable._layout
        return self._layout_for(variable)

    def _layout_for(self, variable: Any) -> TensorLayout:
        return TensorLayout([None] * len(variable.shape), self.device_mesh)

    def get_tensor_layout(self, path: str) -> None:
        return None


class ModelParallel(Distribution):
    """Variables laid out by ``layout_map`` (replicated where no rule matches their path), batches split along
    ``batch_dim_name`` (default: the mesh's first axis).

    >>> layout_map = LayoutMap(DeviceMesh((2, 4), ("batch", "model")))      # doctest: +SKIP
    >>> layout_map[".*/kernel"] = (None, "model")
    >>> ModelParallel(layout_map=layout_map, batch_dim_name="batch")
    """

    def __init__(self, *, layout_map: LayoutMap | None = None, batch_dim_name: str | None = None,
                 auto_shard_dataset: bool = True, **kwargs: Any):
        kwargs.pop("device_mesh", None)
        if kwargs:
            raise TypeError(f"ModelParallel: unexpected arguments {sorted(kwargs)}")
        if layout_map is None:
            raise ValueError("ModelParallel: you must specify a layout_map argument")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(f"ModelParallel: layout_map must be a LayoutMap. Received: layout_map={layout_map!r}")
        mesh = layout_map.device_mesh
        batch_dim_name = batch_dim_name or mesh.axis_names[0]
        if batch_dim_name not in mesh.axis_names:
            raise ValueError(f"ModelParallel: batch_dim_name={batch_dim_name!r} is not an axis of the mesh "
                             f"(axis names: {list(mesh.axis_names)})")
        super().__init__(mesh, batch_dim_name, auto_shard_dataset)
        self._layout_map = layout_map
        if (self._is_multi_process and self.num_processes > self.num_model_replicas
                and self.num_processes % self.num_model_replicas != 0):
            raise ValueError(f"ModelParallel: when num_processes is greater than num_model_replicas it must be "
                             f"divisible by it. Got num_processes={self.num_processes}, "
                             f"num_model_replicas={self.num_model_replicas}")

    @property
    def layout_map(self) -> LayoutMap:
        return self._layout_map

    @property
    def num_model_replicas(self) -> int:
        return int(self.device_mesh.shape[list(self.device_mesh.axis_names).index(self.batch_dim_name)])

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        """The variable's own ``_layout``, else the layout map's for its path, else replicated."""
        if getattr(variable, "_layout", None) is not None:
            return variable._layout
        return self._layout_for(variable)

    def _layout_for(self, variable: Any) -> TensorLayout:
        layout = self._layout_map[variable_path(variable)]
        if layout is not None:
            return layout
        return TensorLayout([None] * len(variable.shape), self.device_mesh)

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        return self._layout_map[path]


__all__ = ["Distribution", "DataParallel", "ModelParallel", "DEFAULT_BATCH_DIM_NAME", "variable_path"]
