"""Everything a resumed ``fit`` needs to continue as if it had never stopped: the model's variables (weights and
RNG seeds), the optimizer's (slots and iteration count), the global seed generator's state, and the host RNGs
that shuffle data (NumPy's global RNG for arrays, Python's ``random`` for PyDatasets).

>>> arrays, paths = state_arrays(model)                       # doctest: +SKIP
>>> restore_state_arrays(model, arrays, paths, "backup/x")    # doctest: +SKIP
"""
from __future__ import annotations

import json
import random
from typing import Any

import numpy as np

from hornet.ir.errors import HornetError
from hornet.runtime.backend import to_numpy


def state_variables(model: Any) -> list[Any]:
    """The model's and its optimizer's variables, each once, in a fixed order."""
    seen: dict[int, Any] = {}
    optimizer = getattr(model, "optimizer", None)
    for v in list(model.variables) + (list(optimizer.variables) if optimizer is not None else []):
        seen.setdefault(id(v), v)
    return list(seen.values())


def _global_seed_state() -> Any:
    from hornet.api.random import seed_generator

    return seed_generator._global  # None until something draws an unseeded random number


def state_arrays(model: Any) -> tuple[dict[str, np.ndarray], list[str]]:
    """``(arrays, paths)``: host copies of the training state, keyed ``v00000``... (their names, dtypes and shapes in the same order),
    plus the global seed generator's state when it exists."""
    variables = state_variables(model)
    arrays = {f"v{i:05d}": np.asarray(to_numpy(v.value)) for i, v in enumerate(variables)}
    generator = _global_seed_state()
    if generator is not None:
        arrays["global_seed_generator"] = np.asarray(to_numpy(generator.state.value))
    return arrays, [_describe(v) for v in variables]


def _describe(v: Any) -> str:
    return f"{v.name}: {v.dtype.name}{list(v.shape)}"


def _kind(description: str) -> str:
    return description.rsplit(": ", 1)[-1]  # dtype and shape: names of auto-named variables vary by process


def restore_state_arrays(model: Any, arrays: dict[str, np.ndarray], paths: list[str], source: str) -> None:
    """Assign a backup's arrays to the model's state, after checking it holds the same variables."""
    variables = state_variables(model)
    mine = [_describe(v) for v in variables]
    if [_kind(d) for d in mine] != [_kind(d) for d in paths]:
        diff = next((i for i, (a, b) in enumerate(zip(mine, paths)) if _kind(a) != _kind(b)),
                    min(len(mine), len(paths)))
        raise HornetError(f"the backup {source} holds {len(paths)} variables and this model has {len(mine)}; "
                          f"they differ first at position {diff} (backup: "
                          f"{paths[diff] if diff < len(paths) else 'none'}, model: "
                          f"{mine[diff] if diff < len(mine) else 'none'}): the model, its optimizer or its "
                          "compile() arguments changed since the backup; delete the backup to start over")
    for i, v in enumerate(variables):
        a = arrays.get(f"v{i:05d}")
        if a is None or tuple(a.shape) != tuple(v.shape):
            raise HornetError(f"the backup {source} lacks {paths[i]} (it holds "
                              f"{'nothing' if a is None else list(a.shape)} there)")
        v.assign(a.astype(v.dtype.np, copy=False))
    if "global_seed_generator" in arrays:
        from hornet.api.random.seed_generator import global_seed_generator

        global_seed_generator().state.assign(arrays["global_seed_generator"])


def host_rng_state() -> str:
    """NumPy's global RNG and Python's ``random`` states, as JSON."""
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    version, internal, gauss = random.getstate()
    return json.dumps({"numpy": [kind, [int(k) for k in keys], int(pos), int(has_gauss), float(cached)],
                       "python": [version, list(internal), gauss]})


def set_host_rng_state(text: str) -> None:
    state = json.loads(text)
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, np.asarray(keys, np.uint32), pos, has_gauss, cached))
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))


__all__ = ["state_variables", "state_arrays", "restore_state_arrays", "host_rng_state", "set_host_rng_state"]
