"""Devices and processes: ``list_devices``, ``get_device_count``, ``initialize``, and ``distribute_tensor``.

>>> list_devices("cpu")[:1]                   # doctest: +SKIP
['cpu:0']
"""
from __future__ import annotations

import os
from typing import Any

from hornet.api.distribution.mesh import TensorLayout
from hornet.ir.tracer import SymbolicTensor
from hornet.runtime.backend import backend_of, current_backend


def list_devices(device_type: str | None = None) -> list[str]:
    """The devices a mesh can use, as ``"platform:id"`` names; by default the accelerators when there are any,
    else the CPUs (never a mix). Global devices in a multi-process run.

    >>> list_devices()                            # doctest: +SKIP
    ['cpu:0', 'cpu:1', ...]
    """
    return current_backend().sharding().devices(device_type)


def get_device_count(device_type: str | None = None) -> int:
    """How many devices ``list_devices(device_type)`` lists.

    >>> get_device_count("cpu")                   # doctest: +SKIP
    8
    """
    return len(list_devices(device_type))


def initialize(job_addresses: str | None = None, num_processes: int | None = None,
               process_id: int | None = None) -> None:
    """Join a multi-process run (``jax.distributed.initialize`` on JAX); call it before any computation.
    ``job_addresses`` is the coordinator's ``host:port`` (or every job's, comma-separated: the first one is the
    coordinator). Unset arguments come from ``KERAS_DISTRIBUTION_JOB_ADDRESSES``, ``..._NUM_PROCESSES`` and
    ``..._PROCESS_ID``, else the backend detects a TPU pod or cluster environment.

    >>> initialize("10.0.0.1:1234", num_processes=2, process_id=0)     # doctest: +SKIP
    """
    env = os.environ
    if job_addresses is None and "KERAS_DISTRIBUTION_JOB_ADDRESSES" in env:
        job_addresses = env["KERAS_DISTRIBUTION_JOB_ADDRESSES"]
    if num_processes is None and "KERAS_DISTRIBUTION_NUM_PROCESSES" in env:
        num_processes = int(env["KERAS_DISTRIBUTION_NUM_PROCESSES"])
    if process_id is None and "KERAS_DISTRIBUTION_PROCESS_ID" in env:
        process_id = int(env["KERAS_DISTRIBUTION_PROCESS_ID"])
    coordinator = job_addresses
    if job_addresses and "," in job_addresses:
        jobs = job_addresses.split(",")
        if num_processes is not None and num_processes != len(jobs):
            raise ValueError(f"initialize: job_addresses {jobs} lists {len(jobs)} jobs, but "
                             f"num_processes={num_processes}")
        coordinator = jobs[0]
    current_backend().sharding().initialize(coordinator, num_processes, process_id)


def distribute_tensor(tensor: Any, layout: TensorLayout) -> Any:
    """``tensor`` laid out as ``layout``: inside a compiled function a ``sharding_constraint`` node, eagerly an
    array placed on the mesh. Symbolic tensors of a functional model being built are returned as they are.

    >>> x = distribute_tensor(np.ones((8, 4), "float32"), TensorLayout(("batch", None), mesh))   # doctest: +SKIP
    """
    from hornet.api.layers.keras_tensor import KerasTensor
    from hornet.api.distribution.state import distribution
    from hornet.runtime.bind import bind

    if isinstance(tensor, KerasTensor):
        return tensor
    if not isinstance(layout, TensorLayout):
        raise ValueError(f"distribute_tensor: layout must be a TensorLayout, got {layout!r} of type "
                         f"{type(layout).__name__}")
    ndim = len(getattr(tensor, "shape", ()))
    if len(layout.axes) > ndim:
        raise ValueError(f"distribute_tensor: layout {layout.axes} has {len(layout.axes)} entries for a tensor "
                         f"of rank {ndim}")
    if isinstance(tensor, SymbolicTensor):
        return bind("sharding_constraint", tensor, spec=tuple(layout.axes), op="distribute_tensor")
    mesh = layout.device_mesh
    if mesh is None:
        current = distribution()
        if current is None:
            raise ValueError("distribute_tensor: the layout has no device_mesh and no distribution is set")
        mesh = current.device_mesh
    backend = backend_of(tensor) or current_backend()
    return backend.sharding().place(backend.asarray(tensor), tuple(layout.axes), mesh.spec)


__all__ = ["list_devices", "get_device_count", "initialize", "distribute_tensor"]
