"""fit / evaluate / predict when a distribution spans several processes (``hornet.distribution.initialize``).

Each process passes its OWN rows (``model.fit(x_local, y_local, batch_size=b)``). Its adapter batches and pads
them as on one process (``b`` rows and a row mask); a :class:`ProcessFeed` makes each batch this process's part
of one global batch of ``b`` rows per data shard (``b * processes`` for ``DataParallel``): global batch ``i`` is
every process's batch ``i``, concatenated in the mesh's device order (process order for the default
``list_devices()``). Padding keeps every global batch one shape, so the step compiles once.

- Every process must run the same number of steps with the same batch size: a process whose data gives a
  different number of batches is an error naming each process's count (nothing is padded across processes).
- ``shuffle=True`` permutes each process's own rows with NumPy's global RNG, as on one process; rows never
  move between processes. Seed it the same way in every process for the same permutations.
- predict returns each process's own rows.

>>> feed, with_sw = process_feed(model, adapter, "fit", with_sw=False)     # doctest: +SKIP
>>> data, mask = feed(data, mask)                                          # global arrays for the compiled step
"""
from __future__ import annotations

from typing import Any

import numpy as np

from hornet.ir import pytree
from hornet.ir.errors import HornetError
from hornet.ir.types import TensorType
from hornet.runtime.backend import current_backend, get_backend
from hornet.runtime.placement import active_placer
from hornet.runtime.processes import process_support


class ProcessFeed:
    """Turns this process's host batches into global arrays laid out as the compiled step's inputs."""

    def __init__(self, support: Any, placer: Any, what: str):
        self.support = support
        self.placer = placer
        self.what = what
        self.mask: Any = None  # the last global mask: where this process's rows are (for predict outputs)

    def __call__(self, data: Any, mask: np.ndarray) -> tuple[Any, Any]:
        leaves, tree = pytree.flatten((data, mask))
        out = [self._global(np.asarray(a)) for a in leaves]
        self.mask = out[-1]
        return pytree.unflatten(tree, out)

    def local(self, array: Any) -> np.ndarray:
        """This process's rows of a global output of the last batch."""
        return self.support.process_rows(array, self.mask)

    def _global(self, local: np.ndarray) -> Any:
        distribution = self.placer.distribution
        axis = distribution.batch_dim_name
        spec = tuple(distribution.get_data_layout(local.shape).axes)
        where = (f"{local.shape[0]} rows per process over the {self.placer.mesh.axis_size(axis)} devices of mesh "
                 f"axis {axis!r} ({distribution.num_processes} processes)")
        try:
            array = self.support.global_batch(local, spec, self.placer.mesh)
        except ValueError as e:
            raise HornetError(f"{self.what}: can't lay out a batch of {where}: {e}") from e
        if self.placer.input_spec(TensorType(local.dtype, array.shape)) != spec:
            raise HornetError(f"{self.what}: a global batch of {array.shape[0]} rows does not split evenly: "
                              f"{where}; pick a batch_size that makes it divide")
        return array


def process_feed(model: Any, adapter: Any, what: str, with_sw: bool) -> tuple[ProcessFeed | None, bool]:
    """``(feed, with_sw)``: a ProcessFeed when the active distribution spans several processes (else None), and
    whether the steps take sample weights (agreed between processes, so all compile the same program).
    Checks that every process runs the same number of steps with the same batch size."""
    placer = active_placer()
    if placer is None:
        return None, with_sw
    name = getattr(model, "_backend_name", None)
    support = process_support(get_backend(name) if name else current_backend())
    if support is None:
        return None, with_sw
    if getattr(model, "steps_per_execution", 1) > 1 and what != "predict":
        raise HornetError(f"{what}: steps_per_execution={model.steps_per_execution} is not supported under a "
                          "multi-process distribution yet; compile with steps_per_execution=1")
    steps = adapter.num_batches
    if steps is None:
        raise HornetError(f"{what}: under a multi-process distribution every process must run the same number of "
                          f"steps, and this process's data ({adapter.source_name}) has no known length; pass "
                          "steps_per_epoch (or steps) or arrays")
    rows = int(getattr(adapter, "num_samples", -1))
    shared = support.gather_ints([steps, adapter.batch_size, int(with_sw), rows])
    if len({(s, b) for s, b, _, _ in shared}) > 1:
        table = ", ".join(f"process {p}: {s} batches of {b} ({'?' if n < 0 else n} rows)"
                          for p, (s, b, _, n) in enumerate(shared))
        raise HornetError(f"{what}: every process must run the same number of steps with the same batch size, "
                          f"got {table}; give each process the same number of rows (or steps_per_epoch)")
    return ProcessFeed(support, placer, what), any(w for _, _, w, _ in shared)


__all__ = ["ProcessFeed", "process_feed"]
