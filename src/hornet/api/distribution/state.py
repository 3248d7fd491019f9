"""The current distribution (per thread, as Keras's global state) and the placer the runtime asks for layouts.

>>> set_distribution(DataParallel())          # doctest: +SKIP
>>> distribution()
<DataParallel device_mesh=<DeviceMesh shape=(8,), axis_names=['batch']>>
>>> set_distribution(None)
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from hornet.api.distribution.strategies import Distribution, ModelParallel, variable_path
from hornet.ir.types import TensorType
from hornet.runtime.backend import current_backend
from hornet.runtime.placement import active_placer, set_active_placer


class DistributionPlacer:
    """A distribution seen by the runtime: layout specs for variables and inputs, checked against shapes."""

    def __init__(self, distribution: Distribution):
        self.distribution = distribution
        self.mesh = distribution.device_mesh.spec
        self._paths: set[str] = set()

    def variable_spec(self, variable: Any) -> tuple:
        layout = getattr(variable, "_layout", None)
        mesh = getattr(layout, "device_mesh", None)
        if mesh is None or mesh.spec != self.mesh:  # none yet, or laid out for another distribution's mesh
            layout = variable._layout = self.distribution._layout_for(variable)
        axes = tuple(layout.axes)
        path = variable_path(variable)
        if len(axes) > len(variable.shape):
            raise ValueError(f"{type(self.distribution).__name__}: variable '{path}' of shape {variable.shape} "
                             f"can't take layout {axes}{self._rule(path)}: it has {len(axes)} entries for "
                             f"{len(variable.shape)} dims")
        for d, entry in enumerate(axes):
            n = self._split(entry)
            if variable.shape[d] % n:
                raise ValueError(f"{type(self.distribution).__name__}: variable '{path}' of shape "
                                 f"{variable.shape} can't take layout {axes}{self._rule(path)}: dim {d} "
                                 f"({variable.shape[d]}) is not divisible by the {n} devices of mesh axis "
                                 f"{entry!r}")
        return axes

    def input_spec(self, t: TensorType) -> tuple:
        """Data split along the batch axis where its first dim divides evenly; replicated otherwise (scalars,
        a last short batch)."""
        if t.ndim == 0 or self.distribution.batch_dim_name is None:
            return ()
        axes = tuple(self.distribution.get_data_layout(t.shape).axes)
        first = t.shape[0]
        if not isinstance(first, int) or first % self._split(axes[0]):
            return ()
        return axes

    def note_variables(self, variables: Sequence[Any]) -> None:
        self._paths.update(variable_path(v) for v in variables)

    def check_rules(self) -> None:
        if isinstance(self.distribution, ModelParallel):
            error = self.distribution.layout_map.unmatched_error(self._paths)
            if error is not None:
                raise error

    def _split(self, entry: Any) -> int:
        if entry is None:
            return 1
        names = entry if isinstance(entry, tuple) else (entry,)
        return math.prod(self.mesh.axis_size(n) for n in names)

    def _rule(self, path: str) -> str:
        if isinstance(self.distribution, ModelParallel):
            keys = self.distribution.layout_map.matching_keys(path)
            if keys:
                return f" (from LayoutMap rule {keys[0]!r})"
        return ""


def _placer_of(value: Distribution) -> DistributionPlacer:
    placer = getattr(value, "_hornet_placer", None)
    if placer is None:  # one per distribution, so compiled steps cached for it are reused on re-entry
        placer = value._hornet_placer = DistributionPlacer(value)
    return placer


def distribution() -> Distribution | None:
    """The current distribution, or None.

    >>> distribution() is None                    # doctest: +SKIP
    True
    """
    placer = active_placer()
    return getattr(placer, "distribution", None)


def set_distribution(value: Distribution | None) -> None:
    """Make ``value`` the current distribution (None: none). New variables and compiled steps follow it.

    >>> set_distribution(DataParallel())          # doctest: +SKIP
    """
    if value is None:
        set_active_placer(None)
        return
    if not isinstance(value, Distribution):
        raise ValueError(f"set_distribution: expected a Distribution (DataParallel, ModelParallel) or None, got "
                         f"{value!r} of type {type(value).__name__}")
    current_backend().sharding()  # JAX-only for now: a clear error elsewhere
    set_active_placer(_placer_of(value))


__all__ = ["distribution", "set_distribution", "DistributionPlacer"]
