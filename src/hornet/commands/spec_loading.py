"""What ``hornet compile`` and ``hornet inspect`` take: ``file.py:factory`` (a callable returning a model), a saved
``.hornet`` file, or a ``.graph.json`` written by ``Graph.to_json()``.

A factory's model that has never been called is built from ``--input-shape`` (dims after the batch dim) and
``--dtype``. Loading a ``.hornet`` or graph file never runs code from it; a factory is the user's own code.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from typing import Any, Iterator

import numpy as np

from hornet.commands.usage import UsageError, named_values, parse_shape
from hornet.export.program import InferenceProgram
from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.errors import HornetError



def load_factory(spec: str) -> Any:
    """Call ``path/to/file.py:factory`` and return its model."""
    path, _, name = spec.rpartition(":")
    if not os.path.isfile(path):
        raise UsageError(f"{path}: no such file (SPEC is path/to/file.py:factory or a .hornet file)")
    if not name.isidentifier():
        raise UsageError(f"'{name}' is not a Python name; SPEC is path/to/file.py:factory")
    module_name = f"_hornet_spec_{abs(hash(os.path.abspath(path)))}"
    loader = importlib.util.spec_from_file_location(module_name, path)
    if loader is None or loader.loader is None:
        raise UsageError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(loader)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        loader.loader.exec_module(module)
    except Exception as e:  # noqa: BLE001  (the user's file failed: say where, without our traceback)
        raise HornetError(f"{path}: running the file failed: {type(e).__name__}: {e}") from e
    finally:
        sys.path.pop(0)
    factory = getattr(module, name, None)
    if factory is None:
        defined = sorted(k for k, v in vars(module).items() if callable(v) and not k.startswith("_"))
        raise UsageError(f"{path} defines no '{name}'; callables there: {', '.join(defined) or 'none'}")
    if not callable(factory):
        raise UsageError(f"{path}:{name} is a {type(factory).__name__}, not a callable returning a model")
    try:
        model = factory()
    except Exception as e:  # noqa: BLE001
        raise HornetError(f"{path}:{name}() failed: {type(e).__name__}: {e}") from e
    if not hasattr(model, "save") or not hasattr(model, "predict"):
        raise UsageError(f"{path}:{name}() returned a {type(model).__name__}, not a hornet model")
    return model


def _ensure_built(model: Any, shapes: dict[str | None, str], dtypes: dict[str | None, str]) -> bool:
    """Call a never-called model once on zeros of the given shapes, so that its input shape is known; whether
    it had to (the shapes are then used up: the model's inputs have no names to match them against)."""
    from hornet.api.saving.model_file import input_specs

    try:
        input_specs(model)
        return False
    except ValueError:
        pass
    if not shapes:
        raise UsageError(f"model '{model.name}' has never been called, so its input shape is unknown: give it "
                         "with --input-shape NAME=DIMS (the dims after the batch dim, e.g. --input-shape x=28,28,1)")
    arrays = []
    for key, text in shapes.items():
        dtype = dtypes.get(key, dtypes.get(None, "float32"))
        arrays.append(np.zeros((1,) + parse_shape(text, "--input-shape"), dtype=to_dtype(dtype).np))
    model(arrays[0] if len(arrays) == 1 else arrays)
    return True


def model_from_spec(spec: str, input_shape: list[str] | None = None, dtype: list[str] | None = None) -> Any:
    """The live model SPEC names: a factory's (built from ``--input-shape`` if never called) or a ``.hornet``
    file's, rebuilt with its classes and compile arguments."""
    if spec.endswith(".py") or ".py:" in spec:
        if spec.endswith(".py"):
            raise UsageError(f"{spec}: name the factory too, as {spec}:make_model")
        model = load_factory(spec)
        _ensure_built(model, named_values(input_shape, "--input-shape"), named_values(dtype, "--dtype"))
        return model
    if not os.path.isfile(spec):
        raise UsageError(f"{spec}: no such file (SPEC is path/to/file.py:factory or a .hornet file)")
    from hornet.api.saving.model_file import load_model

    model = load_model(spec)
    if type(model).__name__ == "GraphModel":
        raise HornetError(f"{spec}: its classes are not available here, so it can only predict; --train needs a "
                          "model rebuilt from its config")
    return model


@contextlib.contextmanager
def program_from_spec(spec: str, input_shape: list[str] | None = None, dtype: list[str] | None = None
                      ) -> Iterator[tuple[InferenceProgram, dict[str, int]]]:
    """The program SPEC names, and the sizes of its unknown dims (from ``--input-shape``)."""
    from hornet.export import program_of
    from hornet.ir.graph import Graph

    shapes = named_values(input_shape, "--input-shape")
    dtypes = named_values(dtype, "--dtype")
    for value in dtypes.values():
        try:
            to_dtype(value)
        except (HornetError, TypeError, ValueError):
            raise UsageError(f"--dtype: '{value}' is not a dtype (float32, int32, ...)") from None
    if ":" in os.path.basename(spec) or spec.endswith(".py") or ".py:" in spec:
        if spec.endswith(".py"):
            raise UsageError(f"{spec}: name the factory too, as {spec}:make_model")
        model = load_factory(spec)
        built_here = _ensure_built(model, shapes, dtypes)
        with program_of(model) as program:
            yield program, unknown_dim_sizes(program, {} if built_here else shapes)
        return
    if not os.path.isfile(spec):
        raise UsageError(f"{spec}: no such file (SPEC is path/to/file.py:factory, a .hornet file or a .graph.json)")
    if spec.endswith(".json"):
        from hornet.ir.serialize import MAX_TEXT_SIZE

        size = os.path.getsize(spec)
        if size > MAX_TEXT_SIZE:
            raise HornetError(f"{spec}: {size} bytes is larger than a graph file may be ({MAX_TEXT_SIZE})")
        with open(spec, "rb") as f:
            program = InferenceProgram.from_graph(Graph.from_json(f.read()))
    else:
        program = InferenceProgram.from_model_file(spec)
    yield program, unknown_dim_sizes(program, shapes)


def unknown_dim_sizes(program: InferenceProgram, shapes: dict[str | None, str]) -> dict[str, int]:
    """Sizes for the program's symbolic dims other than the batch, from ``--input-shape``; an error naming the
    input and axis of any dim left unknown, and of a given shape that contradicts the model's."""
    names = {s.name for s in program.inputs}
    for key in shapes:
        if key is not None and key not in names:
            raise UsageError(f"--input-shape: the model has no input '{key}'; its inputs: {', '.join(sorted(names))}")
    sizes: dict[str, int] = {}
    for sig in program.inputs:
        text = shapes.get(sig.name, shapes.get(None) if len(program.inputs) == 1 else None)
        if text is None:
            continue
        dims = parse_shape(text, "--input-shape")
        if len(dims) != len(sig.shape) - 1:
            raise UsageError(f"--input-shape: input '{sig.name}' has shape {list(sig.shape)}; give its "
                             f"{len(sig.shape) - 1} dims after the batch dim, got {text}")
        for model_dim, given in zip(sig.shape[1:], dims):
            if isinstance(model_dim, int) and model_dim != given:
                raise UsageError(f"--input-shape: input '{sig.name}' has shape {list(sig.shape)}, which {text} "
                                 "contradicts")
            if not isinstance(model_dim, int):
                sizes[str(model_dim)] = given
    missing = [(n, a) for n, a in program.unknown_dims()
               if str(next(s for s in program.inputs if s.name == n).shape[a]) not in sizes]
    if missing:
        name, axis = missing[0]
        shape = next(s for s in program.inputs if s.name == name).shape
        raise UsageError(f"input '{name}' has an unknown dim {axis} (shape {list(shape)}); give its size with "
                         f"--input-shape {name}=" + ",".join(str(d) if isinstance(d, int) else "N"
                                                             for d in shape[1:]))
    return sizes
