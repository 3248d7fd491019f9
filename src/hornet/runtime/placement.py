"""Placement: where arrays live on a device mesh, as data (``hornet.distribution`` sets it, backends apply it).

A layout ``spec`` is what the ``sharding_constraint`` prim takes: one entry per dim, each ``None`` (not split),
a mesh-axis name, or a tuple of names; ``()`` is fully replicated. A :class:`Placement` gives one spec per
input and per output of a compiled graph on a :class:`MeshSpec`. Shared code never sees framework objects: the
backend maps these to its own (``NamedSharding`` on JAX, through ``Backend.sharding()``).

The active placer (this thread's distribution) decides the specs: ``place_variable`` gives a new Variable its
layout, and ``step_placement`` gives a compiled step its input and output layouts.

>>> mesh = MeshSpec((2, 4), ("batch", "model"), tuple(f"cpu:{i}" for i in range(8)))
>>> Placement(mesh, inputs=(("batch", None), (None, "model")), outputs=((None, "model"), None))   # doctest: +SKIP
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Protocol, Sequence

from hornet.ir.errors import HornetError
from hornet.ir.types import TensorType

Spec = tuple  # per dim: None | axis name | tuple of axis names


@dataclass(frozen=True)
class MeshSpec:
    """A device mesh as data: its shape, one name per axis, and the devices (``"cpu:3"``) in row-major order."""

    shape: tuple[int, ...]
    axis_names: tuple[str, ...]
    devices: tuple[str, ...]

    def axis_size(self, name: str) -> int:
        """The number of devices along mesh axis ``name``."""
        return self.shape[self.axis_names.index(name)]


@dataclass(frozen=True)
class Placement:
    """Layouts of a compiled graph: one spec per input (graph arguments, then state) and per output; ``None``
    for an output lets the compiler choose. State outputs carry their variable's spec, so written-back values
    keep the layout the next call expects."""

    mesh: MeshSpec
    inputs: tuple[Spec, ...]
    outputs: tuple[Spec | None, ...]


class Placer(Protocol):
    """What the runtime asks the active distribution (``hornet.distribution`` implements it)."""

    mesh: MeshSpec

    def variable_spec(self, variable: Any) -> Spec: ...

    def input_spec(self, t: TensorType) -> Spec: ...

    def note_variables(self, variables: Sequence[Any]) -> None: ...

    def check_rules(self) -> None: ...


_LOCAL = threading.local()


def active_placer() -> Placer | None:
    """This thread's placer (the distribution set by ``set_distribution`` or ``scope()``), or None."""
    return getattr(_LOCAL, "placer", None)


def set_active_placer(placer: Placer | None) -> None:
    _LOCAL.placer = placer


def place_variable(variable: Any, spec: Spec | None = None) -> None:
    """Lay out a Variable's value on the active mesh (``spec``, or what the placer decides for it); a no-op
    when no distribution is active. Called when a Variable is created."""
    placer = active_placer()
    if placer is None:
        return
    placer.note_variables([variable])
    spec = placer.variable_spec(variable) if spec is None else spec
    support = variable.backend.sharding()  # raises on backends without distribution support
    variable._value = support.place(variable._value, spec, placer.mesh)


def step_placement(placer: Placer, backend: Any, arg_types: Sequence[TensorType], state_in: Sequence[Any],
                   state_out: Sequence[Any], n_outputs: int) -> Placement:
    """The Placement of a compiled step: arguments laid out as data (batch-split), state as its variables,
    state outputs as the variables they update, other outputs left to the compiler."""
    backend.sharding()
    placer.note_variables([*state_in, *state_out])
    placer.check_rules()
    inputs = tuple(placer.input_spec(t) for t in arg_types) + tuple(placer.variable_spec(v) for v in state_in)
    n_plain = n_outputs - len(state_out)
    outputs = (None,) * n_plain + tuple(placer.variable_spec(v) for v in state_out)
    return Placement(placer.mesh, inputs, outputs)


def jax_only(backend_name: str) -> HornetError:
    """The error for a distribution on a backend that cannot shard."""
    return HornetError(f"hornet.distribution is JAX-only for now: the {backend_name} backend cannot shard "
                       "variables or compiled steps over a device mesh; use the jax backend "
                       "(HORNET_BACKEND=jax or model.compile(backend='jax')), or set_distribution(None)")


__all__ = ["MeshSpec", "Placement", "Placer", "active_placer", "set_active_placer", "place_variable",
           "step_placement", "jax_only"]
