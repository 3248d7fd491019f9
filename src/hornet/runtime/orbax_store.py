"""Checkpoints of a JAX-backend model's state with orbax-checkpoint: one numbered step folder per save, written
in the background when asked, the newest ``max_to_keep`` kept, and restored onto the shardings the model's
variables have now (another mesh than the one that saved is fine). orbax commits a step by renaming its
temporary folder, so a half-written step is never listed; across processes it coordinates the write itself.

>>> store = OrbaxStore("ckpt", max_to_keep=2, background=True)       # doctest: +SKIP
>>> store.save(3, {"00000": kernel})                                 # doctest: +SKIP
>>> restore("ckpt", {"00000": kernel})                               # the newest step, laid out as kernel
"""
from __future__ import annotations

import os
from typing import Any

import jax
import orbax.checkpoint as ocp

from hornet.ir.errors import HornetError


def _manager(directory: str, options: Any = None) -> Any:
    return ocp.CheckpointManager(os.path.abspath(directory), options=options,
                                 item_handlers=ocp.StandardCheckpointHandler())


class OrbaxStore:
    """An orbax CheckpointManager over ``directory``."""

    def __init__(self, directory: str, max_to_keep: int | None, background: bool):
        options = ocp.CheckpointManagerOptions(max_to_keep=max_to_keep, enable_async_checkpointing=background,
                                               create=True)
        self.manager = _manager(directory, options)

    def save(self, step: int, tree: dict[str, Any]) -> None:
        self.manager.save(step, args=ocp.args.StandardSave(tree), force=True)

    def wait(self) -> None:
        self.manager.wait_until_finished()

    def close(self) -> None:
        self.manager.close()


def latest_step(directory: str) -> int | None:
    """The newest committed step in ``directory``, or None."""
    with _manager(directory) as manager:
        return manager.latest_step()


def restore(directory: str, targets: dict[str, Any], step: int | None = None) -> dict[str, Any]:
    """The arrays of a step (the newest by default), each with the shape, dtype and sharding of its target."""
    with _manager(directory) as manager:
        step = manager.latest_step() if step is None else step
        if step is None or step not in manager.all_steps():
            raise HornetError(f"{directory} holds no orbax checkpoint step {step if step is not None else ''}"
                              .rstrip() + f" (steps: {sorted(manager.all_steps())})")
        stored = manager.item_metadata(step)
        stored = dict(stored) if stored is not None else {}
        if sorted(stored) != sorted(targets):
            raise HornetError(f"{directory} step {step} holds {len(stored)} arrays and the model has "
                              f"{len(targets)} variables: it was saved by another model")
        for key, target in targets.items():
            shape = tuple(getattr(stored[key], "shape", ()) or ())
            if shape != tuple(target.shape):
                raise HornetError(f"{directory} step {step}: variable {key} has shape {shape}; the model's has "
                                  f"shape {tuple(target.shape)}")
        abstract = {k: jax.ShapeDtypeStruct(v.shape, v.dtype, sharding=v.sharding) for k, v in targets.items()}
        return dict(manager.restore(step, args=ocp.args.StandardRestore(abstract)))


__all__ = ["OrbaxStore", "latest_step", "restore"]
