"""The JAX side of multi-process runs: each process's host batch becomes its part of one global array, a global
output comes back as this process's rows, and small host values are exchanged between processes.

>>> g = global_batch(np.ones((8, 3), "float32"), ("batch", None), mesh)   # doctest: +SKIP
>>> g.shape                                   # 2 processes: (16, 3), this process's rows at its devices' places
"""
from __future__ import annotations

from typing import Any, Sequence

import jax
import numpy as np
from jax.experimental import multihost_utils

from hornet.runtime.jax_sharding import named_sharding
from hornet.runtime.placement import MeshSpec, Spec


def global_batch(local: Any, spec: Spec, mesh: MeshSpec) -> jax.Array:
    """The global array whose rows at this process's devices are ``local`` (the other processes give theirs);
    the global shape follows from the layout (``b`` local rows, P processes along the batch axis: ``b * P``)."""
    return jax.make_array_from_process_local_data(named_sharding(spec, mesh), np.asarray(local))


def process_rows(array: Any, like: Any) -> np.ndarray:
    """This process's rows of ``array``: the rows that ``like`` (an input laid out by ``global_batch``, with the
    same number of rows) holds on this process's devices, in order."""
    if not isinstance(array, jax.Array) or array.is_fully_addressable:
        return np.asarray(array)
    full = multihost_utils.process_allgather(array, tiled=True)
    n = like.shape[0]
    spans = sorted({(s[0].start or 0, n if s[0].stop is None else s[0].stop)
                    for s in like.sharding.addressable_devices_indices_map(like.shape).values()})
    return np.concatenate([full[a:b] for a, b in spans])


def gather_ints(values: Sequence[int]) -> list[list[int]]:
    """Every process's ``values`` (same length everywhere), in process order; a collective: all must call it."""
    out = multihost_utils.process_allgather(np.asarray(list(values), np.int64))
    return np.asarray(out).reshape(jax.process_count(), -1).tolist()


__all__ = ["global_batch", "process_rows", "gather_ints"]
