"""The ``compile()`` arguments of a model as data, and restoring them (optimizer state included) on load."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from hornet.api.saving import tensors_file


def _object(obj: Any, module: Any) -> Any:
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [_object(o, module) for o in obj]
    if isinstance(obj, dict):
        return {str(k): _object(v, module) for k, v in obj.items()}
    return module.serialize(obj)


def compile_config(model: Any) -> dict[str, Any] | None:
    """The compile arguments (None if the model was never compiled or they can't be saved as data)."""
    args = getattr(model, "_compile_args", None)
    if not args:
        return None
    from hornet.api import losses, metrics, optimizers

    try:
        return {"optimizer": optimizers.serialize(args["optimizer"]),
                "loss": _object(args["loss"], losses), "loss_weights": args["loss_weights"],
                "metrics": _object(args["metrics"], metrics),
                "weighted_metrics": _object(args["weighted_metrics"], metrics),
                "steps_per_execution": args["steps_per_execution"]}
    except (ValueError, TypeError, NotImplementedError) as e:
        warnings.warn(f"model '{model.name}': the compile() arguments can't be saved ({e}); the loaded model "
                      "will need compile() again", stacklevel=3)
        return None


def _restore(obj: Any, module: Any, custom_objects: Any) -> Any:
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, list):
        return [_restore(o, module, custom_objects) for o in obj]
    if isinstance(obj, dict) and "class_name" not in obj:
        return {k: _restore(v, module, custom_objects) for k, v in obj.items()}
    return module.deserialize(obj, custom_objects) if custom_objects else module.deserialize(obj)


def restore_compile(model: Any, config: dict[str, Any], optimizer_blob: bytes | None, filepath: str,
                    custom_objects: Any = None) -> None:
    """Compile ``model`` as saved and put the optimizer's saved state back. Saved state that does not fit the
    rebuilt optimizer is skipped with a warning, as Keras does; a corrupt blob is an error."""
    from hornet.api import losses, metrics, optimizers
    from hornet.api.saving.file_errors import ModelFileError
    from hornet.api.saving.restore import assign, match_arrays
    from hornet.runtime.variables import allocation_budget

    weight_bytes = sum(v.dtype.itemsize * int(np.prod(v.shape)) for v in model.weights)
    budget = 3 * weight_bytes + len(optimizer_blob or b"") + (16 << 20)  # slots, metric state
    with allocation_budget(budget, "the model's weights (for optimizer slots and metrics)"):
        optimizer = optimizers.deserialize(config["optimizer"], custom_objects)
        model.compile(optimizer=optimizer, loss=_restore(config.get("loss"), losses, custom_objects),
                      loss_weights=config.get("loss_weights"),
                      metrics=_restore(config.get("metrics"), metrics, custom_objects),
                      weighted_metrics=_restore(config.get("weighted_metrics"), metrics, custom_objects),
                      steps_per_execution=config.get("steps_per_execution", 1))
        if optimizer_blob is None:
            return
        arrays, _ = tensors_file.parse(optimizer_blob, filepath, "optimizer.safetensors")
        optimizer.build(model.trainable_variables)
    try:
        pairs = match_arrays(arrays, list(optimizer.variables), "optimizer variables", None, None)
    except ModelFileError as e:
        warnings.warn(f"{filepath}: optimizer.safetensors: the saved optimizer state does not match the rebuilt "
                      f"optimizer ({e.reason}); training restarts its optimizer state", stacklevel=3)
        return
    assign(pairs)
