"""The JAX side of ``hornet.distribution``: MeshSpecs become ``jax.sharding.Mesh``es, specs ``NamedSharding``s,
and a placed graph is one ``jax.jit`` with matching in/out shardings (XLA SPMD partitions it).

>>> support = SUPPORT                                                        # doctest: +SKIP
>>> mesh = MeshSpec((8,), ("batch",), tuple(support.devices("cpu")))
>>> support.place(np.ones((8, 3), "float32"), ("batch", None), mesh).sharding   # NamedSharding(..., P('batch'))
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from hornet.ir.errors import HornetError
from hornet.runtime.placement import MeshSpec, Placement, Spec


def _device(name: str) -> Any:
    platform, _, index = name.partition(":")
    for device in jax.devices(platform):
        if device.id == int(index or 0):
            return device
    raise HornetError(f"DeviceMesh: no JAX device {name!r}; available: "
                      f"{', '.join(f'{d.platform}:{d.id}' for d in jax.devices(platform))}")


@functools.lru_cache(maxsize=None)
def jax_mesh(mesh: MeshSpec) -> Mesh:
    """The ``jax.sharding.Mesh`` of a MeshSpec (Auto axes: XLA propagates shardings between the annotations)."""
    devices = np.array([_device(d) for d in mesh.devices], dtype=object).reshape(mesh.shape)
    return Mesh(devices, mesh.axis_names, axis_types=(jax.sharding.AxisType.Auto,) * len(mesh.shape))


def named_sharding(spec: Spec, mesh: MeshSpec) -> NamedSharding:
    return NamedSharding(jax_mesh(mesh), PartitionSpec(*spec))


class JaxSharding:
    """``Backend.sharding()`` of the JAX backend."""

    def devices(self, device_type: str | None = None) -> list[str]:
        return [f"{d.platform}:{d.id}" for d in jax.devices(device_type.lower() if device_type else None)]

    def initialize(self, coordinator_address: str | None = None, num_processes: int | None = None,
                   process_id: int | None = None) -> None:
        jax.distributed.initialize(coordinator_address=coordinator_address, num_processes=num_processes,
                                   process_id=process_id)

    def process_count(self) -> int:
        return jax.process_count()

    def process_index(self) -> int:
        return jax.process_index()

    # multi-process feeding (hornet.runtime.jax_multihost): host batches in, this process's rows out
    def global_batch(self, local: Any, spec: Spec, mesh: MeshSpec) -> Any:
        from hornet.runtime.jax_multihost import global_batch

        return global_batch(local, spec, mesh)

    def process_rows(self, array: Any, like: Any) -> np.ndarray:
        from hornet.runtime.jax_multihost import process_rows

        return process_rows(array, like)

    def gather_ints(self, values: Sequence[int]) -> list[list[int]]:
        from hornet.runtime.jax_multihost import gather_ints

        return gather_ints(values)

    def mesh(self, mesh: MeshSpec) -> Mesh:
        return jax_mesh(mesh)

    def layout(self, spec: Spec, mesh: MeshSpec) -> NamedSharding:
        return named_sharding(spec, mesh)

    def place(self, array: Any, spec: Spec, mesh: MeshSpec) -> Any:
        target = named_sharding(spec, mesh)
        if isinstance(array, jax.Array) and array.sharding.is_equivalent_to(target, array.ndim):
            return array
        return jax.device_put(array, target)

    def compile(self, fn: Callable[..., Any], donate: Sequence[int], placement: Placement) -> Callable[..., Any]:
        """``fn`` jitted once for the placement's layouts; run under the mesh so that ``sharding_constraint``
        nodes inside it constrain against that mesh."""
        mesh = jax_mesh(placement.mesh)
        ins = tuple(named_sharding(s, placement.mesh) for s in placement.inputs)
        outs = tuple(None if s is None else named_sharding(s, placement.mesh) for s in placement.outputs)
        jitted = jax.jit(fn, in_shardings=ins, out_shardings=outs, donate_argnums=tuple(donate))

        def run(*args: Any) -> Any:
            # a committed array laid out elsewhere (a weight assigned eagerly) is moved; jit would refuse it
            args = tuple(jax.device_put(a, s) if isinstance(a, jax.Array)
                         and not a.sharding.is_equivalent_to(s, a.ndim) else a for a, s in zip(args, ins))
            with jax.set_mesh(mesh):
                return jitted(*args)

        run.jitted = jitted  # for inspection: run.jitted._cache_size() counts XLA compilations
        return run


SUPPORT = JaxSharding()

__all__ = ["JaxSharding", "SUPPORT", "jax_mesh", "named_sharding"]
